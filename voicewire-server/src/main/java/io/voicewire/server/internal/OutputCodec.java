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
 * <p>Timing stays the PCM's: {@link Chunk#millis()} is the duration of the provider's audio, and
 * alignment is passed on untouched. A codec that returns no bytes for a chunk (LAME's first
 * frame needs more input) holds the chunk's alignment and duration back and sends them with the
 * next bytes, shifted by the duration held, so no character's timing is lost or moved in time.
 *
 * <p>Not thread safe: one per stream, called serially (the provider's listener calls, or the
 * HTTP request's thread).
 */
final class OutputCodec {
  private final AudioFormat wanted;
  private final AudioFormat produced;
  private final AudioEncoder encoder;
  private final List<TtsAudio> held = new ArrayList<>();
  private final List<Long> heldMillis = new ArrayList<>();

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
    heldMillis.add(ms);
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
    long offset = 0;
    for (int i = 0; i < held.size(); i++) {
      TtsAudio h = held.get(i);
      if (h.alignment() != null) {
        al.add(HttpTts.shift(h.alignment(), offset));
      }
      if (h.normalizedAlignment() != null) {
        nal.add(HttpTts.shift(h.normalizedAlignment(), offset));
      }
      offset += heldMillis.get(i);
    }
    held.clear();
    heldMillis.clear();
    return new Chunk(new TtsAudio(bytes, al.isEmpty() ? null : HttpTts.merge(al),
        nal.isEmpty() ? null : HttpTts.merge(nal)), offset);
  }
}
