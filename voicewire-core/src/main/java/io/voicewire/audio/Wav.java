package io.voicewire.audio;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads and writes RIFF/WAVE files, converting every supported sample format to 16-bit
 * little-endian PCM.
 *
 * <p>Reading accepts {@code WAVE_FORMAT_PCM} (8-bit unsigned, 16-, 24- and 32-bit signed),
 * {@code WAVE_FORMAT_IEEE_FLOAT} (32- and 64-bit), G.711 μ-law and A-law, and
 * {@code WAVE_FORMAT_EXTENSIBLE} wrapping any of these; 1 to {@value #MAX_CHANNELS} interleaved
 * channels. Unknown chunks ({@code LIST}, {@code fact}, {@code bext}...) are skipped, including
 * their pad byte. A {@code data} size of {@code 0xFFFFFFFF} or one larger than the file (as
 * written by streaming recorders) means "to the end of the stream". Samples wider than 16 bits
 * are rounded to 16 bits; float samples are clamped. Bad input fails with an {@link IOException}
 * that says what is wrong.
 *
 * <p>Writing produces the canonical 44-byte header with 16-bit mono PCM.
 *
 * <pre>{@code
 * Wav.WavAudio a = Wav.read(Path.of("hello.wav")).toMono();
 * Wav.write(Path.of("out.wav"), a.sampleRate(), a.pcm16le());
 * }</pre>
 *
 * <p>Stateless and thread safe.
 */
public final class Wav {
  /** Most channels a file may have. */
  public static final int MAX_CHANNELS = 8;
  /** Largest audio payload read, in bytes (after conversion to 16-bit), about 35 min at 16 kHz. */
  public static final int MAX_PCM_BYTES = 1 << 26;

  static final int FORMAT_PCM = 0x0001;
  static final int FORMAT_IEEE_FLOAT = 0x0003;
  static final int FORMAT_ALAW = 0x0006;
  static final int FORMAT_MULAW = 0x0007;
  static final int FORMAT_EXTENSIBLE = 0xFFFE;

  private Wav() {}

  /**
   * Decoded audio: interleaved 16-bit little-endian PCM.
   *
   * @param sampleRate frames per second
   * @param channels interleaved channels, ≥ 1
   * @param pcm16le the samples; {@code channels * 2} bytes per frame
   */
  public record WavAudio(int sampleRate, int channels, byte[] pcm16le) {
    public WavAudio {
      if (sampleRate <= 0) {
        throw new IllegalArgumentException("sampleRate <= 0: " + sampleRate);
      }
      if (channels < 1) {
        throw new IllegalArgumentException("channels < 1: " + channels);
      }
      Objects.requireNonNull(pcm16le, "pcm16le == null");
      if (pcm16le.length % (2 * channels) != 0) {
        throw new IllegalArgumentException("pcm16le length " + pcm16le.length
            + " is not a whole number of " + channels + "-channel frames");
      }
    }

    /** Frames (samples per channel). */
    public int frames() {
      return pcm16le.length / (2 * channels);
    }

    /** Duration in milliseconds. */
    public double durationMillis() {
      return frames() * 1000.0 / sampleRate;
    }

    /** This audio with its channels averaged into one (rounded); itself when already mono. */
    public WavAudio toMono() {
      if (channels == 1) {
        return this;
      }
      int frames = frames();
      byte[] out = new byte[frames * 2];
      for (int f = 0; f < frames; f++) {
        int sum = 0;
        int base = f * channels * 2;
        for (int c = 0; c < channels; c++) {
          int j = base + 2 * c;
          sum += (short) ((pcm16le[j] & 0xFF) | (pcm16le[j + 1] << 8));
        }
        int m = Math.round((float) sum / channels);
        out[2 * f] = (byte) m;
        out[2 * f + 1] = (byte) (m >> 8);
      }
      return new WavAudio(sampleRate, 1, out);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof WavAudio w && w.sampleRate == sampleRate && w.channels == channels
          && Arrays.equals(w.pcm16le, pcm16le);
    }

    @Override
    public int hashCode() {
      return (sampleRate * 31 + channels) * 31 + Arrays.hashCode(pcm16le);
    }

    @Override
    public String toString() {
      return "WavAudio[sampleRate=" + sampleRate + ", channels=" + channels + ", bytes="
          + pcm16le.length + "]";
    }
  }

  /** Reads a WAVE file. */
  public static WavAudio read(Path path) throws IOException {
    Objects.requireNonNull(path, "path == null");
    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(path))) {
      try {
        return read(in);
      } catch (IOException e) {
        throw new IOException(path.getFileName() + ": " + e.getMessage(), e);
      }
    }
  }

  /** Reads a WAVE stream to its {@code data} chunk's end; does not close {@code in}. */
  public static WavAudio read(InputStream in) throws IOException {
    Objects.requireNonNull(in, "in == null");
    byte[] riff = in.readNBytes(12);
    if (riff.length < 12) {
      throw new EOFException("not a WAVE file: " + riff.length + " bytes, need a 12-byte RIFF header");
    }
    String riffId = fourCc(riff, 0);
    if (riffId.equals("RF64") || riffId.equals("RIFX")) {
      throw new IOException("not a WAVE file: " + riffId + " is not supported, only RIFF");
    }
    if (!riffId.equals("RIFF") || !fourCc(riff, 8).equals("WAVE")) {
      throw new IOException("not a WAVE file: starts with '" + printable(riff, 0)
          + "' / '" + printable(riff, 8) + "', expected 'RIFF' / 'WAVE'");
    }
    Fmt fmt = null;
    while (true) {
      byte[] hdr = in.readNBytes(8);
      if (hdr.length < 8) {
        throw new EOFException(fmt == null ? "no 'fmt ' chunk before the end of the file"
            : "no 'data' chunk before the end of the file");
      }
      String id = fourCc(hdr, 0);
      long size = le32(hdr, 4) & 0xFFFFFFFFL;
      if (id.equals("fmt ")) {
        if (size < 16 || size > 1024) {
          throw new IOException("bad 'fmt ' chunk size: " + size);
        }
        byte[] body = readFully(in, (int) size, "'fmt ' chunk");
        skipPad(in, size);
        fmt = Fmt.parse(body);
      } else if (id.equals("data")) {
        if (fmt == null) {
          throw new IOException("'data' chunk before the 'fmt ' chunk");
        }
        return decodeData(in, fmt, size);
      } else {
        skipFully(in, size + (size & 1), "'" + printable(hdr, 0) + "' chunk");
      }
    }
  }

  /** Writes 16-bit mono PCM as a WAVE file. */
  public static void write(Path path, int sampleRate, byte[] pcm16le) throws IOException {
    Objects.requireNonNull(path, "path == null");
    Files.write(path, toBytes(sampleRate, pcm16le));
  }

  /**
   * The 44-byte header of a streamed 16-bit mono WAVE file whose length is not known yet: the
   * RIFF and {@code data} sizes are {@code 0xFFFFFFFF} ("to the end of the stream").
   */
  public static byte[] streamingHeader(int sampleRate) {
    byte[] h = toBytes(sampleRate, new byte[0]);
    putLe32(h, 4, -1);
    putLe32(h, 40, -1);
    return h;
  }

  /**
   * A whole WAVE file from a stream that began with {@link #streamingHeader}: the same bytes with
   * the RIFF and {@code data} sizes filled in.
   */
  public static byte[] withSizes(byte[] file) {
    if (file.length < 44 || !fourCc(file, 0).equals("RIFF") || !fourCc(file, 36).equals("data")) {
      throw new IllegalArgumentException("not a canonical 44-byte-header WAVE file");
    }
    byte[] out = file.clone();
    putLe32(out, 4, out.length - 8);
    putLe32(out, 40, out.length - 44);
    return out;
  }

  /** 16-bit mono PCM as the bytes of a WAVE file (44-byte header + data). */
  public static byte[] toBytes(int sampleRate, byte[] pcm16le) {
    if (sampleRate <= 0) {
      throw new IllegalArgumentException("sampleRate <= 0: " + sampleRate);
    }
    Pcm16.checkEvenRange(pcm16le, 0, pcm16le == null ? 0 : pcm16le.length);
    byte[] out = new byte[44 + pcm16le.length];
    putAscii(out, 0, "RIFF");
    putLe32(out, 4, 36 + pcm16le.length);
    putAscii(out, 8, "WAVE");
    putAscii(out, 12, "fmt ");
    putLe32(out, 16, 16);
    putLe16(out, 20, FORMAT_PCM);
    putLe16(out, 22, 1);
    putLe32(out, 24, sampleRate);
    putLe32(out, 28, sampleRate * 2);
    putLe16(out, 32, 2);
    putLe16(out, 34, 16);
    putAscii(out, 36, "data");
    putLe32(out, 40, pcm16le.length);
    System.arraycopy(pcm16le, 0, out, 44, pcm16le.length);
    return out;
  }

  private record Fmt(int format, int channels, int sampleRate, int blockAlign, int bits) {
    static Fmt parse(byte[] b) throws IOException {
      int tag = le16(b, 0);
      int channels = le16(b, 2);
      int rate = le32(b, 4);
      int blockAlign = le16(b, 12);
      int bits = le16(b, 14);
      int format = tag;
      if (tag == FORMAT_EXTENSIBLE) {
        if (b.length < 40) {
          throw new IOException("WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk is " + b.length
              + " bytes, need 40");
        }
        format = le16(b, 24); // first two bytes of the SubFormat GUID
        int validBits = le16(b, 18);
        if (validBits != 0 && validBits > bits) {
          throw new IOException("valid bits " + validBits + " > container bits " + bits);
        }
      }
      if (channels < 1 || channels > MAX_CHANNELS) {
        throw new IOException("unsupported channel count " + channels + " (1–" + MAX_CHANNELS + ")");
      }
      if (rate <= 0 || rate > 768_000) {
        throw new IOException("bad sample rate " + (rate & 0xFFFFFFFFL));
      }
      boolean ok = switch (format) {
        case FORMAT_PCM -> bits == 8 || bits == 16 || bits == 24 || bits == 32;
        case FORMAT_IEEE_FLOAT -> bits == 32 || bits == 64;
        case FORMAT_MULAW, FORMAT_ALAW -> bits == 8;
        default -> throw new IOException("unsupported WAVE format tag 0x"
            + Integer.toHexString(format) + " (supported: PCM, IEEE float, μ-law, A-law, extensible)");
      };
      if (!ok) {
        throw new IOException("unsupported " + bits + "-bit samples for format tag 0x"
            + Integer.toHexString(format));
      }
      if (blockAlign != channels * bits / 8) {
        throw new IOException("block align " + blockAlign + " does not match " + channels
            + " channels of " + bits + " bits");
      }
      return new Fmt(format, channels, rate, blockAlign, bits);
    }
  }

  private static WavAudio decodeData(InputStream in, Fmt fmt, long size) throws IOException {
    byte[] raw;
    if (size == 0xFFFFFFFFL || size > (long) MAX_PCM_BYTES * 4) {
      raw = readAtMost(in, (long) MAX_PCM_BYTES * fmt.bits / 16);
    } else {
      raw = in.readNBytes((int) size); // a shorter file is tolerated: size may be a placeholder
    }
    int frames = raw.length / fmt.blockAlign;
    int samples = frames * fmt.channels;
    if ((long) samples * 2 > MAX_PCM_BYTES) {
      throw new IOException("audio too long: " + samples + " samples, limit "
          + MAX_PCM_BYTES / 2);
    }
    byte[] out = new byte[samples * 2];
    int bps = fmt.bits / 8;
    for (int i = 0; i < samples; i++) {
      int p = i * bps;
      int s = switch (fmt.format) {
        case FORMAT_PCM -> switch (bps) {
          case 1 -> ((raw[p] & 0xFF) - 128) << 8;
          case 2 -> (short) ((raw[p] & 0xFF) | (raw[p + 1] << 8));
          case 3 -> round24((raw[p] & 0xFF) | (raw[p + 1] & 0xFF) << 8 | raw[p + 2] << 16, 8);
          default -> round24(le32(raw, p), 16);
        };
        case FORMAT_IEEE_FLOAT -> Pcm16.toShort(bps == 4
            ? Float.intBitsToFloat(le32(raw, p))
            : (float) Double.longBitsToDouble((le32(raw, p) & 0xFFFFFFFFL)
                | ((long) le32(raw, p + 4) << 32)));
        case FORMAT_MULAW -> G711.ulawToLinear(raw[p]);
        default -> G711.alawToLinear(raw[p]);
      };
      out[2 * i] = (byte) s;
      out[2 * i + 1] = (byte) (s >> 8);
    }
    return new WavAudio(fmt.sampleRate, fmt.channels, out);
  }

  /** {@code v >> shift} rounded to nearest, clamped to 16 bits. */
  private static int round24(int v, int shift) {
    long r = ((long) v + (1L << (shift - 1))) >> shift;
    return (int) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, r));
  }

  private static byte[] readAtMost(InputStream in, long max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) > 0) {
      out.write(buf, 0, n);
      if (out.size() > max) {
        throw new IOException("audio too long: more than " + max + " bytes of samples");
      }
    }
    return out.toByteArray();
  }

  private static byte[] readFully(InputStream in, int n, String what) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new EOFException("truncated " + what + ": " + b.length + " of " + n + " bytes");
    }
    return b;
  }

  private static void skipPad(InputStream in, long size) throws IOException {
    if ((size & 1) != 0) {
      in.readNBytes(1);
    }
  }

  private static void skipFully(InputStream in, long n, String what) throws IOException {
    long left = n;
    while (left > 0) {
      long k = in.skip(left);
      if (k <= 0) {
        if (in.read() < 0) {
          throw new EOFException("truncated " + what + ": " + (n - left) + " of " + n + " bytes");
        }
        k = 1;
      }
      left -= k;
    }
  }

  private static String fourCc(byte[] b, int off) {
    return new String(b, off, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static String printable(byte[] b, int off) {
    StringBuilder sb = new StringBuilder();
    for (int i = off; i < off + 4 && i < b.length; i++) {
      int c = b[i] & 0xFF;
      sb.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
    }
    return sb.toString();
  }

  private static int le16(byte[] b, int p) {
    return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
  }

  private static int le32(byte[] b, int p) {
    return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | b[p + 3] << 24;
  }

  private static void putAscii(byte[] b, int p, String s) {
    for (int i = 0; i < 4; i++) {
      b[p + i] = (byte) s.charAt(i);
    }
  }

  private static void putLe16(byte[] b, int p, int v) {
    b[p] = (byte) v;
    b[p + 1] = (byte) (v >> 8);
  }

  private static void putLe32(byte[] b, int p, int v) {
    b[p] = (byte) v;
    b[p + 1] = (byte) (v >> 8);
    b[p + 2] = (byte) (v >> 16);
    b[p + 3] = (byte) (v >> 24);
  }
}
