package io.voicewire.protocol.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Assembles one WebSocket's text messages from their frames' UTF-8 payloads, for the Jetty
 * sockets of the server and the relay's upstream client, which take text frames themselves
 * instead of through Jetty's {@code StringMessageSink}: that sink builds every message in a new
 * {@code StringBuilder} as large as the session's input buffer (4 KiB), the largest allocation
 * of a relayed chunk. Here a message costs one copy into a buffer kept per socket, and its
 * {@code String} (one exact-size array for ASCII) only if one is made (between messages {@link #KEEP_BYTES} at most, or
 * {@link #KEEP_LARGE_BYTES} while the messages are large).
 *
 * <p>Same checks as Jetty's sink: the message's total payload against the maximum
 * ({@link #append} returns false past it) and strict UTF-8 over the whole message, so a code
 * point split across frames is accepted and a malformed one is refused ({@link #take} throws,
 * {@link #isUtf8()} answers false). A message may also be read as its bytes ({@link #array()},
 * {@link #size()}, after {@link #isUtf8()}) without a {@code String}: a relay forwards them.
 *
 * <p>Not thread safe: one socket's reader, one frame at a time.
 */
public final class TextFrames {
  /**
   * The largest buffer always kept between messages, bytes. With {@link #keepingLarge}, a larger
   * one is kept after a message that needed it (up to {@link #KEEP_LARGE_BYTES}), so a socket
   * whose messages are all large (the relay's upstream TTS audio, tens of KB) does not allocate
   * its buffer again for each of them; it is dropped after the first message that fits in this.
   * Not for sockets of untrusted peers: a client could leave every idle socket holding the
   * larger bound.
   */
  static final int KEEP_BYTES = 16 * 1024;
  /** The largest buffer kept between two large messages, bytes. */
  static final int KEEP_LARGE_BYTES = 256 * 1024;
  /** The first buffer's size, bytes (a relayed 20 ms STT chunk is about 950). */
  static final int FIRST_BYTES = 1024;

  private final long maxBytes;
  private final int keepLarge;
  private byte[] buf;
  private int len;

  /** Messages of at most {@code maxBytes} of UTF-8 (0 or less: no limit). */
  public TextFrames(long maxBytes) {
    this(maxBytes, KEEP_BYTES);
  }

  private TextFrames(long maxBytes, int keepLarge) {
    this.keepLarge = keepLarge;
    this.maxBytes = maxBytes <= 0 ? Integer.MAX_VALUE - 16 : Math.min(maxBytes,
        Integer.MAX_VALUE - 16);
  }

  /**
   * Adds a frame's payload (its remaining bytes; the buffer's position is not moved) to the
   * message. False, with the message dropped, when the message would exceed the maximum.
   */
  public boolean append(ByteBuffer payload) {
    int n = payload == null ? 0 : payload.remaining();
    if ((long) len + n > maxBytes) {
      drop();
      return false;
    }
    if (n == 0) {
      return true;
    }
    if (buf == null || buf.length - len < n) {
      grow(len + n);
    }
    payload.get(payload.position(), buf, len, n);
    len += n;
    return true;
  }

  /** The message's total payload so far, bytes. */
  public int size() {
    return len;
  }

  /**
   * The buffer holding the message's bytes, {@code [0, size())}; valid until the next append or
   * drop, and not to be modified.
   */
  public byte[] array() {
    return buf;
  }

  /**
   * Whether the message appended since the last take or drop is well-formed UTF-8 (the same
   * rule as the JDK's strict decoder: no overlong forms, no surrogates, nothing above U+10FFFF,
   * no truncated sequence). Allocates nothing; the message is kept.
   */
  public boolean isUtf8() {
    return isUtf8(buf, 0, len);
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;

  /** Whether {@code b[from, to)} is well-formed UTF-8 (see {@link #isUtf8()}). */
  static boolean isUtf8(byte[] b, int from, int to) {
    int i = from;
    while (i < to) {
      // ASCII, the common case, eight bytes at a time
      while (i + 8 <= to && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
        i += 8;
      }
      if (i >= to) {
        return true;
      }
      int c = b[i];
      if (c >= 0) {
        i++;
        continue;
      }
      c &= 0xff;
      int more;
      int lo = 0x80;
      int hi = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) {
        more = 1;
      } else if (c >= 0xe0 && c <= 0xef) {
        more = 2;
        if (c == 0xe0) {
          lo = 0xa0; // overlong
        } else if (c == 0xed) {
          hi = 0x9f; // a surrogate
        }
      } else if (c >= 0xf0 && c <= 0xf4) {
        more = 3;
        if (c == 0xf0) {
          lo = 0x90; // overlong
        } else if (c == 0xf4) {
          hi = 0x8f; // above U+10FFFF
        }
      } else {
        return false; // a continuation byte, an overlong lead (C0, C1) or F5..FF
      }
      if (to - i <= more) {
        return false; // truncated
      }
      int c1 = b[i + 1] & 0xff;
      if (c1 < lo || c1 > hi) {
        return false;
      }
      for (int k = 2; k <= more; k++) {
        if ((b[i + k] & 0xc0) != 0x80) {
          return false;
        }
      }
      i += more + 1;
    }
    return true;
  }

  /**
   * The message appended since the last take, as a string; the next append starts a new
   * message.
   *
   * @throws CharacterCodingException when the message is not well-formed UTF-8 (dropped)
   */
  public String take() throws CharacterCodingException {
    try {
      if (!isUtf8()) {
        throw new CharacterCodingException();
      }
      return len == 0 ? "" : new String(buf, 0, len, StandardCharsets.UTF_8);
    } finally {
      drop();
    }
  }

  /**
   * Messages of at most {@code maxBytes} (0 or less: no limit), whose buffer is kept between
   * large messages, up to {@link #KEEP_LARGE_BYTES} (see {@link #KEEP_BYTES}); for a trusted
   * peer (the relay's upstream).
   */
  public static TextFrames keepingLarge(long maxBytes) {
    return new TextFrames(maxBytes, KEEP_LARGE_BYTES);
  }

  /** Forgets the message in progress. */
  public void drop() {
    boolean large = len > KEEP_BYTES;
    len = 0;
    if (buf != null && buf.length > KEEP_BYTES && (!large || buf.length > keepLarge)) {
      buf = null;
    }
  }

  /** The buffer kept now, bytes (0: none); for tests. */
  int kept() {
    return buf == null ? 0 : buf.length;
  }

  private void grow(int need) {
    int size = Math.max(FIRST_BYTES, buf == null ? 0 : buf.length);
    while (size < need) {
      size = size > (Integer.MAX_VALUE >> 1) ? need : size * 2;
    }
    byte[] b = new byte[size];
    if (len > 0) {
      System.arraycopy(buf, 0, b, 0, len);
    }
    buf = b;
  }

}
