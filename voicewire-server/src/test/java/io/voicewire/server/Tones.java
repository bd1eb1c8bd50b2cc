package io.voicewire.server;

import io.voicewire.audio.AudioFormat;
import io.voicewire.audio.G711;
import io.voicewire.testing.Signals;

/** Signals synthesised in code for tests, encoded with core's codecs. */
final class Tones {
  private Tones() {}

  /** {@code ms} of a sine at {@code freq} Hz (0 = silence), amplitude 8000. */
  static short[] sine(double freq, int ms, int rate) {
    int n = (int) ((long) rate * ms / 1000);
    short[] out = new short[n];
    if (freq <= 0) {
      return out;
    }
    for (int i = 0; i < n; i++) {
      out[i] = (short) Math.round(8000 * Math.sin(2 * Math.PI * freq * i / rate));
    }
    return out;
  }

  /** 16-bit LE PCM of a tone. */
  static byte[] pcm(double freq, int ms, int rate) {
    return encode(sine(freq, ms, rate), new AudioFormat(AudioFormat.Encoding.PCM_S16LE, rate, 0));
  }

  /** 16-bit LE PCM of silence. */
  static byte[] silence(int ms, int rate) {
    return new byte[(int) ((long) rate * ms / 1000) * 2];
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int off = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, off, p.length);
      off += p.length;
    }
    return out;
  }

  static byte[] encode(short[] pcm, AudioFormat f) {
    switch (f.encoding()) {
      case PCM_S16LE -> {
        byte[] out = new byte[pcm.length * 2];
        for (int i = 0; i < pcm.length; i++) {
          out[2 * i] = (byte) pcm[i];
          out[2 * i + 1] = (byte) (pcm[i] >> 8);
        }
        return out;
      }
      case ULAW -> {
        byte[] out = new byte[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
          out[i] = G711.linearToUlaw(pcm[i]);
        }
        return out;
      }
      case ALAW -> {
        byte[] out = new byte[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
          out[i] = G711.linearToAlaw(pcm[i]);
        }
        return out;
      }
      default -> throw new IllegalArgumentException("cannot encode " + f);
    }
  }

  static short[] decode(byte[] b, AudioFormat f) {
    if (f.encoding() == AudioFormat.Encoding.ULAW) {
      short[] out = new short[b.length];
      for (int i = 0; i < b.length; i++) {
        out[i] = G711.ulawToLinear(b[i]);
      }
      return out;
    }
    short[] out = new short[b.length / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (short) ((b[2 * i] & 0xFF) | (b[2 * i + 1] << 8));
    }
    return out;
  }
}
