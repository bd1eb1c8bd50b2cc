package io.voicewire.protocol.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Assembles one WebSocket's text messages from their frames' UTF-8 payloads, for the Jetty
 * sockets of the server and the relay's upstream client, which take text frames themselves
 * instead of through Jetty's {@code StringMessageSink}: that sink builds every message in a new
 * {@code StringBuilder} as large as the session's input buffer (4 KiB), the largest allocation
 * of a relayed chunk. Here a message costs its {@code String} (one exact-size array for ASCII)
 * and one copy into a buffer kept per socket (between messages {@link #KEEP_BYTES} at most, or
 * {@link #KEEP_LARGE_BYTES} while the messages are large).
 *
 * <p>Same checks as Jetty's sink: the message's total payload against the maximum
 * ({@link #append} returns false past it) and strict UTF-8 over the whole message, so a code
 * point split across frames is accepted and a malformed one is refused ({@link #take} throws).
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
  private CharsetDecoder strict;

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
   * The message appended since the last take, as a string; the next append starts a new
   * message.
   *
   * @throws CharacterCodingException when the message is not well-formed UTF-8 (dropped)
   */
  public String take() throws CharacterCodingException {
    if (len == 0) {
      return "";
    }
    try {
      String s = new String(buf, 0, len, StandardCharsets.UTF_8);
      // the JDK replaces malformed input with U+FFFD, which a Latin-1 string cannot hold: only
      // a message with other code points is checked again, strictly (a real U+FFFD passes)
      if (s.indexOf('\uFFFD') >= 0) {
        strictDecoder().decode(ByteBuffer.wrap(buf, 0, len));
      }
      return s;
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

  private CharsetDecoder strictDecoder() {
    if (strict == null) {
      strict = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
    return strict.reset();
  }
}
