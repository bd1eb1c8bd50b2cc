package io.voicewire.server.internal;

import io.voicewire.protocol.internal.TextFrames;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
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
 * ({@link TextFrames}), not by Jetty's {@code StringMessageSink}, which allocates a builder as
 * large as the input buffer per message. With the sinks' checks: a message over the maximum
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
    /** A whole text message (charged to the flow once this returns). */
    void text(String message);

    /** A whole binary message of {@code bytes} (charged to the flow once this returns). */
    void binary(long bytes);

    /** A message refused: close with {@code code}; no more frames are read. */
    void refused(int code, RuntimeException why);
  }

  private final Session ws;
  private final InboundFlow flow;
  private final Runnable counted;
  private final Messages to;
  private final TextFrames text;
  /** The opcode of the data message whose frames are arriving, or -1. */
  private byte message = -1;
  /** The binary message's payload so far, bytes. */
  private long binaryBytes;
  /** A message was refused (too large, not UTF-8) and the socket is closing. */
  private boolean refused;

  /** @param counted counts a whole message in the server's metrics */
  InboundFrames(Session ws, InboundFlow flow, Runnable counted, Messages to) {
    this.ws = ws;
    this.flow = flow;
    this.counted = counted;
    this.to = to;
    this.text = new TextFrames(ws.getMaxTextMessageSize());
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
    if (op == OpCode.CONTINUATION) {
      op = message;
    }
    if (op != OpCode.TEXT && op != OpCode.BINARY) {
      callback.succeed();
      return;
    }
    message = frame.isFin() ? -1 : op;
    try {
      if (refused) {
        return; // dropped: nothing more is read, as after Jetty's sink failed a message
      } else if (op == OpCode.TEXT) {
        textFrame(frame);
      } else {
        binaryFrame(frame);
      }
    } finally {
      callback.succeed();
    }
  }

  private void binaryFrame(Frame frame) {
    binaryBytes += frame.getPayloadLength();
    long max = ws.getMaxBinaryMessageSize();
    if (max > 0 && binaryBytes > max) {
      refuse(StatusCode.MESSAGE_TOO_LARGE, new MessageTooLargeException(String.format(
          "Binary message too large: %,d > %,d", binaryBytes, max)));
      return;
    }
    if (!frame.isFin()) {
      ws.demand(); // the rest of the message, as Jetty's message sinks do
      return;
    }
    long bytes = binaryBytes;
    binaryBytes = 0;
    long started = flow.frameStarted();
    counted.run();
    try {
      to.binary(bytes);
    } finally {
      flow.frameDone(bytes, started);
    }
  }

  private void textFrame(Frame frame) {
    if (!text.append(frame.getPayload())) {
      refuse(StatusCode.MESSAGE_TOO_LARGE, new MessageTooLargeException(String.format(
          "Text message too large: %,d > %,d", text.size() + frame.getPayloadLength(),
          ws.getMaxTextMessageSize())));
      return;
    }
    if (!frame.isFin()) {
      ws.demand(); // the rest of the message, as Jetty's message sinks do
      return;
    }
    String whole;
    try {
      whole = text.take();
    } catch (CharacterCodingException e) {
      refuse(StatusCode.BAD_PAYLOAD, new BadPayloadException("Invalid UTF-8"));
      return;
    }
    long started = flow.frameStarted();
    counted.run();
    try {
      to.text(whole);
    } finally {
      // handed on (the chunk to the provider, the text to the context): the next frame may
      // come, within the key's and the session's inbound budgets
      flow.frameDone(whole.length(), started);
    }
  }

  private void refuse(int code, RuntimeException why) {
    refused = true;
    text.drop();
    to.refused(code, why);
  }
}
