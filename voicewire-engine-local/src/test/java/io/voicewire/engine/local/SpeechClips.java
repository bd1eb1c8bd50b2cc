package io.voicewire.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.voicewire.audio.AudioFormat;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/** Speech made by the engine's own TTS, for recognition tests (cached per text and voice). */
final class SpeechClips {
  private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

  private SpeechClips() {}

  /** {@code text} spoken by {@code voice}, as 16 kHz PCM. */
  static byte[] pcm16k(LocalSpeechProvider p, String voice, String text)
      throws InterruptedException {
    String key = voice + "|" + text;
    byte[] b = CACHE.get(key);
    if (b == null) {
      RecordingTtsListener l = new RecordingTtsListener();
      TtsSession s = p.openTts(TtsRequest.builder(voice).outputFormat(AudioFormat.PCM_16000)
          .build(), l);
      s.send(text);
      s.end();
      l.awaitTerminal(60);
      assertEquals(Boolean.TRUE, l.complete(), "synthesis failed: " + l.failure());
      b = l.audio();
      CACHE.put(key, b);
    }
    return b;
  }

  /** {@code millis} of digital silence at 16 kHz. */
  static byte[] silence(int millis) {
    return new byte[16 * 2 * millis];
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }
}
