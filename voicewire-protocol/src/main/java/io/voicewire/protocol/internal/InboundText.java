package io.voicewire.protocol.internal;

import java.nio.charset.StandardCharsets;

/**
 * A whole text message as it arrived, from {@link MessageFrames}: its UTF-8 bytes (validated)
 * in the socket's message buffer, and its {@code String} only when asked for ({@link #string()}).
 * A relay that forwards a message unchanged reads the bytes and never makes the {@code String}.
 *
 * <p>Valid until the socket's next frame or {@link MessageFrames#release()}: a consumer that
 * keeps the bytes copies them. Not thread safe: the socket's reader only.
 */
public final class InboundText {
  private static final byte[] EMPTY = new byte[0];

  private byte[] buf = EMPTY;
  private int len;
  private String string;

  InboundText() {}

  void set(byte[] b, int n) {
    buf = b == null ? EMPTY : b;
    len = n;
    string = null;
  }

  void clear() {
    set(null, 0);
  }

  /** The buffer holding the message's bytes, {@code [0, length())}; do not modify it. */
  public byte[] array() {
    return buf;
  }

  /** The message's size, bytes of UTF-8. */
  public int length() {
    return len;
  }

  /** The message as a string (made at the first call). */
  public String string() {
    String s = string;
    if (s == null) {
      s = len == 0 ? "" : new String(buf, 0, len, StandardCharsets.UTF_8);
      string = s;
    }
    return s;
  }

  @Override
  public String toString() {
    return string();
  }
}
