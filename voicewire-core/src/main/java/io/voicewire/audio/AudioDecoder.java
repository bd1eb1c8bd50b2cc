package io.voicewire.audio;

import io.voicewire.audio.internal.Decoders;
import java.util.Objects;

/**
 * Decodes a stream in any output format of the protocol back to 16-bit PCM, chunk by chunk as the
 * bytes arrive: {@code mp3_*}, {@code opus_48000_*} (Ogg), {@code wav_*}, {@code pcm_*},
 * {@code ulaw_8000} and {@code alaw_8000}. The counterpart of {@link AudioEncoder}.
 *
 * <p>A chunk may end anywhere (inside an MP3 frame, an Ogg page, a WAVE header): the decoder keeps
 * the incomplete part for the next chunk, so memory stays bounded by one frame or page, and the
 * concatenation of everything {@link #decode} and {@link #finish()} return is the stream's PCM
 * with no gap or overlap at chunk boundaries. The decoded timeline is the one every standard
 * decoder produces, which is the one {@link AudioEncoder#decodedSamples()} and the server's
 * alignment count in: Ogg Opus is trimmed by its pre-skip and its final granule position; an MP3
 * file that starts with a LAME (Xing/Info) tag is trimmed to the length and delay it announces;
 * a streamed MP3 keeps its encoder and decoder delay ({@link
 * AudioEncoder#MP3_DECODER_DELAY_SAMPLES}), as it cannot announce it.
 *
 * <p>Not thread safe; use one per stream. MP3 and Opus need the optional codec libraries
 * ({@code de.sciss:jump3r}, {@code io.github.jaredmdobson:concentus}) on the class path.
 *
 * <pre>{@code
 * AudioDecoder d = AudioDecoder.create(AudioFormat.parse("mp3_44100_128"));
 * sink.write(d.decode(chunk));   // per chunk; may be empty
 * sink.write(d.finish());        // end of stream
 * }</pre>
 */
public interface AudioDecoder {

  /** The format decoded. */
  AudioFormat source();

  /** The PCM produced: mono 16-bit at the codec's rate (48 kHz for Opus). */
  AudioFormat output();

  /**
   * Decodes the next chunk of the stream.
   *
   * @return the PCM ready, possibly empty, never null
   * @throws IllegalArgumentException when the bytes are not a valid stream of {@link #source()}
   * @throws IllegalStateException after {@link #finish()}
   */
  byte[] decode(byte[] chunk);

  /** Ends the stream and returns the last PCM, if any; later calls return an empty array. */
  byte[] finish();

  /**
   * The format of an audio file from its first bytes, whatever its name says: MP3 (an ID3v2 tag
   * or an MPEG-1, 2 or 2.5 layer III frame first; the first frame's sample rate, a nominal
   * bitrate) or Ogg Opus; null for anything else, WAV included ({@link Wav} reads it). Check
   * {@link #canDecode} before decoding: not every MP3 rate is decoded. An ID3v2 tag at the start
   * of an MP3 stream is skipped by the decoder.
   *
   * @param fileStart the file's first bytes (its first 512 suffice unless a large ID3 tag comes
   *     first: then up to the first frame)
   */
  static AudioFormat detect(byte[] fileStart) {
    Objects.requireNonNull(fileStart, "fileStart == null");
    return Decoders.detect(fileStart);
  }

  /** True when {@link #create} can decode {@code source}. */
  static boolean canDecode(AudioFormat source) {
    Objects.requireNonNull(source, "source == null");
    return Decoders.canDecode(source);
  }

  /**
   * The PCM format a decoder of {@code source} produces.
   *
   * @throws IllegalArgumentException when {@code source} cannot be decoded
   */
  static AudioFormat outputOf(AudioFormat source) {
    if (!canDecode(source)) {
      throw new IllegalArgumentException("cannot decode " + source.wireName());
    }
    return AudioFormat.PCM_48000.withSampleRate(source.sampleRate());
  }

  /**
   * A new decoder for a stream in {@code source}.
   *
   * @throws IllegalArgumentException when {@code source} cannot be decoded
   * @throws IllegalStateException when the codec library of {@code source} is not on the path
   */
  static AudioDecoder create(AudioFormat source) {
    outputOf(source);
    return Decoders.create(source);
  }
}
