package io.voicewire.server.internal;

import io.voicewire.protocol.internal.InboundText;
import io.voicewire.protocol.internal.MessageFrames;
import java.nio.ByteBuffer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Frame;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.exceptions.BadPayloadException;
import org.eclipse.jetty.websocket.api.exceptions.MessageTooLargeException;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * One server socket's frames, as its {@link SocketSession}'s frame handler takes them: with a
 * frame handler, Jetty's API layer leaves every frame to it (no message sinks, no automatic
 * pong; the core still runs the close handshake). A text message is assembled from its frames
 * ({@link MessageFrames}), not by Jetty's {@code StringMessageSink}, which allocates a builder as
 * large as the input buffer per message, and handed on as its bytes ({@link InboundText}): its
 * {@code String} is made only by a consumer that needs one (a relayed audio chunk goes upstream
 * as received, without). With the sinks' checks: a message over the maximum
 * text or binary message size is refused with 1009, a text that is not UTF-8 with 1007, and
 * nothing more is read after a refusal. A ping is answered and a pong read past, as Jetty's API
 * layer did.
 *
 * <p>Demand: a frame that does not end its message asks for the next one here; a whole message
 * is counted, handed to the {@link Messages} and charged to the socket's {@link InboundFlow}
 * (its size and the CPU its handling took), which gives the next frame's demand, within the
 * key's and the session's inbound budgets, once it is handed on.
 *
 * <p>Not thread safe: Jetty's reader only, one frame at a time.
 */
final class InboundFrames {
  /** What the frames make. */
  interface Messages {
    /**
     * A whole text message, UTF-8 validated (charged to the flow once this returns); valid
     * during the call only: a consumer that keeps its bytes copies them.
     */
    void text(InboundText message);

    /** A whole binary message of {@code bytes} (charged to the flow once this returns). */
    void binary(long bytes);

    /** A message refused: close with {@code code}; no more frames are read. */
    void refused(int code, RuntimeException why);
  }

  private final Session ws;
  private final InboundFlow flow;
  private final Runnable counted;
  private final Messages to;
  private final MessageFrames messages;
  /** A message was refused (too large, not UTF-8) and the socket is closing. */
  private boolean refused;

  /** @param counted counts a whole message in the server's metrics */
  InboundFrames(Session ws, InboundFlow flow, Runnable counted, Messages to) {
    this.ws = ws;
    this.flow = flow;
    this.counted = counted;
    this.to = to;
    this.messages = MessageFrames.of(ws.getMaxTextMessageSize(), ws.getMaxBinaryMessageSize());
  }

  /** Takes one frame; {@code callback} is completed once its payload is no longer needed. */
  void frame(Frame frame, Callback callback) {
    byte op = frame.getOpCode();
    if (op == OpCode.PING) {
      ws.sendPong(frame.hasPayload() ? frame.getPayload() : ByteBuffer.allocate(0),
          Callback.from(() -> {
            callback.succeed();
            ws.demand();
          }, x -> callback.succeed())); // output closed already: nothing to answer
      return;
    }
    if (op == OpCode.PONG) {
      callback.succeed();
      ws.demand();
      return;
    }
    try {
      if (refused) {
        return; // dropped: nothing more is read, as after Jetty's sink failed a message
      }
      switch (messages.frame(op, frame.isFin(), frame.getPayload())) {
        case MORE -> ws.demand(); // the rest of the message, as Jetty's message sinks do
        case TEXT -> {
          try {
            handOn(messages.message());
          } finally {
            messages.release();
          }
        }
        case BINARY -> handOn(null);
        case TOO_LARGE -> refuse(StatusCode.MESSAGE_TOO_LARGE,
            new MessageTooLargeException(messages.refusal()));
        case NOT_UTF8 -> refuse(StatusCode.BAD_PAYLOAD,
            new BadPayloadException(messages.refusal()));
        case IGNORED -> { }
      }
    } finally {
      callback.succeed();
    }
  }

  /**
   * Counts a whole message (the text, or null for a binary one), hands it on and charges it to
   * the flow: once handed on (the chunk to the provider, the text to the context), the next frame
   * may come, within the key's and the session's inbound budgets.
   */
  private void handOn(InboundText text) {
    long size = text != null ? text.length() : messages.binaryBytes();
    long started = flow.frameStarted();
    counted.run();
    try {
      if (text != null) {
        to.text(text);
      } else {
        to.binary(size);
      }
    } finally {
      flow.frameDone(size, started);
    }
  }

  private void refuse(int code, RuntimeException why) {
    refused = true;
    to.refused(code, why);
  }
}
