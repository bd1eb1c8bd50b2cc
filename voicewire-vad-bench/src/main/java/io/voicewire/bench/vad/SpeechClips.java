package io.voicewire.bench.vad;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** 16 kHz mono 16-bit clips (WAV or headerless RAW) and their speech extent on clean audio. */
final class SpeechClips {
  private SpeechClips() {}

  /** Samples scaled to ±1. WAV: the {@code data} chunk of a 16 kHz mono PCM16 file; RAW: all. */
  static float[] load(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    int off = 0;
    int len = b.length;
    if (len > 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F') {
      ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
      int p = 12;
      off = -1;
      while (p + 8 <= b.length) {
        String id = new String(b, p, 4, java.nio.charset.StandardCharsets.US_ASCII);
        int size = bb.getInt(p + 4);
        if (id.equals("fmt ")) {
          int channels = bb.getShort(p + 10);
          int rate = bb.getInt(p + 12);
          int bits = bb.getShort(p + 22);
          if (channels != 1 || rate != SileroVad.RATE || bits != 16) {
            throw new IOException(file + ": want 16 kHz mono 16-bit, got " + rate + " Hz, "
                + channels + " ch, " + bits + " bit");
          }
        } else if (id.equals("data")) {
          off = p + 8;
          len = Math.min(size, b.length - off);
          break;
        }
        p += 8 + size + (size & 1);
      }
      if (off < 0) {
        throw new IOException(file + ": no data chunk");
      }
    }
    float[] out = new float[len / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (short) ((b[off + 2 * i] & 0xff) | (b[off + 2 * i + 1] << 8)) / 32768f;
    }
    return out;
  }

  /**
   * Where the clip's speech lies on clean audio, in ms: the first and last 10 ms frame whose
   * energy is within {@code 35 dB} of the clip's loudest frame, in a run of at least 3 such frames.
   * This is the reference the detectors are scored against (it sees the clean clip; they do not).
   */
  static long[] extentMs(float[] clip) {
    int frame = SileroVad.RATE / 100;
    int n = clip.length / frame;
    double[] db = new double[n];
    double max = -200;
    for (int f = 0; f < n; f++) {
      double s = 0;
      for (int i = f * frame; i < (f + 1) * frame; i++) {
        s += clip[i] * clip[i];
      }
      db[f] = 10 * Math.log10(s / frame + 1e-12);
      max = Math.max(max, db[f]);
    }
    int first = -1;
    int last = -1;
    int run = 0;
    for (int f = 0; f < n; f++) {
      run = db[f] >= max - 35 ? run + 1 : 0;
      if (run >= 3) {
        if (first < 0) {
          first = f - 2;
        }
        last = f;
      }
    }
    return new long[] {Math.max(0, first) * 10L, (last + 1) * 10L};
  }
}
