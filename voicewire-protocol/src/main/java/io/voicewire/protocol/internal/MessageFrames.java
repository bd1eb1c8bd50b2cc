package io.voicewire.protocol.internal;

import java.nio.ByteBuffer;

/**
 * One WebSocket's data messages from their frames (RFC 6455 §5.4), for the sockets that take
 * frames themselves instead of through Jetty's message sinks (the server's and the relay's
 * upstream connection): continuation frames join the message they continue, a text message is
 * assembled by {@link TextFrames}, a binary one is only counted (the protocols have none), and a
 * message over its maximum size or a text that is not UTF-8 is refused, as Jetty's sinks did.
 * Control frames (ping, pong, close) are the caller's.
 *
 * <p>Each data frame gives one {@link Step}; after {@link Step#TEXT} the message is {@link
 * #message()} (its bytes, UTF-8 validated, and its {@code String} when asked for) until
 * {@link #release()} or the next frame, or {@link #text()} (its {@code String}, released at once);
 * after {@link Step#BINARY} its size is {@link #binaryBytes()}, after a refusal the reason is
 * {@link #refusal()}. Nothing is allocated per frame but the text's {@code String}, if asked for.
 *
 * <p>Not thread safe: one socket's reader, one frame at a time.
 */
public final class MessageFrames {
  /** The opcodes of data frames (RFC 6455 §5.2). */
  public static final byte CONTINUATION = 0;
  public static final byte TEXT = 1;
  public static final byte BINARY = 2;

  /** What a data frame made. */
  public enum Step {
    /** Part of a message: read the next frame. */
    MORE,
    /** A whole text message: {@link #text()}. */
    TEXT,
    /** A whole binary message: {@link #binaryBytes()}. */
    BINARY,
    /** The message is over its maximum size (close 1009): {@link #refusal()}. */
    TOO_LARGE,
    /** The text is not well-formed UTF-8 (close 1007): {@link #refusal()}. */
    NOT_UTF8,
    /** Not a data frame, or a continuation of no message: nothing to do. */
    IGNORED
  }

  private final TextFrames text;
  private final long maxText;
  private final long maxBinary;
  /** The opcode of the data message whose frames are arriving, or -1. */
  private byte message = -1;
  private long binary;
  private long binaryDone;
  /** The text message of the last {@link Step#TEXT}, while {@link #holding}. */
  private final InboundText whole = new InboundText();
  private boolean holding;
  private String refusal;

  private MessageFrames(TextFrames text, long maxTextBytes, long maxBinaryBytes) {
    this.text = text;
    this.maxText = maxTextBytes;
    this.maxBinary = maxBinaryBytes;
  }

  /** For a peer that is not trusted (a server's client): {@link TextFrames#TextFrames(long)}. */
  public static MessageFrames of(long maxTextBytes, long maxBinaryBytes) {
    return new MessageFrames(new TextFrames(maxTextBytes), maxTextBytes, maxBinaryBytes);
  }

  /** For a trusted peer (the server): {@link TextFrames#keepingLarge(long)}. */
  public static MessageFrames keepingLarge(long maxTextBytes, long maxBinaryBytes) {
    return new MessageFrames(TextFrames.keepingLarge(maxTextBytes), maxTextBytes,
        maxBinaryBytes);
  }

  /** Takes a frame's payload (its remaining bytes; the buffer's position is not moved). */
  public Step frame(byte opcode, boolean fin, ByteBuffer payload) {
    release();
    byte op = opcode == CONTINUATION ? message : opcode;
    if (op != TEXT && op != BINARY) {
      return Step.IGNORED;
    }
    message = fin ? -1 : op;
    long n = payload == null ? 0 : payload.remaining();
    if (op == BINARY) {
      binary += n;
      if (maxBinary > 0 && binary > maxBinary) {
        return refuse(Step.TOO_LARGE, String.format("Binary message too large: %,d > %,d",
            binary, maxBinary));
      }
      if (!fin) {
        return Step.MORE;
      }
      binaryDone = binary;
      binary = 0;
      return Step.BINARY;
    }
    long total = text.size() + n;
    if (!text.append(payload)) {
      return refuse(Step.TOO_LARGE, String.format("Text message too large: %,d > %,d", total,
          maxText));
    }
    if (!fin) {
      return Step.MORE;
    }
    if (!text.isUtf8()) {
      return refuse(Step.NOT_UTF8, "Invalid UTF-8");
    }
    holding = true;
    whole.set(text.array(), text.size());
    return Step.TEXT;
  }

  /**
   * The text message of the last {@link Step#TEXT}, valid until {@link #release()} or the next
   * frame; null when there is none (taken, released, or not a text message).
   */
  public InboundText message() {
    return holding ? whole : null;
  }

  /**
   * The text message of the last {@link Step#TEXT} as a string, then {@link #release()}; null
   * when there is none.
   */
  public String text() {
    String t = holding ? whole.string() : null;
    release();
    return t;
  }

  /**
   * Done with the last text message: the buffer is free for the next one (and a large one is
   * given up, as {@link TextFrames#drop()} says). The next frame releases it as well.
   */
  public void release() {
    if (holding) {
      holding = false;
      whole.clear();
      text.drop();
    }
  }

  /** The size of the binary message of the last {@link Step#BINARY}, bytes. */
  public long binaryBytes() {
    return binaryDone;
  }

  /** Why the last message was refused. */
  public String refusal() {
    return refusal;
  }

  private Step refuse(Step step, String why) {
    message = -1;
    binary = 0;
    text.drop();
    refusal = why;
    return step;
  }
}
