package io.voicewire.server;

import io.voicewire.audio.AudioFormat;

/** Signals synthesised in code for tests, and G.711 for the tone engine. */
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
          out[i] = linearToUlaw(pcm[i]);
        }
        return out;
      }
      case ALAW -> {
        byte[] out = new byte[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
          out[i] = linearToAlaw(pcm[i]);
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
        out[i] = ulawToLinear(b[i]);
      }
      return out;
    }
    short[] out = new short[b.length / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (short) ((b[2 * i] & 0xFF) | (b[2 * i + 1] << 8));
    }
    return out;
  }

  static byte linearToUlaw(int pcm) {
    int sign = (pcm >> 8) & 0x80;
    if (sign != 0) {
      pcm = -pcm;
    }
    if (pcm > 32635) {
      pcm = 32635;
    }
    pcm += 0x84;
    int exponent = 7;
    for (int mask = 0x4000; (pcm & mask) == 0 && exponent > 0; exponent--, mask >>= 1) {
      // find the segment
    }
    int mantissa = (pcm >> (exponent + 3)) & 0x0F;
    return (byte) ~(sign | (exponent << 4) | mantissa);
  }

  static short ulawToLinear(byte u) {
    int x = ~u & 0xFF;
    int sign = x & 0x80;
    int exponent = (x >> 4) & 7;
    int mantissa = x & 0x0F;
    int sample = (((mantissa << 3) + 0x84) << exponent) - 0x84;
    return (short) (sign != 0 ? -sample : sample);
  }

  static byte linearToAlaw(int pcm) {
    int mask;
    if (pcm >= 0) {
      mask = 0xD5;
    } else {
      mask = 0x55;
      pcm = -pcm - 1;
    }
    int[] segEnd = {0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF, 0x3FFF, 0x7FFF};
    int seg = 0;
    while (seg < 8 && pcm > segEnd[seg]) {
      seg++;
    }
    if (seg >= 8) {
      return (byte) (0x7F ^ mask);
    }
    int aval = seg << 4;
    aval |= seg < 2 ? (pcm >> 4) & 0x0F : (pcm >> (seg + 3)) & 0x0F;
    return (byte) (aval ^ mask);
  }
}
