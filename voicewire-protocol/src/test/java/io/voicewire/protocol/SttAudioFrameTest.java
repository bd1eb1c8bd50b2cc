package io.voicewire.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The targeted scans agree with the parser on what they accept, and leave the rest to it. */
class SttAudioFrameTest {

  @Test
  void plainChunksAreRecognisedWithTheParsersMeaning() throws Exception {
    Random r = new Random(7);
    for (int len : new int[] {0, 1, 2, 3, 640, 641, 642, 3200}) {
      byte[] audio = new byte[len];
      r.nextBytes(audio);
      String b64 = Base64.getEncoder().encodeToString(audio);
      for (String text : List.of(
          SttClientMessage.audio(audio, 16000).encode(),
          "{\"audio_base_64\":\"" + b64 + "\",\"message_type\":\"input_audio_chunk\"}",
          " { \"message_type\" : \"input_audio_chunk\" ,\n\"audio_base_64\":\"" + b64
              + "\", \"commit\": false, \"sample_rate\": 8000 } ")) {
        SttAudioFrame f = SttAudioFrame.scan(text);
        SttClientMessage m = SttClientMessage.decode(text);
        assertEquals(m.audio().length, f.audioBytes(), text);
        assertArrayEquals(m.audio(), f.decodeAudio(), text);
        assertEquals(m.sampleRate(), f.sampleRate(), text);
        assertEquals(b64, f.audioBase64());
        // from the bytes as received, in a larger buffer that is reused after: a copy
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] buf = Arrays.copyOf(utf8, utf8.length + 7);
        SttAudioFrame g = SttAudioFrame.scan(buf, utf8.length);
        Arrays.fill(buf, (byte) 'x');
        assertArrayEquals(utf8, g.frame(), text);
        assertEquals(text, g.text());
        assertEquals(f.audioFrom(), g.audioFrom());
        assertEquals(f.audioTo(), g.audioTo());
        assertArrayEquals(m.audio(), g.decodeAudio(), text);
        assertEquals(m.sampleRate(), g.sampleRate(), text);
        // the same as a view of the buffer: no copy, valid until the buffer is reused
        buf = Arrays.copyOf(utf8, utf8.length + 7);
        SttAudioFrame v = SttAudioFrame.scanView(buf, utf8.length);
        assertTrue(v.frame() == buf && v.offset() == 0 && v.length() == utf8.length, text);
        assertEquals(text, v.text());
        assertArrayEquals(m.audio(), v.decodeAudio(), text);
        SttAudioFrame kept = v.detached();
        byte[] elsewhere = new byte[utf8.length + 20];
        System.arraycopy(buf, 0, elsewhere, 13, utf8.length);
        SttAudioFrame moved = v.movedTo(elsewhere, 13);
        Arrays.fill(buf, (byte) 'x');
        for (SttAudioFrame w : List.of(kept, moved)) {
          assertEquals(text, w.text());
          assertEquals(b64, w.audioBase64());
          assertArrayEquals(m.audio(), w.decodeAudio(), text);
          assertEquals(m.sampleRate(), w.sampleRate(), text);
        }
      }
    }
  }

  @Test
  void everythingElseIsLeftToTheParser() {
    String a = "\"audio_base_64\":\"AAAA\"";
    String t = "\"message_type\":\"input_audio_chunk\"";
    for (String text : List.of(
        "{" + t + "," + a + ",\"commit\":true}", // a commit
        "{" + t + "," + a + ",\"previous_text\":\"x\"}",
        "{" + t + "," + a + ",\"extra\":1}",
        "{" + t + "," + a + "," + a + "}", // repeated member
        "{" + t + "}", // no audio
        "{" + a + "}", // no type
        "{\"message_type\":\"other\"," + a + "}",
        "{" + t + ",\"audio_base_64\":\"AAA\"}", // unpadded
        "{" + t + ",\"audio_base_64\":\"AA=A\"}",
        "{" + t + ",\"audio_base_64\":\"AB==\"}", // non-zero unused bits
        "{" + t + ",\"audio_base_64\":\"AA\\u0041A\"}", // an escape
        "{" + t + "," + a + ",\"sample_rate\":16000.0}",
        "{" + t + "," + a + ",\"sample_rate\":-1}",
        "{" + t + "," + a + ",\"sample_rate\":016000}",
        "{" + t + "," + a + ",\"commit\":null}",
        "{" + t + "," + a + "} x", // trailing text
        "{" + t + "," + a + ",}",
        "{" + t + "," + a,
        "[" + t + "]",
        "{" + t + "," + a + ",\"\u00e9\":1}", // not ASCII
        "{\"message_type\":\"input_audio_chunk\u00e9\"," + a + "}",
        "")) {
      assertNull(SttAudioFrame.scan(text), text);
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      assertNull(SttAudioFrame.scan(utf8, utf8.length), text);
    }
  }

  @Test
  void topLevelStringSkipsNestedValuesAndEscapes() {
    assertEquals("partial_transcript", JsonScan.topLevelString(
        "{\"message_type\":\"partial_transcript\",\"text\":\"hi\"}", "message_type"));
    assertEquals("committed_transcript", JsonScan.topLevelString(
        "{\"text\":\"a \\\"message_type\\\""
        + ":\\\"x\\\"\",\"words\":[{\"message_type\":\"y\"}],\"n\":1,"
        + "\"message_type\":\"committed_transcript\"}", "message_type"));
    assertNull(JsonScan.topLevelString("{\"message_type\":\"a\\u0062\"}", "message_type"));
    assertNull(JsonScan.topLevelString("{\"message_type\":1}", "message_type"));
    assertNull(JsonScan.topLevelString("{\"text\":\"x\"}", "message_type"));
    assertNull(JsonScan.topLevelString("not json", "message_type"));
    assertNull(JsonScan.topLevelString("{\"text\":\"unterminated", "message_type"));
  }

  @Test
  void topLevelTrueFindsOnlyATopLevelLiteralTrue() {
    assertTrue(JsonScan.topLevelTrue("{\"audio\":\"AAAA\",\"isFinal\": true }", "isFinal"));
    assertTrue(JsonScan.topLevelTrue("{\"alignment\":{\"isFinal\":false},\"isFinal\":true}",
        "isFinal"));
    assertFalse(JsonScan.topLevelTrue("{\"audio\":\"AAAA\",\"isFinal\":null}", "isFinal"));
    assertFalse(JsonScan.topLevelTrue("{\"isFinal\":\"true\"}", "isFinal"));
    assertFalse(JsonScan.topLevelTrue("{\"isFinal\":trueish}", "isFinal"));
    assertFalse(JsonScan.topLevelTrue("{\"alignment\":{\"isFinal\":true}}", "isFinal"));
    assertFalse(JsonScan.topLevelTrue("{\"text\":\"\\\"isFinal\\\":true\"}", "isFinal"));
    assertFalse(JsonScan.topLevelTrue("{\"isFinal\":", "isFinal"));
    assertFalse(JsonScan.topLevelTrue("[true]", "isFinal"));
  }

  @Test
  void aStringEndsAtTheFirstQuoteNotEscapedByAnOddRunOfBackslashes() {
    assertEquals("x", JsonScan.topLevelString("{\"a\":\"\\\\\",\"k\":\"x\"}", "k"), "\\\\ then the quote");
    assertEquals("x", JsonScan.topLevelString("{\"a\":\"\\\"\",\"k\":\"x\"}", "k"), "an escaped quote");
    assertEquals("x", JsonScan.topLevelString(
        "{\"a\":\"\\\\\\\"k\\\":1\",\"k\":\"x\"}", "k"), "\\\\ then an escaped quote");
    assertNull(JsonScan.topLevelString("{\"a\":\"\\\",\"k\":\"x\"}", "k"), "never closed");
    StringBuilder big = new StringBuilder("{\"audio\":\"");
    big.append("QUFB".repeat(10_000)).append("\",\"isFinal\":true}");
    assertTrue(JsonScan.topLevelTrue(big.toString(), "isFinal"));
  }

  @Test
  void aStringMemberIsAddedAfterTheLastMemberEscapedAsJsonRequires() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
    String id = "ctx \"1\" \\ \u0001 ü";
    String out = JsonScan.withStringMember("{\"audio\":\"QUFB\",\"alignment\":{\"chars\":[\"}\"]}} \n",
        "contextId", id);
    assertEquals(id, m.readTree(out).path("contextId").asText(), out);
    assertEquals("QUFB", m.readTree(out).path("audio").asText(), out);
    assertTrue(out.startsWith("{\"audio\":\"QUFB\",\"alignment\":{\"chars\":[\"}\"]},\"contextId\":"), out);
    assertEquals("{ \"k\":\"v\"}", JsonScan.withStringMember("{ }", "k", "v"), "the text before the brace kept");
    assertNull(JsonScan.withStringMember("[1]", "k", "v"));
    assertNull(JsonScan.withStringMember("", "k", "v"));
    assertTrue(JsonScan.hasTopLevel("{\"a\":{\"contextId\":1},\"contextId\":null}", "contextId"));
    assertFalse(JsonScan.hasTopLevel("{\"a\":{\"contextId\":1}}", "contextId"));
  }
}
