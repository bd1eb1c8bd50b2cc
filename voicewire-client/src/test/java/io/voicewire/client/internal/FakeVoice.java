package io.voicewire.client.internal;

import io.voicewire.audio.AudioFormat;
import io.voicewire.speech.Alignment;
import io.voicewire.speech.TtsAudio;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A synthetic voice for tests: every character is 10 ms of PCM at 24 kHz whose samples all equal
 * its code point, so audio can be decoded back into text and any repeated or lost character is
 * visible. Stateless.
 */
public final class FakeVoice {
  public static final AudioFormat FORMAT = AudioFormat.PCM_24000;
  public static final int MS_PER_CHAR = 10;
  public static final int SAMPLES_PER_CHAR = FORMAT.sampleRate() * MS_PER_CHAR / 1000;

  private FakeVoice() {}

  /** One chunk voicing {@code part}, after {@code leadMs} of silence. */
  public static TtsAudio chunk(String part, int leadMs) {
    int lead = FORMAT.sampleRate() * leadMs / 1000;
    byte[] pcm = new byte[(lead + part.length() * SAMPLES_PER_CHAR) * 2];
    List<String> chars = new ArrayList<>();
    int[] st = new int[part.length()];
    int[] du = new int[part.length()];
    for (int c = 0; c < part.length(); c++) {
      chars.add(String.valueOf(part.charAt(c)));
      st[c] = leadMs + c * MS_PER_CHAR;
      du[c] = MS_PER_CHAR;
      for (int s = 0; s < SAMPLES_PER_CHAR; s++) {
        int idx = (lead + c * SAMPLES_PER_CHAR + s) * 2;
        pcm[idx] = (byte) part.charAt(c);
        pcm[idx + 1] = (byte) (part.charAt(c) >> 8);
      }
    }
    Alignment a = new Alignment(chars, st, du);
    return new TtsAudio(pcm, a, a);
  }

  /** Decodes audio made by {@link #chunk} back to text; throws if a character was cut. */
  public static String decode(byte[] pcm) {
    StringBuilder sb = new StringBuilder();
    int run = 0;
    int prev = -1;
    for (int i = 0; i + 1 < pcm.length; i += 2) {
      int v = (pcm[i] & 0xff) | ((pcm[i + 1] & 0xff) << 8);
      if (v != prev) {
        flushRun(sb, prev, run);
        prev = v;
        run = 0;
      }
      run++;
    }
    flushRun(sb, prev, run);
    return sb.toString();
  }

  /** Decodes the concatenation of chunks. */
  public static String decode(List<TtsAudio> chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    chunks.forEach(a -> out.writeBytes(a.audio()));
    return decode(out.toByteArray());
  }

  private static void flushRun(StringBuilder sb, int v, int run) {
    if (v <= 0 || run == 0) {
      return;
    }
    if (run % SAMPLES_PER_CHAR != 0) {
      throw new AssertionError("a character's audio was cut mid-way: '" + (char) v + "' x "
          + run + " samples");
    }
    for (int k = 0; k < run / SAMPLES_PER_CHAR; k++) {
      sb.append((char) v);
    }
  }
}
