package io.voicewire.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An independent decoder for tests: Debian's {@code ffmpeg} decodes a file of any format to mono
 * 16-bit PCM at a given rate. Tests of other modules reuse it (test-jar).
 */
public final class Ffmpeg {
  private static final long TIMEOUT_SECONDS = 30;

  private Ffmpeg() {}

  /** Decodes {@code encoded} to mono PCM at {@code rate}; fails when ffmpeg rejects it. */
  public static short[] decode(byte[] encoded, int rate) throws IOException, InterruptedException {
    Path in = Files.createTempFile("vw-enc", ".bin");
    Path out = Files.createTempFile("vw-dec", ".raw");
    Path err = Files.createTempFile("vw-dec", ".log");
    try {
      Files.write(in, encoded);
      Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-y", "-i",
          in.toString(), "-f", "s16le", "-ac", "1", "-ar", Integer.toString(rate),
          out.toString()).redirectErrorStream(true).redirectOutput(err.toFile()).start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("ffmpeg did not finish in " + TIMEOUT_SECONDS + " s");
      }
      String log = Files.readString(err);
      if (p.exitValue() != 0) {
        throw new IOException("ffmpeg failed (" + p.exitValue() + "): " + log);
      }
      byte[] b = Files.readAllBytes(out);
      short[] s = new short[b.length / 2];
      for (int i = 0; i < s.length; i++) {
        s[i] = (short) ((b[2 * i] & 0xFF) | (b[2 * i + 1] << 8));
      }
      return s;
    } finally {
      Files.deleteIfExists(in);
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /**
   * Encodes {@code input} (any file ffmpeg reads, e.g. a WAV) with {@code args} (codec options)
   * into a file of {@code extension}; returns its bytes. Fails when ffmpeg does.
   */
  public static byte[] encode(byte[] input, String extension, String... args)
      throws IOException, InterruptedException {
    Path in = Files.createTempFile("vw-src", ".bin");
    Path out = Files.createTempFile("vw-enc", "." + extension);
    Path err = Files.createTempFile("vw-enc", ".log");
    try {
      Files.write(in, input);
      java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("ffmpeg",
          "-nostdin", "-v", "error", "-y", "-i", in.toString()));
      cmd.addAll(java.util.List.of(args));
      cmd.add(out.toString());
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(err.toFile()).start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("ffmpeg did not finish in " + TIMEOUT_SECONDS + " s");
      }
      if (p.exitValue() != 0) {
        throw new IOException("ffmpeg failed (" + p.exitValue() + "): " + Files.readString(err));
      }
      return Files.readAllBytes(out);
    } finally {
      Files.deleteIfExists(in);
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Root-mean-square level of {@code s}, full scale 1.0. */
  public static double rms(short[] s) {
    double sum = 0;
    for (short v : s) {
      sum += (double) v * v;
    }
    return s.length == 0 ? 0 : Math.sqrt(sum / s.length) / 32768.0;
  }

  /** Root-mean-square level of little-endian PCM bytes, full scale 1.0. */
  public static double rms(byte[] pcm) {
    short[] s = new short[pcm.length / 2];
    for (int i = 0; i < s.length; i++) {
      s[i] = (short) ((pcm[2 * i] & 0xFF) | (pcm[2 * i + 1] << 8));
    }
    return rms(s);
  }
}
