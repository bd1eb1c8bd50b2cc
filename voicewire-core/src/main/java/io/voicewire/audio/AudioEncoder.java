package io.voicewire.audio;

import io.voicewire.audio.internal.Encoders;
import java.util.Objects;

/**
 * Encodes a stream of 16-bit PCM into an output format of the protocol, chunk by chunk as the
 * audio is produced: {@code mp3_*} (MPEG layer III, constant bitrate), {@code opus_48000_*} (Opus
 * in Ogg, 20 ms frames), {@code wav_*} (a streaming WAVE header whose sizes say "to the end",
 * then PCM; {@link Wav#withSizes} fixes them for a whole file) and every decodable format
 * ({@code pcm_*}, {@code ulaw_8000}, {@code alaw_8000}). {@link AudioDecoder} reads them all.
 *
 * <p>Each {@link #encode} returns the bytes that are ready (possibly none): a codec holds back
 * less than one frame of input (MP3: 1152 samples plus the encoder's look-ahead; Opus: one 20 ms
 * frame), so memory stays bounded whatever the stream's length. {@link #finish()} pads the last
 * frame with silence, drains the codec and ends the stream. The concatenation of all returned
 * byte arrays is one valid file of the format (an MP3 elementary stream, an Ogg Opus file whose
 * pre-skip and final granule position cut the encoder's delay and padding exactly).
 *
 * <p>Timing: the bytes decode to a timeline that a codec may shift and stretch: MP3 has no
 * standard way to announce its delay in a stream, so a decoder plays
 * {@value #MP3_DECODER_DELAY_SAMPLES} samples of encoder and decoder delay first and pads the
 * last frame, as every streamed MP3 does; Ogg Opus trims its own. {@link #decodedSamples()} and
 * {@link #nextInputPosition()} tell exactly where each input sample lands in that timeline, which
 * is how callers keep alignment exact.
 *
 * <p>The source PCM may be at any rate: it is resampled to the codec's rate ({@link
 * #codecInput(AudioFormat)}) with the {@link Resampler}. Feeding PCM at that rate avoids it.
 *
 * <p>Not thread safe; use one per stream. The MP3 and Opus codecs are optional dependencies of
 * voicewire-core ({@code de.sciss:jump3r}, {@code io.github.jaredmdobson:concentus}); creating an
 * encoder for them without the codec on the class path throws {@link IllegalStateException}.
 *
 * <pre>{@code
 * AudioEncoder e = AudioEncoder.create(AudioFormat.PCM_16000, AudioFormat.parse("mp3_44100_128"));
 * out.write(e.encode(pcmChunk));   // per chunk; may be empty
 * out.write(e.finish());           // end of stream
 * }</pre>
 */
public interface AudioEncoder {

  /** Encoder plus decoder delay of a LAME-encoded MP3 stream, in samples (576 + 529). */
  int MP3_DECODER_DELAY_SAMPLES = 1105;

  /** The format this encoder produces. */
  AudioFormat target();

  /**
   * Encodes the next chunk of PCM (any length; an odd byte waits for the next chunk).
   *
   * @return the bytes ready, possibly empty, never null
   * @throws IllegalStateException after {@link #finish()}
   */
  byte[] encode(byte[] pcm);

  /**
   * Returns every sample fed so far, now, and goes on: the codec's last partial frame (and
   * look-ahead) is padded with silence, so a decoder plays a short silence at this point (Opus:
   * under 20 ms plus 6.5 ms of look-ahead; MP3: up to about two frames, the stream's delay and
   * padding). For a speaker that has said everything it was given ({@code flush}): without it
   * the last partial frame would wait for more audio. PCM and G.711 hold nothing.
   */
  byte[] drain();

  /**
   * Ends the stream: pads and drains the codec, returns the last bytes (for Ogg, the final page
   * with its end-of-stream flag). Later calls return an empty array.
   */
  byte[] finish();

  /**
   * Samples (at the target's rate) a standard decoder outputs for all the bytes returned so far:
   * PCM, G.711 and WAV count their samples; MP3 counts whole frames (1152 or 576 samples each),
   * delay and padding included; Ogg Opus counts the samples after its pre-skip, up to the last
   * page's granule position.
   */
  long decodedSamples();

  /**
   * Where, in the decoded timeline of {@link #decodedSamples()}, the next PCM sample fed will
   * play (samples at the target's rate). The difference from {@code decodedSamples()} taken
   * when a chunk's bytes go out is how late that chunk's first sample plays relative to the
   * start of those bytes: the codec's delay plus the audio it holds. Timing that follows the
   * decoded audio (alignment of MP3, for example) adds it.
   */
  long nextInputPosition();

  /** True when {@link #create} can produce {@code target}. */
  static boolean canEncode(AudioFormat target) {
    Objects.requireNonNull(target, "target == null");
    return Encoders.canEncode(target);
  }

  /**
   * The PCM format the codec of {@code target} consumes: {@code pcm_48000} for Opus, PCM at the
   * format's own rate otherwise. Ask a speech engine for this format to avoid resampling twice.
   *
   * @throws IllegalArgumentException when {@code target} cannot be encoded
   */
  static AudioFormat codecInput(AudioFormat target) {
    requireEncodable(target);
    return AudioFormat.PCM_48000.withSampleRate(target.sampleRate());
  }

  /**
   * A new encoder from {@code source} (16-bit PCM at any rate) to {@code target}.
   *
   * @throws IllegalArgumentException when {@code source} is not PCM or {@code target} cannot be
   *     encoded
   * @throws IllegalStateException when the codec library of {@code target} is not on the path
   */
  static AudioEncoder create(AudioFormat source, AudioFormat target) {
    Objects.requireNonNull(source, "source == null");
    if (!source.isPcm()) {
      throw new IllegalArgumentException("the source must be pcm_*, not " + source.wireName());
    }
    requireEncodable(target);
    return Encoders.create(source, target);
  }

  private static void requireEncodable(AudioFormat target) {
    if (!canEncode(target)) {
      throw new IllegalArgumentException("cannot encode " + target.wireName());
    }
  }
}
