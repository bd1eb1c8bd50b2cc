package io.voicewire.bench.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.voicewire.protocol.SttServerMessage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The raw stand-ins' frame codec on bytes: length forms, masking, fragments, control frames. */
class RawWsCodecTest {
  final List<String> events = new ArrayList<>();
  final WsCodec.Handler handler = new WsCodec.Handler() {
    @Override
    public void onMessage(int opcode, byte[] data, int off, int len) {
      events.add("msg" + opcode + ":" + new String(data, off, len, StandardCharsets.UTF_8));
    }

    @Override
    public void onControl(int opcode, byte[] data, int off, int len) {
      events.add("ctl" + opcode + ":" + new String(data, off, len, StandardCharsets.UTF_8));
    }
  };

  static String text(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append((char) ('a' + i % 26));
    }
    return b.toString();
  }

  @Test
  void acceptKeyIsTheRfcExample() {
    assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WsCodec.acceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
  }

  @Test
  void lengthFormsRoundTripMaskedAndUnmasked() throws Exception {
    for (int n : new int[] {0, 125, 126, 127, 65535, 65536, 70000}) {
      for (boolean masked : new boolean[] {true, false}) {
        String t = text(n);
        byte[] mask = masked ? new byte[] {1, (byte) 0x80, 0x7f, (byte) 0xff} : null;
        byte[] f = WsCodec.frame(WsCodec.OP_TEXT, t.getBytes(StandardCharsets.UTF_8), mask);
        int len7 = f[1] & 0x7f;
        assertEquals(n < 126 ? n : n <= 65535 ? 126 : 127, len7, "length form of " + n);
        assertEquals(WsCodec.headerSize(n, masked) + n, f.length);
        events.clear();
        assertEquals(0, new WsCodec.Parser(masked).parse(ByteBuffer.wrap(f), handler));
        assertEquals(List.of("msg1:" + t), events, "n=" + n + " masked=" + masked);
      }
    }
  }

  @Test
  void byteByByteDeliveryReportsWhatTheNextFrameNeeds() throws Exception {
    byte[] f = WsCodec.frame(WsCodec.OP_TEXT, text(300).getBytes(StandardCharsets.UTF_8),
        new byte[] {9, 8, 7, 6});
    WsCodec.Parser p = new WsCodec.Parser(true);
    ByteBuffer in = ByteBuffer.allocate(f.length);
    for (int i = 0; i < f.length; i++) {
      in.put(f[i]);
      in.flip();
      int need = p.parse(in, handler);
      in.compact();
      if (i < f.length - 1) {
        assertEquals(i == 0 ? 2 : i < 3 ? 4 : f.length, need, "after byte " + i);
        assertEquals(List.of(), events);
      } else {
        assertEquals(0, need);
      }
    }
    assertEquals(List.of("msg1:" + text(300)), events);
  }

  @Test
  void fragmentedMessageWithInterleavedPingIsReassembled() throws Exception {
    ByteArrayOutputStream w = new ByteArrayOutputStream();
    w.write(new byte[] {0x01, 3, 'a', 'b', 'c'}); // text, not FIN
    w.write(new byte[] {(byte) 0x89, 2, 'h', 'i'}); // ping between fragments
    byte[] big = text(200).getBytes(StandardCharsets.US_ASCII);
    w.write(new byte[] {0x00, 126, 0, (byte) 200}); // continuation, 16-bit length
    w.write(big);
    w.write(new byte[] {(byte) 0x80, 1, 'z'}); // final continuation
    w.write(new byte[] {(byte) 0x81, 1, 'n'}); // then a whole message
    new WsCodec.Parser(false).parse(ByteBuffer.wrap(w.toByteArray()), handler);
    assertEquals(List.of("ctl9:hi", "msg1:abc" + text(200) + "z", "msg1:n"), events);
  }

  @Test
  void violationsAreProtocolErrors() {
    WsCodec.Parser server = new WsCodec.Parser(true);
    assertThrows(WsCodec.ProtocolError.class, // unmasked client frame
        () -> server.parse(ByteBuffer.wrap(new byte[] {(byte) 0x81, 1, 'x'}), handler));
    assertThrows(WsCodec.ProtocolError.class, // continuation without a start
        () -> new WsCodec.Parser(false).parse(ByteBuffer.wrap(new byte[] {(byte) 0x80, 0}),
            handler));
    assertThrows(WsCodec.ProtocolError.class, // fragmented ping
        () -> new WsCodec.Parser(false).parse(ByteBuffer.wrap(new byte[] {0x09, 0}), handler));
    assertThrows(WsCodec.ProtocolError.class, // RSV1 without an extension
        () -> new WsCodec.Parser(false).parse(ByteBuffer.wrap(new byte[] {(byte) 0xC1, 0}),
            handler));
    byte[] huge = {(byte) 0x81, 127, 0, 0, 0, 0, 0x7f, 0, 0, 0};
    assertThrows(WsCodec.ProtocolError.class,
        () -> new WsCodec.Parser(false).parse(ByteBuffer.wrap(huge), handler));
    byte[] textThenText = {0x01, 1, 'a', (byte) 0x81, 1, 'b'};
    assertThrows(WsCodec.ProtocolError.class,
        () -> new WsCodec.Parser(false).parse(ByteBuffer.wrap(textThenText), handler));
  }

  @Test
  void sequenceBase64QuadsMatchTheJdkEncoder() {
    long[] seqs = {0, 1, 255, 256, 65_535, 1L << 40, Long.MAX_VALUE, 123_456_789_012L};
    for (long n : seqs) {
      byte[] pcm = new byte[9];
      for (int b = 0; b < 8; b++) {
        pcm[b] = (byte) (n >>> (56 - 8 * b));
      }
      pcm[8] = (byte) 0xab;
      byte[] out = new byte[12];
      RawWsLoad.base64Quad((int) (n >>> 56), (int) (n >>> 48), (int) (n >>> 40), out, 0);
      RawWsLoad.base64Quad((int) (n >>> 32), (int) (n >>> 24), (int) (n >>> 16), out, 4);
      RawWsLoad.base64Quad((int) (n >>> 8), (int) n, pcm[8], out, 8);
      assertArrayEquals(Base64.getEncoder().encode(pcm), out, "seq " + n);
    }
  }

  @Test
  void partialSeqReadsTheServersEncodingAndRejectsOthers() {
    for (long n : new long[] {0, 7, 1234567890123L}) {
      byte[] m = new SttServerMessage.Partial("seq " + n).encode()
          .getBytes(StandardCharsets.UTF_8);
      assertEquals(n, RawWsLoad.partialSeq(m, 0, m.length));
    }
    for (String other : new String[] {"{\"message_type\":\"partial_transcript\",\"text\":\"seq \"}",
        "{\"message_type\":\"partial_transcript\",\"text\":\"seq 12 more\"}",
        "{\"text\":\"seq 5\",\"message_type\":\"partial_transcript\"}"}) {
      byte[] m = other.getBytes(StandardCharsets.UTF_8);
      assertEquals(Long.MIN_VALUE, RawWsLoad.partialSeq(m, 0, m.length), other);
    }
  }
}
