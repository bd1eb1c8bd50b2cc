package io.voicewire.bench.relay;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The minimal RFC 6455 framing shared by the benchmark's raw stand-ins ({@link RawWsLoad},
 * {@link RawWsEchoUpstream}): the handshake accept key, frame headers, and an incremental frame
 * parser that unmasks in place and reassembles fragmented messages. No extensions.
 */
final class WsCodec {
  static final int OP_CONTINUATION = 0x0;
  static final int OP_TEXT = 0x1;
  static final int OP_BINARY = 0x2;
  static final int OP_CLOSE = 0x8;
  static final int OP_PING = 0x9;
  static final int OP_PONG = 0xA;

  /** Largest frame or reassembled message accepted; bigger is a protocol error. */
  static final int MAX_MESSAGE_BYTES = 16 << 20;

  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private WsCodec() {}

  /** {@code Sec-WebSocket-Accept} for a {@code Sec-WebSocket-Key}. */
  static String acceptKey(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] d = sha1.digest((key.trim() + GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JVM", e);
    }
  }

  /** The size of a frame header for a payload of {@code len} bytes. */
  static int headerSize(int len, boolean masked) {
    int n = len < 126 ? 2 : len <= 0xFFFF ? 4 : 10;
    return masked ? n + 4 : n;
  }

  /**
   * Writes a final frame's header (FIN set) into {@code out}; with a non-null 4-byte {@code mask}
   * the MASK bit and the key follow, and the caller must mask the payload with it.
   */
  static void writeHeader(ByteBuffer out, int opcode, int len, byte[] mask) {
    out.put((byte) (0x80 | opcode));
    int m = mask != null ? 0x80 : 0;
    if (len < 126) {
      out.put((byte) (m | len));
    } else if (len <= 0xFFFF) {
      out.put((byte) (m | 126));
      out.putShort((short) len);
    } else {
      out.put((byte) (m | 127));
      out.putLong(len);
    }
    if (mask != null) {
      out.put(mask);
    }
  }

  /** A whole frame ({@code FIN} set) as bytes, payload masked when {@code mask} is non-null. */
  static byte[] frame(int opcode, byte[] payload, byte[] mask) {
    ByteBuffer b = ByteBuffer.allocate(headerSize(payload.length, mask != null) + payload.length);
    writeHeader(b, opcode, payload.length, mask);
    int p = b.position();
    b.put(payload);
    if (mask != null) {
      byte[] a = b.array();
      for (int i = 0; i < payload.length; i++) {
        a[p + i] ^= mask[i & 3];
      }
    }
    return b.array();
  }

  /** What a {@link Parser} hands out. Arrays are only valid during the call. */
  interface Handler {
    /** A complete text or binary message. */
    void onMessage(int opcode, byte[] data, int off, int len);

    /** A ping, pong or close frame (payload at most 125 bytes). */
    void onControl(int opcode, byte[] data, int off, int len);
  }

  /** A framing violation; the connection must be failed. */
  static final class ProtocolError extends Exception {
    ProtocolError(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Incremental frame parser over a heap buffer. {@link #parse} consumes every complete frame in
   * the buffer (unmasking it in place) and leaves a partial one for the next call.
   */
  static final class Parser {
    private final boolean expectMasked;
    private byte[] msg = new byte[1024];
    private int msgLen;
    private int msgOpcode = -1; // the opcode of a fragmented message under way, or -1

    /** @param expectMasked true on the server side (client frames must be masked), else false */
    Parser(boolean expectMasked) {
      this.expectMasked = expectMasked;
    }

    /**
     * Parses complete frames from {@code in} (read mode, heap-backed), advancing its position past
     * them.
     *
     * @return bytes the next frame needs in total (header + payload) when it is incomplete, else 0
     */
    int parse(ByteBuffer in, Handler h) throws ProtocolError {
      byte[] a = in.array();
      int base = in.arrayOffset();
      while (true) {
        int pos = in.position();
        int avail = in.limit() - pos;
        if (avail < 2) {
          return avail == 0 ? 0 : 2;
        }
        int b0 = a[base + pos] & 0xff;
        int b1 = a[base + pos + 1] & 0xff;
        boolean fin = (b0 & 0x80) != 0;
        if ((b0 & 0x70) != 0) {
          throw new ProtocolError("reserved bits set without a negotiated extension");
        }
        int op = b0 & 0x0f;
        boolean masked = (b1 & 0x80) != 0;
        if (masked != expectMasked) {
          throw new ProtocolError(expectMasked ? "client frame not masked" : "server frame masked");
        }
        int len7 = b1 & 0x7f;
        int hdr = 2;
        long len;
        if (len7 == 126) {
          if (avail < 4) {
            return 4;
          }
          len = ((a[base + pos + 2] & 0xff) << 8) | (a[base + pos + 3] & 0xff);
          hdr = 4;
        } else if (len7 == 127) {
          if (avail < 10) {
            return 10;
          }
          len = 0;
          for (int i = 0; i < 8; i++) {
            len = (len << 8) | (a[base + pos + 2 + i] & 0xff);
          }
          hdr = 10;
          if (len < 0) {
            throw new ProtocolError("64-bit length with the high bit set");
          }
        } else {
          len = len7;
        }
        if (len > MAX_MESSAGE_BYTES) {
          throw new ProtocolError("frame of " + len + " bytes exceeds " + MAX_MESSAGE_BYTES);
        }
        int maskAt = base + pos + hdr;
        if (masked) {
          hdr += 4;
        }
        int total = hdr + (int) len;
        if (avail < total) {
          return total;
        }
        int p = base + pos + hdr;
        int n = (int) len;
        if (masked) {
          byte m0 = a[maskAt];
          byte m1 = a[maskAt + 1];
          byte m2 = a[maskAt + 2];
          byte m3 = a[maskAt + 3];
          int i = 0;
          for (; i + 3 < n; i += 4) {
            a[p + i] ^= m0;
            a[p + i + 1] ^= m1;
            a[p + i + 2] ^= m2;
            a[p + i + 3] ^= m3;
          }
          for (; i < n; i++) {
            a[p + i] ^= a[maskAt + (i & 3)];
          }
        }
        in.position(pos + total);
        if (op >= 0x8) {
          if (!fin || n > 125) {
            throw new ProtocolError("fragmented or oversized control frame");
          }
          if (op != OP_CLOSE && op != OP_PING && op != OP_PONG) {
            throw new ProtocolError("unknown control opcode " + op);
          }
          h.onControl(op, a, p, n);
        } else if (op == OP_CONTINUATION) {
          if (msgOpcode < 0) {
            throw new ProtocolError("continuation frame without a message under way");
          }
          append(a, p, n);
          if (fin) {
            int o = msgOpcode;
            msgOpcode = -1;
            int l = msgLen;
            msgLen = 0;
            h.onMessage(o, msg, 0, l);
          }
        } else if (op == OP_TEXT || op == OP_BINARY) {
          if (msgOpcode >= 0) {
            throw new ProtocolError("new data frame while a fragmented message is under way");
          }
          if (fin) {
            h.onMessage(op, a, p, n); // the common case: straight from the read buffer
          } else {
            msgOpcode = op;
            msgLen = 0;
            append(a, p, n);
          }
        } else {
          throw new ProtocolError("unknown data opcode " + op);
        }
      }
    }

    private void append(byte[] a, int off, int n) throws ProtocolError {
      if (msgLen + n > MAX_MESSAGE_BYTES) {
        throw new ProtocolError("message exceeds " + MAX_MESSAGE_BYTES + " bytes");
      }
      if (msgLen + n > msg.length) {
        msg = java.util.Arrays.copyOf(msg, Math.max(msg.length * 2, msgLen + n));
      }
      System.arraycopy(a, off, msg, msgLen, n);
      msgLen += n;
    }
  }

  /** Index of {@code needle} in {@code a[from, to)}, or -1. */
  static int indexOf(byte[] a, int from, int to, byte[] needle) {
    int last = to - needle.length;
    outer:
    for (int i = from; i <= last; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (a[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Whether {@code a[off..]} starts with {@code prefix}. */
  static boolean startsWith(byte[] a, int off, int len, byte[] prefix) {
    if (len < prefix.length) {
      return false;
    }
    for (int j = 0; j < prefix.length; j++) {
      if (a[off + j] != prefix[j]) {
        return false;
      }
    }
    return true;
  }

  /** End of an HTTP head ({@code \r\n\r\n}) in {@code a[0, len)}: index after it, or -1. */
  static int headEnd(byte[] a, int off, int len) {
    for (int i = off; i + 3 < off + len; i++) {
      if (a[i] == '\r' && a[i + 1] == '\n' && a[i + 2] == '\r' && a[i + 3] == '\n') {
        return i + 4;
      }
    }
    return -1;
  }

  /** A header's value from an HTTP head (name case-insensitive), or null. */
  static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int c = line.indexOf(':');
      if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase(name)) {
        return line.substring(c + 1).trim();
      }
    }
    return null;
  }
}
