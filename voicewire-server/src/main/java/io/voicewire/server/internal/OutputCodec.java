package io.voicewire.server.internal;

import io.voicewire.audio.AudioEncoder;
import io.voicewire.audio.AudioFormat;
import io.voicewire.speech.Alignment;
import io.voicewire.speech.SpeechProvider;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The output format of one TTS stream as the client asked for it. When the provider makes that
 * format itself (PCM and G.711 from the offline engine, everything from the cloud) audio passes
 * through; otherwise (MP3 and Opus from the offline engine) the provider is asked for PCM at the
 * codec's rate and each chunk is encoded here as it arrives ({@link AudioEncoder}).
 *
 * <p>Timing follows the audio a decoder plays ({@link AudioEncoder#decodedSamples()}): {@link
 * Chunk#millis()} is the decoded duration of the chunk's bytes, and each character's times are
 * shifted by where the chunk's PCM really plays relative to the start of those bytes ({@link
 * AudioEncoder#nextInputPosition()}): the codec's delay (MP3: 1,105 samples, about 25 ms; Ogg
 * Opus: none, its pre-skip is trimmed) plus the audio the codec still held. Summing the
 * chunks' durations and adding a character's time gives where that character plays in the
 * decoded stream, to the millisecond. A codec that returns no bytes for a chunk (LAME's first
 * frame needs more input) holds the chunk's alignment back and sends it with the next bytes,
 * so no character's timing is lost. For PCM and G.711 all of this is the identity.
 *
 * <p>Not thread safe: one per stream, called serially (the provider's listener calls, or the
 * HTTP request's thread).
 */
final class OutputCodec {
  private final AudioFormat wanted;
  private final AudioFormat produced;
  private final AudioEncoder encoder;
  private final List<TtsAudio> held = new ArrayList<>();
  /** Where each held chunk's first sample plays in the decoded timeline, samples. */
  private final List<Long> heldAt = new ArrayList<>();
  /** The decoded samples of every byte released so far. */
  private long releasedSamples;

  /** One chunk for the client: the bytes in the wanted format and the time they cover. */
  record Chunk(TtsAudio audio, long millis) {}

  OutputCodec(SpeechProvider provider, AudioFormat wanted) {
    this.wanted = wanted;
    boolean native_ = provider.producesFormat(wanted) || !AudioEncoder.canEncode(wanted);
    this.produced = native_ ? wanted : AudioEncoder.codecInput(wanted);
    this.encoder = native_ ? null : AudioEncoder.create(produced, wanted);
  }

  /** The request to hand the provider: {@code r} with the format the provider makes. */
  TtsRequest providerRequest(TtsRequest r) {
    return produced.equals(r.outputFormat()) ? r : r.toBuilder().outputFormat(produced).build();
  }

  /** {@link #providerRequest(TtsRequest)} for the session of key {@code keyId} (its tenant). */
  TtsRequest providerRequest(TtsRequest r, String keyId) {
    String tenant = Auth.tenant(keyId);
    return providerRequest(java.util.Objects.equals(tenant, r.tenant()) ? r
        : r.toBuilder().tenant(tenant).build());
  }

  /** Encodes one provider chunk; null while the codec holds it back. */
  Chunk encode(TtsAudio a) {
    return encode(a, false);
  }

  /**
   * Encodes one provider chunk; with {@code drain} (the provider has voiced all text given so
   * far) the codec gives out everything now ({@link AudioEncoder#drain()}); else null while it
   * holds the chunk back.
   */
  Chunk encode(TtsAudio a, boolean drain) {
    long ms = TtsContext.audioMillis(produced, a.audio().length);
    if (encoder == null) {
      return new Chunk(a, ms);
    }
    long at = encoder.nextInputPosition();
    byte[] out = encoder.encode(a.audio());
    if (drain) {
      byte[] rest = encoder.drain();
      if (rest.length > 0) {
        byte[] both = java.util.Arrays.copyOf(out, out.length + rest.length);
        System.arraycopy(rest, 0, both, out.length, rest.length);
        out = both;
      }
    }
    held.add(a);
    heldAt.add(at);
    return out.length == 0 ? null : release(out);
  }

  /** The end of a complete stream: the codec's last bytes with what it held, or null. */
  Chunk finish() {
    if (encoder == null) {
      return null;
    }
    byte[] out = encoder.finish();
    return out.length == 0 && held.isEmpty() ? null : release(out);
  }

  /** The format the provider is asked for. */
  AudioFormat produced() {
    return produced;
  }

  /** The format the client gets. */
  AudioFormat wanted() {
    return wanted;
  }

  private Chunk release(byte[] bytes) {
    List<Alignment> al = new ArrayList<>();
    List<Alignment> nal = new ArrayList<>();
    long start = millis(releasedSamples);
    for (int i = 0; i < held.size(); i++) {
      TtsAudio h = held.get(i);
      long offset = millis(heldAt.get(i)) - start;
      if (h.alignment() != null) {
        al.add(HttpTts.shift(h.alignment(), offset));
      }
      if (h.normalizedAlignment() != null) {
        nal.add(HttpTts.shift(h.normalizedAlignment(), offset));
      }
    }
    held.clear();
    heldAt.clear();
    releasedSamples = encoder.decodedSamples();
    return new Chunk(new TtsAudio(bytes, al.isEmpty() ? null : HttpTts.merge(al),
        nal.isEmpty() ? null : HttpTts.merge(nal)), millis(releasedSamples) - start);
  }

  /** Milliseconds from the stream's start to {@code samples} of the decoded timeline. */
  private long millis(long samples) {
    return Math.round(samples * 1000.0 / wanted.sampleRate());
  }
}
