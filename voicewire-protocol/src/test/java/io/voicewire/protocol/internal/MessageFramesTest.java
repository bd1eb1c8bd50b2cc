package io.voicewire.protocol.internal;

import static io.voicewire.protocol.internal.MessageFrames.BINARY;
import static io.voicewire.protocol.internal.MessageFrames.CONTINUATION;
import static io.voicewire.protocol.internal.MessageFrames.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.voicewire.protocol.internal.MessageFrames.Step;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Data messages from frames: continuations join their message; sizes and UTF-8 are checked. */
class MessageFramesTest {
  private static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void continuationsJoinTheirMessage() {
    MessageFrames m = MessageFrames.of(100, 100);
    assertEquals(Step.MORE, m.frame(TEXT, false, utf8("héllo ")));
    assertEquals(Step.MORE, m.frame(CONTINUATION, false, utf8("wor")));
    assertEquals(Step.TEXT, m.frame(CONTINUATION, true, utf8("ld")));
    assertEquals("héllo world", m.text());
    assertNull(m.text(), "a message is taken once");
    assertEquals(Step.MORE, m.frame(BINARY, false, ByteBuffer.allocate(30)));
    assertEquals(Step.BINARY, m.frame(CONTINUATION, true, ByteBuffer.allocate(12)));
    assertEquals(42, m.binaryBytes());
    assertNull(m.text());
    assertEquals(Step.TEXT, m.frame(TEXT, true, utf8("")));
    assertEquals("", m.text());
  }

  @Test
  void aMessageIsItsBytesAsReceivedUntilReleased() {
    MessageFrames m = MessageFrames.of(100, 100);
    byte[] sent = "{\"a\": \"\u00e9\" }".getBytes(StandardCharsets.UTF_8);
    assertEquals(Step.MORE, m.frame(TEXT, false, ByteBuffer.wrap(sent, 0, 8)));
    assertNull(m.message(), "not whole yet");
    assertEquals(Step.TEXT, m.frame(CONTINUATION, true, ByteBuffer.wrap(sent, 8,
        sent.length - 8)));
    InboundText t = m.message();
    assertEquals(sent.length, t.length());
    assertArrayEquals(sent, java.util.Arrays.copyOf(t.array(), t.length()));
    assertEquals("{\"a\": \"\u00e9\" }", t.string());
    m.release();
    assertNull(m.message(), "released");
    assertNull(m.text());
    assertEquals(Step.TEXT, m.frame(TEXT, true, utf8("next")));
    assertEquals(Step.IGNORED, m.frame((byte) 0x9, true, ByteBuffer.allocate(0)));
    assertNull(m.message(), "the next frame releases it too");
  }

  @Test
  void aContinuationOfNoMessageAndControlFramesAreIgnored() {
    MessageFrames m = MessageFrames.of(100, 100);
    assertEquals(Step.IGNORED, m.frame(CONTINUATION, true, utf8("x")));
    assertEquals(Step.IGNORED, m.frame((byte) 0x8, true, ByteBuffer.allocate(2)));
    assertEquals(Step.TEXT, m.frame(TEXT, true, utf8("ok")));
    assertEquals("ok", m.text());
  }

  @Test
  void tooLargeAndNotUtf8AreRefusedWithTheReason() {
    MessageFrames m = MessageFrames.of(10, 8);
    assertEquals(Step.MORE, m.frame(TEXT, false, utf8("123456")));
    assertEquals(Step.TOO_LARGE, m.frame(CONTINUATION, true, utf8("7890x")));
    assertEquals("Text message too large: 11 > 10", m.refusal());
    assertEquals(Step.TOO_LARGE, m.frame(BINARY, true, ByteBuffer.allocate(9)));
    assertEquals("Binary message too large: 9 > 8", m.refusal());
    assertEquals(Step.NOT_UTF8, m.frame(TEXT, true, ByteBuffer.wrap(new byte[] {(byte) 0xC3})));
    assertEquals("Invalid UTF-8", m.refusal());
    assertEquals(Step.TEXT, m.frame(TEXT, true, utf8("fine")), "the next message starts clean");
    assertEquals("fine", m.text());
  }
}
