package io.voicewire.protocol.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Text messages from frames: whole, split anywhere, bounded, strictly UTF-8. */
class TextFramesTest {

  @Test
  void aMessageSplitAtEveryByteArrivesWhole() throws Exception {
    String text = "{\"t\":\"caf\u00e9 \u2192 \uD834\uDD1E \uFFFD ok\"}";
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    TextFrames t = new TextFrames(0);
    for (int cut = 0; cut <= utf8.length; cut++) {
      assertTrue(t.append(ByteBuffer.wrap(utf8, 0, cut)));
      // a direct buffer, as Jetty's network buffers are, whose position must not move
      ByteBuffer rest = ByteBuffer.allocateDirect(utf8.length - cut);
      rest.put(utf8, cut, utf8.length - cut).flip();
      assertTrue(t.append(rest));
      assertEquals(utf8.length - cut, rest.remaining());
      assertEquals(text, t.take(), "cut at " + cut);
    }
  }

  @Test
  void asciiAndEmptyMessages() throws Exception {
    TextFrames t = new TextFrames(100);
    assertEquals("", t.take());
    assertTrue(t.append(ByteBuffer.allocate(0)));
    assertEquals("", t.take());
    assertTrue(t.append(ByteBuffer.wrap("plain".getBytes(StandardCharsets.US_ASCII))));
    assertEquals("plain", t.take());
  }

  @Test
  void malformedUtf8IsRefusedAndTheNextMessageIsFine() throws Exception {
    byte[][] bad = {
        {(byte) 0xC3, '('}, // a lead byte without its continuation
        {(byte) 0xC0, (byte) 0xAF}, // an overlong '/'
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a UTF-16 surrogate
        {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
        {'a', (byte) 0xE2, (byte) 0x86}, // cut short at the end
        {(byte) 0xFF}};
    TextFrames t = new TextFrames(0);
    for (byte[] b : bad) {
      assertTrue(t.append(ByteBuffer.wrap(b)));
      assertThrows(CharacterCodingException.class, t::take);
      assertTrue(t.append(ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII))));
      assertEquals("ok", t.take());
    }
  }

  /**
   * The check made on the bytes (no decoding) refuses exactly what the JDK's strict decoder
   * refuses: random byte strings biased to UTF-8's edges (leads, continuations, the bytes that
   * make overlong forms, surrogates and code points past U+10FFFF), at every offset of the
   * eight-byte ASCII step.
   */
  @Test
  void theUtf8CheckAgreesWithTheStrictDecoder() {
    byte[] edges = {0x00, 0x41, 0x7F, (byte) 0x80, (byte) 0x8F, (byte) 0x90, (byte) 0x9F,
        (byte) 0xA0, (byte) 0xBF, (byte) 0xC0, (byte) 0xC1, (byte) 0xC2, (byte) 0xDF,
        (byte) 0xE0, (byte) 0xED, (byte) 0xEE, (byte) 0xEF, (byte) 0xF0, (byte) 0xF4,
        (byte) 0xF5, (byte) 0xFF};
    var strict = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    Random r = new Random(1007);
    int bad = 0;
    for (int run = 0; run < 200_000; run++) {
      byte[] b = new byte[r.nextInt(24)];
      for (int i = 0; i < b.length; i++) {
        b[i] = r.nextInt(3) == 0 ? (byte) 'a' : edges[r.nextInt(edges.length)];
      }
      boolean valid;
      try {
        strict.reset().decode(ByteBuffer.wrap(b));
        valid = true;
      } catch (CharacterCodingException e) {
        valid = false;
      }
      bad += valid ? 0 : 1;
      assertEquals(valid, TextFrames.isUtf8(b, 0, b.length), () -> java.util.HexFormat.of()
          .formatHex(b));
    }
    assertTrue(bad > 1000 && bad < 199_000, "both kinds were tried: " + bad + " malformed");
    byte[] text = "0123456789abcdef\u00e9 \u2192 \uD834\uDD1E".getBytes(StandardCharsets.UTF_8);
    for (int from = 0; from < 16; from++) {
      assertTrue(TextFrames.isUtf8(text, from, text.length));
      assertFalse(TextFrames.isUtf8(text, from, text.length - 1), "a code point cut short");
    }
  }

  @Test
  void aMessageOverTheMaximumIsRefusedAcrossFrames() throws Exception {
    TextFrames t = new TextFrames(10);
    assertTrue(t.append(ByteBuffer.wrap(new byte[] {'a', 'b', 'c', 'd', 'e', 'f'})));
    assertTrue(t.append(ByteBuffer.wrap(new byte[] {'g', 'h', 'i', 'j'})));
    assertEquals(10, t.size());
    assertEquals("abcdefghij", t.take());
    assertTrue(t.append(ByteBuffer.wrap(new byte[] {'a', 'b', 'c', 'd', 'e', 'f'})));
    assertFalse(t.append(ByteBuffer.wrap(new byte[] {'g', 'h', 'i', 'j', 'k'})));
    assertEquals(0, t.size(), "the refused message is dropped");
    assertTrue(t.append(ByteBuffer.wrap(new byte[] {'x'})));
    assertEquals("x", t.take());
  }

  @Test
  void largeMessagesGrowTheBufferAndRandomTextRoundTrips() throws Exception {
    Random r = new Random(3);
    TextFrames t = new TextFrames(0);
    for (int i = 0; i < 200; i++) {
      StringBuilder sb = new StringBuilder();
      int n = r.nextInt(i < 100 ? 50 : 40_000);
      while (sb.length() < n) {
        int cp = r.nextInt(4) == 0 ? r.nextInt(0x10FFFF) : 0x20 + r.nextInt(0x5F);
        if (cp < 0xD800 || cp > 0xDFFF) {
          sb.appendCodePoint(cp);
        }
      }
      String text = sb.toString();
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      for (int at = 0; at < utf8.length; ) {
        int len = Math.min(utf8.length - at, 1 + r.nextInt(5000));
        assertTrue(t.append(ByteBuffer.wrap(utf8, at, len)));
        at += len;
      }
      assertEquals(text, t.take());
    }
  }

  /**
   * A buffer grown for a large message is kept while the messages stay large (no new buffer per
   * TTS audio message), and given up after the first small one, or when it is over the larger
   * bound.
   */
  @Test
  void aLargeBufferIsKeptOnlyWhileTheMessagesAreLarge() throws Exception {
    TextFrames untrusted = new TextFrames(0);
    assertTrue(untrusted.append(ByteBuffer.wrap("c".repeat(60_000).getBytes(
        StandardCharsets.US_ASCII))));
    assertEquals(60_000, untrusted.take().length());
    assertEquals(0, untrusted.kept(), "a client's socket never keeps more than KEEP_BYTES");
    TextFrames t = TextFrames.keepingLarge(0);
    byte[] large = "a".repeat(60_000).getBytes(StandardCharsets.US_ASCII);
    assertTrue(t.append(ByteBuffer.wrap(large)));
    assertEquals(60_000, t.take().length());
    int kept = t.kept();
    assertTrue(kept >= 60_000 && kept <= TextFrames.KEEP_LARGE_BYTES, "kept " + kept);
    for (int i = 0; i < 5; i++) {
      assertTrue(t.append(ByteBuffer.wrap(large)));
      assertEquals(60_000, t.take().length());
      assertEquals(kept, t.kept(), "the same buffer serves the next large message");
    }
    assertTrue(t.append(ByteBuffer.wrap("{\"isFinal\":true}".getBytes(StandardCharsets.US_ASCII))));
    assertEquals("{\"isFinal\":true}", t.take());
    assertEquals(0, t.kept(), "a small message gives the large buffer up");
    byte[] huge = "b".repeat(TextFrames.KEEP_LARGE_BYTES + 1).getBytes(StandardCharsets.US_ASCII);
    assertTrue(t.append(ByteBuffer.wrap(huge)));
    assertEquals(huge.length, t.take().length());
    assertEquals(0, t.kept(), "a buffer over the larger bound is never kept");
  }
}
