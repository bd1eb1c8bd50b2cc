package io.voicewire.audio.internal;

import java.io.ByteArrayOutputStream;

/**
 * Writes one logical Ogg bitstream (RFC 3533): packets are laced into pages of at most
 * {@value #MAX_SEGMENTS} segments, each page carries its granule position, sequence number and
 * CRC-32 (polynomial 0x04C11DB7, unreflected, initial value 0).
 *
 * <p>Not thread safe.
 */
final class OggPages {
  /** Segments a page can carry (the segment count is one byte). */
  static final int MAX_SEGMENTS = 255;
  static final int BOS = 0x02;
  static final int EOS = 0x04;
  private static final int[] CRC = crcTable();

  private final int serial;
  private int sequence;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private final ByteArrayOutputStream lacing = new ByteArrayOutputStream();

  OggPages(int serial) {
    this.serial = serial;
  }

  /** Segments {@code packet} would take. */
  static int segments(int packetBytes) {
    return packetBytes / 255 + 1;
  }

  /** Segments already in the open page. */
  int openSegments() {
    return lacing.size();
  }

  /** Adds a whole packet to the open page (the caller keeps it within {@link #MAX_SEGMENTS}). */
  void add(byte[] packet, int len) {
    for (int left = len; ; left -= 255) {
      if (left < 255) {
        lacing.write(left);
        break;
      }
      lacing.write(255);
    }
    body.write(packet, 0, len);
  }

  /** Closes the open page with {@code granule} and {@code flags} and writes it to {@code out}. */
  void page(long granule, int flags, ByteArrayOutputStream out) {
    byte[] seg = lacing.toByteArray();
    byte[] data = body.toByteArray();
    byte[] p = new byte[27 + seg.length + data.length];
    p[0] = 'O';
    p[1] = 'g';
    p[2] = 'g';
    p[3] = 'S';
    p[5] = (byte) flags;
    putLe(p, 6, granule, 8);
    putLe(p, 14, serial, 4);
    putLe(p, 18, sequence++, 4);
    p[26] = (byte) seg.length;
    System.arraycopy(seg, 0, p, 27, seg.length);
    System.arraycopy(data, 0, p, 27 + seg.length, data.length);
    putLe(p, 22, crc(p), 4);
    out.writeBytes(p);
    lacing.reset();
    body.reset();
  }

  static void putLe(byte[] b, int off, long v, int bytes) {
    for (int i = 0; i < bytes; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }

  static int crc(byte[] p) {
    int c = 0;
    for (byte b : p) {
      c = (c << 8) ^ CRC[((c >>> 24) ^ b) & 0xFF];
    }
    return c;
  }

  private static int[] crcTable() {
    int[] t = new int[256];
    for (int i = 0; i < 256; i++) {
      int r = i << 24;
      for (int k = 0; k < 8; k++) {
        r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
      }
      t[i] = r;
    }
    return t;
  }
}
