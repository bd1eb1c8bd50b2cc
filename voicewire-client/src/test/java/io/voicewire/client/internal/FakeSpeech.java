package io.voicewire.client.internal;

import io.voicewire.audio.AudioFormat;

/**
 * Synthetic "speech" for STT tests: 16 kHz PCM in 20 ms frames; a frame whose samples all equal
 * a character's code point "says" that character, a zero frame is silence. {@link FakeSttPeer}
 * recognises it exactly, so lost or repeated audio shows in the transcript. Stateless.
 */
public final class FakeSpeech {
  public static final AudioFormat FORMAT = AudioFormat.PCM_16000;
  public static final int FRAME_MS = 20;
  public static final int FRAME_BYTES = FORMAT.bytesForMillis(FRAME_MS);

  private FakeSpeech() {}

  /** One frame per character of {@code text}. */
  public static byte[] say(String text) {
    byte[] out = new byte[text.length() * FRAME_BYTES];
    for (int i = 0; i < text.length(); i++) {
      fill(out, i * FRAME_BYTES, text.charAt(i));
    }
    return out;
  }

  /** {@code frames} frames of silence. */
  public static byte[] silence(int frames) {
    return new byte[frames * FRAME_BYTES];
  }

  private static void fill(byte[] b, int at, int v) {
    for (int i = at; i < at + FRAME_BYTES; i += 2) {
      b[i] = (byte) v;
      b[i + 1] = (byte) (v >> 8);
    }
  }

  /** The value of the frame starting at {@code at}. */
  public static int frameValue(byte[] b, int at) {
    return (b[at] & 0xff) | ((b[at + 1] & 0xff) << 8);
  }
}
