package io.voicewire.audio;

import java.util.Objects;

/**
 * ITU-T G.711 μ-law and A-law companding, bit-exact with the ITU-T G.191 reference
 * implementation ({@code g711.c}: {@code ulaw_compress/ulaw_expand}, {@code alaw_compress/
 * alaw_expand}).
 *
 * <ul>
 *   <li>Linear samples are 16-bit; μ-law uses their top 14 bits and A-law their top 13 bits, as
 *       in G.191. Negative inputs are quantized by their one's complement ({@code ~x}), so the
 *       quantizer is symmetric: {@code x} and {@code -x-1} get codes that differ only in the sign
 *       bit.
 *   <li>μ-law: silence is {@code 0xFF} (and {@code 0x7F}, "negative zero", which decodes to 0 as
 *       well); the largest magnitude is ±32124. Code words are the bit-inverted sign/segment/
 *       mantissa fields.
 *   <li>A-law: silence is {@code 0xD5} (decodes to +8); even bits are inverted ({@code ^ 0x55});
 *       the largest magnitude is ±32256.
 *   <li>Decoding then encoding any code gives the code back, except μ-law {@code 0x7F}, which
 *       comes back as {@code 0xFF} (both are zero).
 * </ul>
 *
 * <p>Encoding and decoding go through lookup tables built once from the reference formulas
 * ({@code ulawCompress} etc.), so they do not allocate per sample. Stateless and thread
 * safe.
 *
 * <pre>{@code
 * byte[] ulaw = G711.ulawEncode(pcm16le);   // 2 bytes in, 1 byte out per sample
 * byte[] pcm = G711.ulawDecode(ulaw);
 * }</pre>
 */
public final class G711 {
  /** Code word of μ-law silence. */
  public static final byte ULAW_SILENCE = (byte) 0xFF;
  /** Code word of A-law silence. */
  public static final byte ALAW_SILENCE = (byte) 0xD5;

  /** μ-law code per 14-bit value {@code (x >> 2) & 0x3FFF}. */
  private static final byte[] ULAW_ENC = new byte[1 << 14];
  /** A-law code per 12-bit value {@code (x >> 4) & 0xFFF}. */
  private static final byte[] ALAW_ENC = new byte[1 << 12];
  private static final short[] ULAW_DEC = new short[256];
  private static final short[] ALAW_DEC = new short[256];

  static {
    for (int i = 0; i < ULAW_ENC.length; i++) {
      ULAW_ENC[i] = (byte) ulawCompress((short) (i << 2));
    }
    for (int i = 0; i < ALAW_ENC.length; i++) {
      ALAW_ENC[i] = (byte) alawCompress((short) (i << 4));
    }
    for (int c = 0; c < 256; c++) {
      ULAW_DEC[c] = (short) ulawExpand(c);
      ALAW_DEC[c] = (short) alawExpand(c);
    }
  }

  private G711() {}

  /** One 16-bit linear sample as a μ-law code. */
  public static byte linearToUlaw(short pcm) {
    return ULAW_ENC[(pcm >> 2) & 0x3FFF];
  }

  /** One μ-law code as a 16-bit linear sample. */
  public static short ulawToLinear(byte ulaw) {
    return ULAW_DEC[ulaw & 0xFF];
  }

  /** One 16-bit linear sample as an A-law code. */
  public static byte linearToAlaw(short pcm) {
    return ALAW_ENC[(pcm >> 4) & 0xFFF];
  }

  /** One A-law code as a 16-bit linear sample. */
  public static short alawToLinear(byte alaw) {
    return ALAW_DEC[alaw & 0xFF];
  }

  /** 16-bit little-endian PCM (even length) to μ-law, one byte per sample. */
  public static byte[] ulawEncode(byte[] pcm16le) {
    return encode(pcm16le, ULAW_ENC, 2);
  }

  /** μ-law to 16-bit little-endian PCM, two bytes per sample. */
  public static byte[] ulawDecode(byte[] ulaw) {
    return decode(ulaw, ULAW_DEC);
  }

  /** 16-bit little-endian PCM (even length) to A-law, one byte per sample. */
  public static byte[] alawEncode(byte[] pcm16le) {
    return encode(pcm16le, ALAW_ENC, 4);
  }

  /** A-law to 16-bit little-endian PCM, two bytes per sample. */
  public static byte[] alawDecode(byte[] alaw) {
    return decode(alaw, ALAW_DEC);
  }

  /**
   * Encodes {@code n} shorts from {@code in[off..]} into {@code out[outOff..]} without
   * allocating; {@code alaw} selects A-law instead of μ-law.
   */
  public static void encode(short[] in, int off, int n, byte[] out, int outOff, boolean alaw) {
    Objects.checkFromIndexSize(off, n, in.length);
    Objects.checkFromIndexSize(outOff, n, out.length);
    if (alaw) {
      for (int i = 0; i < n; i++) {
        out[outOff + i] = ALAW_ENC[(in[off + i] >> 4) & 0xFFF];
      }
    } else {
      for (int i = 0; i < n; i++) {
        out[outOff + i] = ULAW_ENC[(in[off + i] >> 2) & 0x3FFF];
      }
    }
  }

  /**
   * Decodes {@code n} codes from {@code in[off..]} into {@code out[outOff..]} without
   * allocating; {@code alaw} selects A-law instead of μ-law.
   */
  public static void decode(byte[] in, int off, int n, short[] out, int outOff, boolean alaw) {
    Objects.checkFromIndexSize(off, n, in.length);
    Objects.checkFromIndexSize(outOff, n, out.length);
    short[] table = alaw ? ALAW_DEC : ULAW_DEC;
    for (int i = 0; i < n; i++) {
      out[outOff + i] = table[in[off + i] & 0xFF];
    }
  }

  private static byte[] encode(byte[] pcm16le, byte[] table, int shift) {
    Pcm16.checkEvenRange(pcm16le, 0, pcm16le == null ? 0 : pcm16le.length);
    int mask = table.length - 1;
    byte[] out = new byte[pcm16le.length >> 1];
    for (int i = 0, j = 0; i < out.length; i++, j += 2) {
      int s = (short) ((pcm16le[j] & 0xFF) | (pcm16le[j + 1] << 8));
      out[i] = table[(s >> shift) & mask];
    }
    return out;
  }

  private static byte[] decode(byte[] codes, short[] table) {
    Objects.requireNonNull(codes, "codes == null");
    byte[] out = new byte[codes.length * 2];
    for (int i = 0, j = 0; i < codes.length; i++, j += 2) {
      short s = table[codes[i] & 0xFF];
      out[j] = (byte) s;
      out[j + 1] = (byte) (s >> 8);
    }
    return out;
  }

  // ---- the G.191 reference formulas; the tables above are built from these ----

  /** G.191 {@code ulaw_compress} for one 16-bit sample; returns the code 0–255. */
  static int ulawCompress(short x) {
    int absno = x < 0 ? ((~x) >> 2) + 33 : (x >> 2) + 33;
    if (absno > 0x1FFF) {
      absno = 0x1FFF;
    }
    int i = absno >> 6;
    int segno = 1;
    while (i != 0) {
      segno++;
      i >>= 1;
    }
    int highNibble = 0x8 - segno;
    int lowNibble = 0xF - ((absno >> segno) & 0xF);
    int code = (highNibble << 4) | lowNibble;
    return x >= 0 ? code | 0x80 : code;
  }

  /** G.191 {@code ulaw_expand} for one code 0–255. */
  static int ulawExpand(int code) {
    int sign = code < 0x80 ? -1 : 1;
    int mantissa = ~code;
    int exponent = (mantissa >> 4) & 0x7;
    int segment = exponent + 1;
    mantissa &= 0xF;
    int step = 4 << segment;
    return sign * ((0x80 << exponent) + step * mantissa + step / 2 - 4 * 33);
  }

  /** G.191 {@code alaw_compress} for one 16-bit sample; returns the code 0–255. */
  static int alawCompress(short x) {
    int ix = x < 0 ? (~x) >> 4 : x >> 4;
    if (ix > 15) {
      int iexp = 1;
      while (ix > 16 + 15) {
        ix >>= 1;
        iexp++;
      }
      ix -= 16;
      ix += iexp << 4;
    }
    if (x >= 0) {
      ix |= 0x80;
    }
    return ix ^ 0x55;
  }

  /** G.191 {@code alaw_expand} for one code 0–255. */
  static int alawExpand(int code) {
    int ix = (code ^ 0x55) & 0x7F;
    int iexp = ix >> 4;
    int mant = ix & 0xF;
    if (iexp > 0) {
      mant += 16;
    }
    mant = (mant << 4) + 0x8;
    if (iexp > 1) {
      mant <<= iexp - 1;
    }
    return code > 127 ? mant : -mant;
  }
}
