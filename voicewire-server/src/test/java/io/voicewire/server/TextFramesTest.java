package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import io.voicewire.server.RawWebSocket.Frame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sockets assemble text messages from their frames themselves (not Jetty's message sink):
 * a message split over frames, with code points split across the frames' edges, arrives whole;
 * a message that is not UTF-8 closes with 1007 before any reply, as with Jetty's sink. Raw frames
 * on a plain socket, since a WebSocket client cannot send a split code point or bad UTF-8.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TextFramesTest {
  static ToneSpeechProvider provider;
  static ServerFixture f;

  @BeforeAll
  static void start() throws Exception {
    provider = ToneSpeechProvider.create();
    f = ServerFixture.start(provider);
  }

  @AfterAll
  static void stop() throws Exception {
    f.close();
    provider.close();
  }

  @Test
  void aMessageInThreeFramesWithSplitCodePointsArrivesWhole() throws Exception {
    try (Socket s = open()) {
      assertTrue(readFrame(s).text().contains("session_started"));
      byte[] m = "{\"message_type\":\"h\u00e9llo\u2192\uD834\uDD1E\"}"
          .getBytes(StandardCharsets.UTF_8);
      int e = indexOf(m, (byte) 0xC3); // é's first byte
      int clef = indexOf(m, (byte) 0xF0); // 𝄞's first of four bytes
      OutputStream out = s.getOutputStream();
      out.write(RawWebSocket.frame(0x1, false, Arrays.copyOfRange(m, 0, e + 1)));
      out.write(RawWebSocket.frame(0x0, false, Arrays.copyOfRange(m, e + 1, clef + 2)));
      out.write(RawWebSocket.frame(0x0, true, Arrays.copyOfRange(m, clef + 2, m.length)));
      out.flush();
      Frame reply = readFrame(s);
      assertEquals(0x1, reply.opcode());
      assertTrue(reply.text().contains("input_error"), reply.text());
      assertTrue(reply.text().contains("unknown message_type 'h\u00e9llo\u2192\uD834\uDD1E'"),
          reply.text());
    }
  }

  @Test
  void aMessageThatIsNotUtf8ClosesWith1007BeforeAnyReply() throws Exception {
    try (Socket s = open()) {
      assertTrue(readFrame(s).text().contains("session_started"));
      String ascii = "{\"message_type\":\"h_(\"}";
      byte[] m = ascii.getBytes(StandardCharsets.US_ASCII);
      m[ascii.indexOf("h_(") + 1] = (byte) 0xC3; // a lead byte followed by '(': malformed
      s.getOutputStream().write(RawWebSocket.frame(0x1, true, m));
      s.getOutputStream().flush();
      Frame reply = readFrame(s);
      assertEquals(0x8, reply.opcode(), "a close frame, not a reply: " + reply.text());
      assertEquals(1007, ((reply.payload()[0] & 0xFF) << 8) | (reply.payload()[1] & 0xFF));
    }
  }

  /**
   * A plain audio chunk is forwarded as its bytes, with no string made: its UTF-8 is still
   * checked, so each kind of malformed sequence in it closes with 1007 before any reply.
   */
  @Test
  void anAudioChunkThatIsNotUtf8ClosesWith1007() throws Exception {
    byte[][] bad = {
        {(byte) 0xC0, (byte) 0xAF}, // an overlong '/'
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a UTF-16 surrogate
        {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
        {(byte) 0x80}, // a continuation without its lead
        {(byte) 0xE2, (byte) 0x86}}; // cut short at the end of the message
    byte[] chunk = ("{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\"AAAA\"} ")
        .getBytes(StandardCharsets.US_ASCII);
    for (byte[] b : bad) {
      try (Socket s = open()) {
        assertTrue(readFrame(s).text().contains("session_started"));
        byte[] m = Arrays.copyOf(chunk, chunk.length + b.length);
        System.arraycopy(b, 0, m, chunk.length, b.length); // after the object, as "white space"
        s.getOutputStream().write(RawWebSocket.frame(0x1, true, m));
        s.getOutputStream().flush();
        Frame reply = readFrame(s);
        assertEquals(0x8, reply.opcode(), "a close frame, not a reply: " + reply.text());
        assertEquals(1007, ((reply.payload()[0] & 0xFF) << 8) | (reply.payload()[1] & 0xFF));
      }
    }
  }

  private static Socket open() throws IOException {
    return RawWebSocket.upgrade(f.port, SttRealtimeTest.PATH);
  }

  private static Frame readFrame(Socket s) throws IOException {
    Frame f = RawWebSocket.read(s);
    if (f == null) {
      throw new IOException("closed");
    }
    return f;
  }

  private static int indexOf(byte[] a, byte b) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    throw new AssertionError("no byte " + b);
  }
}
