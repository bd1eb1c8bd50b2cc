package io.voicewire.audio;

import java.io.IOException;
import java.util.Arrays;

/**
 * Reads FLAC files (the native container: {@code fLaC}, metadata blocks, frames) to 16-bit
 * little-endian PCM, losslessly for 16-bit sources: 1 to {@value Wav#MAX_CHANNELS} channels,
 * 4 to 24 bits per sample (wider samples are rounded to 16 bits, narrower ones scaled up), every
 * subframe type (constant, verbatim, fixed and LPC prediction, Rice and Rice2 residuals with
 * escapes, wasted bits) and every stereo decorrelation. Checksums are not verified.
 *
 * <p>A file whose frames stop early (a recording cut off) gives the audio of its complete
 * frames; one with no complete frame, or a bad header, fails with an {@link IOException} that
 * says what is wrong. The decoded audio is bounded by {@link Wav#MAX_PCM_BYTES}: a file whose
 * STREAMINFO announces more is refused before any frame is decoded, and the count is checked
 * before each frame is kept (a FLAC file of silence is a few bytes per second of audio).
 *
 * <pre>{@code
 * Wav.WavAudio a = Flac.read(Files.readAllBytes(Path.of("speech.flac"))).toMono();
 * }</pre>
 *
 * <p>Stateless and thread safe.
 */
public final class Flac {
  /** Bits per sample by a frame header's code: 0 is STREAMINFO's, -1 reserved. */
  private static final int[] SAMPLE_SIZES = {0, 8, 12, -1, 16, 20, 24, 32};
  /** Widest sample read, bits (the side channel of a stereo frame takes one more). */
  private static final int MAX_BITS = 24;

  private Flac() {}

  /** True when {@code fileStart} begins like a FLAC file ({@code fLaC}). */
  public static boolean isFlac(byte[] fileStart) {
    return fileStart.length >= 4 && fileStart[0] == 'f' && fileStart[1] == 'L'
        && fileStart[2] == 'a' && fileStart[3] == 'C';
  }

  /** Reads a whole FLAC file. */
  public static Wav.WavAudio read(byte[] file) throws IOException {
    if (!isFlac(file)) {
      throw new IOException("not a FLAC file: it does not start with 'fLaC'");
    }
    Bits in = new Bits(file, 4);
    int rate = 0;
    int channels = 0;
    int bits = 0;
    long samples = 0;
    boolean info = false;
    boolean last = false;
    try {
      while (!last) {
        last = in.bits(1) == 1;
        int type = in.bits(7);
        int length = in.bits(24);
        if (type == 0 && length >= 34) {
          in.skip(80); // block sizes (2 x 16 bits) and frame sizes (2 x 24 bits)
          rate = in.bits(20);
          channels = in.bits(3) + 1;
          bits = in.bits(5) + 1;
          samples = (long) in.bits(4) << 32 | (in.bits(32) & 0xFFFFFFFFL);
          in.skip(128); // MD5
          in.skip((length - 34) * 8L);
          info = true;
        } else if (type == 127) {
          throw new IOException("invalid metadata block type 127");
        } else {
          in.skip(length * 8L);
        }
      }
    } catch (Truncated e) {
      throw new IOException("truncated FLAC metadata");
    }
    if (!info || rate <= 0) {
      throw new IOException("FLAC file without a valid STREAMINFO block");
    }
    if (channels > Wav.MAX_CHANNELS || bits < 4 || bits > MAX_BITS) {
      throw new IOException("FLAC with " + channels + " channels of " + bits
          + " bits is not supported (at most " + Wav.MAX_CHANNELS + " channels of 4-"
          + MAX_BITS + " bits)");
    }
    long announced = samples * channels * 2; // 0: unknown
    if (announced > Wav.MAX_PCM_BYTES) {
      throw new IOException(tooLong());
    }
    Pcm out = new Pcm(announced > 0 ? (int) announced : 1 << 16);
    int frames = 0;
    while (in.bytesLeft() > 2) {
      int mark = in.bytePos();
      try {
        int[][] block = frame(in, channels, bits);
        if (out.size() + (long) block[0].length * channels * 2 > Wav.MAX_PCM_BYTES) {
          throw new IOException(tooLong());
        }
        out.add(block, bits);
        frames++;
      } catch (Truncated | BadFrame e) {
        if (frames == 0) {
          throw new IOException("FLAC frame at byte " + mark + ": " + e.getMessage());
        }
        break; // a cut-off or damaged tail: keep the complete frames
      }
    }
    if (frames == 0) {
      throw new IOException("FLAC file without audio frames");
    }
    return new Wav.WavAudio(rate, channels, out.bytes());
  }

  private static String tooLong() {
    return "FLAC audio longer than " + Wav.MAX_PCM_BYTES + " bytes of 16-bit PCM"
        + " (Wav.MAX_PCM_BYTES)";
  }

  private static int[][] frame(Bits in, int channels, int streamBits) {
    if (in.bits(14) != 0x3FFE) {
      throw new BadFrame("no frame sync");
    }
    in.skip(2); // reserved, blocking strategy
    int sizeCode = in.bits(4);
    int rateCode = in.bits(4);
    int assignment = in.bits(4);
    int sizeBits = SAMPLE_SIZES[in.bits(3)];
    in.skip(1);
    int first = in.bits(8); // the frame or sample number, UTF-8 coded
    for (int extra = Integer.numberOfLeadingZeros(~first << 24); extra > 1; extra--) {
      in.skip(8);
    }
    int blockSize = switch (sizeCode) {
      case 0 -> throw new BadFrame("reserved block size");
      case 1 -> 192;
      case 2, 3, 4, 5 -> 576 << (sizeCode - 2);
      case 6 -> in.bits(8) + 1;
      case 7 -> in.bits(16) + 1;
      default -> 256 << (sizeCode - 8);
    };
    if (rateCode == 12) {
      in.skip(8);
    } else if (rateCode == 13 || rateCode == 14) {
      in.skip(16);
    } else if (rateCode == 15) {
      throw new BadFrame("invalid sample rate code");
    }
    in.skip(8); // CRC-8
    if (sizeBits < 0) {
      throw new BadFrame("reserved sample size");
    }
    int bits = sizeBits == 0 ? streamBits : sizeBits;
    int frameChannels = assignment < 8 ? assignment + 1 : 2;
    if (assignment > 10 || frameChannels != channels || bits != streamBits) {
      throw new BadFrame("frame format differs from STREAMINFO");
    }
    int[][] s = new int[channels][blockSize];
    for (int c = 0; c < channels; c++) {
      boolean side = (assignment == 8 || assignment == 10) ? c == 1 : assignment == 9 && c == 0;
      subframe(in, s[c], bits + (side ? 1 : 0));
    }
    in.alignToByte();
    in.skip(16); // CRC-16
    decorrelate(s, assignment);
    return s;
  }

  private static void subframe(Bits in, int[] s, int bits) {
    if (in.bits(1) != 0) {
      throw new BadFrame("subframe padding bit set");
    }
    int type = in.bits(6);
    int wasted = 0;
    if (in.bits(1) == 1) {
      wasted = in.unary() + 1;
      bits -= wasted;
      if (bits <= 0) {
        throw new BadFrame("wasted bits exceed the sample size");
      }
    }
    if (type == 0) {
      Arrays.fill(s, in.signed(bits));
    } else if (type == 1) {
      for (int i = 0; i < s.length; i++) {
        s[i] = in.signed(bits);
      }
    } else if (type >= 8 && type <= 12) {
      fixed(in, s, bits, type - 8);
    } else if (type >= 32) {
      lpc(in, s, bits, (type & 31) + 1);
    } else {
      throw new BadFrame("reserved subframe type " + type);
    }
    if (wasted > 0) {
      for (int i = 0; i < s.length; i++) {
        s[i] <<= wasted;
      }
    }
  }

  private static void fixed(Bits in, int[] s, int bits, int order) {
    warmUp(in, s, bits, order);
    residual(in, s, order);
    for (int i = order; i < s.length; i++) {
      s[i] += switch (order) {
        case 0 -> 0;
        case 1 -> s[i - 1];
        case 2 -> 2 * s[i - 1] - s[i - 2];
        case 3 -> 3 * s[i - 1] - 3 * s[i - 2] + s[i - 3];
        default -> 4 * s[i - 1] - 6 * s[i - 2] + 4 * s[i - 3] - s[i - 4];
      };
    }
  }

  private static void lpc(Bits in, int[] s, int bits, int order) {
    warmUp(in, s, bits, order);
    int precision = in.bits(4) + 1;
    int shift = in.signed(5);
    if (precision == 16 || shift < 0) {
      throw new BadFrame("invalid LPC precision or shift");
    }
    int[] coef = new int[order];
    for (int j = 0; j < order; j++) {
      coef[j] = in.signed(precision);
    }
    residual(in, s, order);
    for (int i = order; i < s.length; i++) {
      long sum = 0;
      for (int j = 0; j < order; j++) {
        sum += (long) coef[j] * s[i - j - 1];
      }
      s[i] += (int) (sum >> shift);
    }
  }

  private static void warmUp(Bits in, int[] s, int bits, int order) {
    if (order > s.length) {
      throw new BadFrame("predictor order " + order + " above the block size");
    }
    for (int i = 0; i < order; i++) {
      s[i] = in.signed(bits);
    }
  }

  /** Reads the residual into {@code s[order..]}, where the prediction is then added. */
  private static void residual(Bits in, int[] s, int order) {
    int method = in.bits(2);
    if (method > 1) {
      throw new BadFrame("reserved residual coding method");
    }
    int paramBits = method == 0 ? 4 : 5;
    int escape = (1 << paramBits) - 1;
    int partitionOrder = in.bits(4);
    int partitions = 1 << partitionOrder;
    int perPartition = s.length >> partitionOrder;
    if ((s.length & (partitions - 1)) != 0 || perPartition < order) {
      throw new BadFrame("residual partitions do not fit the block");
    }
    int i = order;
    for (int p = 0; p < partitions; p++) {
      int end = (p + 1) * perPartition;
      int param = in.bits(paramBits);
      if (param == escape) {
        int n = in.bits(5);
        for (; i < end; i++) {
          s[i] = n == 0 ? 0 : in.signed(n);
        }
      } else {
        for (; i < end; i++) {
          int v = (in.unary() << param) | in.bits(param);
          s[i] = (v >>> 1) ^ -(v & 1);
        }
      }
    }
  }

  private static void decorrelate(int[][] s, int assignment) {
    if (assignment < 8) {
      return;
    }
    int[] a = s[0];
    int[] b = s[1];
    for (int i = 0; i < a.length; i++) {
      switch (assignment) {
        case 8 -> b[i] = a[i] - b[i]; // left, side
        case 9 -> a[i] += b[i]; // side, right
        default -> { // mid, side
          int mid = (a[i] << 1) | (b[i] & 1);
          int side = b[i];
          a[i] = (mid + side) >> 1;
          b[i] = (mid - side) >> 1;
        }
      }
    }
  }

  /** The decoded frames as interleaved 16-bit little-endian PCM. */
  private static final class Pcm {
    private byte[] buf;
    private int size;

    /** @param capacity the PCM bytes STREAMINFO announces (at most the limit), or a guess */
    Pcm(int capacity) {
      buf = new byte[capacity];
    }

    int size() {
      return size;
    }

    void add(int[][] s, int bits) {
      int n = s[0].length * s.length * 2;
      if (size + n > buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(Wav.MAX_PCM_BYTES,
            Math.max(size + n, buf.length * 2L)));
      }
      for (int i = 0; i < s[0].length; i++) {
        for (int[] channel : s) {
          int v = channel[i];
          if (bits > 16) {
            v = Math.min(Short.MAX_VALUE, (v + (1 << (bits - 17))) >> (bits - 16));
          } else if (bits < 16) {
            v <<= 16 - bits;
          }
          buf[size++] = (byte) v;
          buf[size++] = (byte) (v >> 8);
        }
      }
    }

    byte[] bytes() {
      return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }
  }

  /** Big-endian bits of a byte array. */
  private static final class Bits {
    private final byte[] b;
    private long pos; // in bits

    Bits(byte[] b, int startByte) {
      this.b = b;
      this.pos = startByte * 8L;
    }

    int bits(int n) {
      if (n == 0) {
        return 0;
      }
      if (pos + n > b.length * 8L) {
        throw new Truncated();
      }
      long v = 0;
      for (int k = 0; k < n; k++, pos++) {
        v = (v << 1) | ((b[(int) (pos >>> 3)] >> (7 - (pos & 7))) & 1);
      }
      return (int) v;
    }

    int signed(int n) {
      int v = bits(n);
      return n == 32 ? v : (v << (32 - n)) >> (32 - n);
    }

    /** Zero bits up to the next one bit, which is read too. */
    int unary() {
      int count = 0;
      while (bits(1) == 0) {
        if (++count > (1 << 24)) {
          throw new BadFrame("runaway unary code");
        }
      }
      return count;
    }

    void skip(long n) {
      if (n < 0 || pos + n > b.length * 8L) {
        throw new Truncated();
      }
      pos += n;
    }

    void alignToByte() {
      pos = (pos + 7) & ~7L;
    }

    int bytePos() {
      return (int) (pos >>> 3);
    }

    long bytesLeft() {
      return b.length - (pos + 7) / 8;
    }
  }

  private static final class Truncated extends RuntimeException {
    Truncated() {
      super("truncated", null, false, false);
    }
  }

  private static final class BadFrame extends RuntimeException {
    BadFrame(String message) {
      super(message, null, false, false);
    }
  }
}
