package io.voicewire.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.protocol.TokenType;
import io.voicewire.server.SingleUseToken;
import io.voicewire.server.TokenStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tier (a): the server's small codecs and policies on in-memory values. */
class CodecTest {

  @Test
  void multipartPartsWithFilesAndFields() {
    String body = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"model_id\"\r\n\r\n"
        + "scribe_v1\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; "
        + "filename=\"a b.wav\"\r\nContent-Type: audio/wav\r\n\r\n\u0000\u0001\r\n--XyZ\r\n"
        + "Content-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n--XyZ--\r\n";
    List<Multipart.Part> parts = Multipart.parse(body.getBytes(StandardCharsets.ISO_8859_1),
        "XyZ");
    assertEquals(3, parts.size());
    assertEquals("model_id", parts.get(0).name());
    assertEquals("scribe_v1", parts.get(0).text());
    assertNull(parts.get(0).filename());
    assertEquals("a b.wav", parts.get(1).filename());
    assertEquals("audio/wav", parts.get(1).contentType());
    assertArrayEquals(new byte[] {0, 1}, parts.get(1).data());
    assertEquals("", parts.get(2).text());
  }

  @Test
  void multipartBoundaryAndErrors() {
    assertEquals("abc", Multipart.boundary("multipart/form-data; boundary=abc"));
    assertEquals("a c", Multipart.boundary("Multipart/Form-Data; charset=x; BOUNDARY=\"a c\""));
    assertNull(Multipart.boundary("application/json"));
    assertNull(Multipart.boundary("multipart/form-data"));
    assertEquals("multipart body has no boundary line", assertThrows(
        IllegalArgumentException.class, () -> Multipart.parse(new byte[10], "b")).getMessage());
    assertEquals("multipart body is not terminated", assertThrows(IllegalArgumentException.class,
        () -> Multipart.parse("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nopen"
            .getBytes(StandardCharsets.US_ASCII), "b")).getMessage());
    assertEquals("multipart part without a name", assertThrows(IllegalArgumentException.class,
        () -> Multipart.parse("--b\r\nX: y\r\n\r\nv\r\n--b--".getBytes(StandardCharsets.US_ASCII),
            "b")).getMessage());
  }

  @Test
  void wavSniffing() {
    assertTrue(BatchStt.looksLikeWav("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.US_ASCII)));
    assertFalse(BatchStt.looksLikeWav("RIFFxxxxAVI ".getBytes(StandardCharsets.US_ASCII)));
    assertFalse(BatchStt.looksLikeWav(new byte[3]));
  }

  @Test
  void originPolicy() {
    OriginPolicy same = new OriginPolicy(List.of());
    assertTrue(same.allows(null, "h:1", false));
    assertTrue(same.allows("http://h:1", "h:1", false));
    assertTrue(same.allows("https://h", "h", true));
    assertTrue(same.allows("http://H", "h:80", false));
    assertFalse(same.allows("http://h:2", "h:1", false));
    assertFalse(same.allows("null", "h:1", false));
    assertFalse(same.allows("not a url", "h:1", false));
    OriginPolicy list = new OriginPolicy(List.of("https://app.example.com"));
    assertTrue(list.allows("https://app.example.com:443", "other:9", false));
    assertFalse(list.allows("https://evil.example.com", "other:9", false));
    assertTrue(new OriginPolicy(List.of("*")).allows("null", "x", false));
  }

  @Test
  void pathTemplates() {
    PathTemplate t = new PathTemplate("/v1/text-to-speech/{voice_id}/stream");
    assertEquals(Map.of("voice_id", "abc"), t.match("/v1/text-to-speech/abc/stream"));
    assertNull(t.match("/v1/text-to-speech//stream"));
    assertNull(t.match("/v1/text-to-speech/abc/stream/with-timestamps"));
    assertNull(t.match("/v1/text-to-speech/abc"));
    assertEquals(Map.of(), new PathTemplate("/healthz").match("/healthz"));
  }

  @Test
  void staticPathsResolveSafely() {
    StaticFiles s = new StaticFiles("web/", getClass().getClassLoader());
    assertEquals("web/index.html", s.resolve("/", "/"));
    assertEquals("web/a/b.js", s.resolve("/a/b.js", "/a/b.js"));
    for (String[] bad : new String[][] {{"/../x", "/../x"}, {"/a/./b", "/a/./b"},
        {"/a//b", "/a//b"}, {"/a/", "/a/"}, {"/a\\b", "/a%5cb"}, {"/../x", "/%2e%2e/x"},
        {"/a/b", "/a%2fb"}}) {
      assertNull(s.resolve(bad[0], bad[1]), bad[1]);
    }
    assertEquals("text/javascript; charset=utf-8", StaticFiles.contentType("x.mjs"));
    assertEquals("application/octet-stream", StaticFiles.contentType("x.unknown"));
  }

  @Test
  void inMemoryTokenStoreIsSingleUseTypedAndBounded() {
    InMemoryTokenStore store = new InMemoryTokenStore(2);
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    SingleUseToken g = new SingleUseToken(TokenType.REALTIME_SCRIBE, "key-1",
        now.plusSeconds(900));
    assertTrue(store.save("h1", g));
    assertEquals(TokenStore.Redemption.Status.WRONG_TYPE,
        store.redeem("h1", TokenType.TTS_WEBSOCKET, now).status());
    assertEquals(TokenStore.Redemption.Status.ACCEPTED,
        store.redeem("h1", TokenType.REALTIME_SCRIBE, now).status());
    assertEquals(TokenStore.Redemption.Status.UNKNOWN,
        store.redeem("h1", TokenType.REALTIME_SCRIBE, now).status());
    assertTrue(store.save("h2", g));
    assertEquals(TokenStore.Redemption.Status.EXPIRED,
        store.redeem("h2", TokenType.REALTIME_SCRIBE, now.plusSeconds(900)).status());
    assertTrue(store.save("h3", new SingleUseToken(TokenType.BATCH_SCRIBE, "k",
        Instant.now().plusSeconds(60))));
    assertTrue(store.save("h4", new SingleUseToken(TokenType.BATCH_SCRIBE, "k",
        Instant.now().plusSeconds(60))));
    assertFalse(store.save("h5", new SingleUseToken(TokenType.BATCH_SCRIBE, "k",
        Instant.now().plusSeconds(60))), "full of unexpired tokens");
  }

  @Test
  void sessionLimiterCountsTotalAndPerKeyAndReleasesOnce() {
    SessionLimiter l = new SessionLimiter(3, 2);
    String[] why = new String[1];
    SessionLimiter.Permit a = l.tryAcquire("k", why);
    SessionLimiter.Permit b = l.tryAcquire("k", why);
    assertNull(l.tryAcquire("k", why));
    assertEquals("This API key is at its limit of 2 concurrent sessions", why[0]);
    SessionLimiter.Permit c = l.tryAcquire("j", why);
    assertNull(l.tryAcquire("i", why));
    assertTrue(why[0].startsWith("The server is at its limit of 3"));
    a.release();
    a.release();
    assertEquals(2, l.total());
    assertTrue(l.tryAcquire("k", why) != null);
    b.release();
    c.release();
  }

  @Test
  void closeReasonsAreCutTo123Bytes() {
    assertEquals("short", ClientText.closeReason("short"));
    assertNull(ClientText.closeReason(null));
    String cut = ClientText.closeReason("é".repeat(100));
    assertTrue(cut.getBytes(StandardCharsets.UTF_8).length <= 123);
    assertTrue(cut.endsWith("..."));
    assertEquals("é".repeat(60) + "...", cut); // 120 bytes of whole characters, then "..."
    String exact = "a".repeat(123);
    assertEquals(exact, ClientText.closeReason(exact));
    String emoji = ClientText.closeReason("x" + "\uD83D\uDE00".repeat(40)); // 4-byte characters
    assertEquals("x" + "\uD83D\uDE00".repeat(29) + "...", emoji); // no surrogate pair split
  }

  @Test
  void logMessagesNeverCarryQuotedInputOrTokens() {
    assertEquals("malformed JSON: Unrecognized token '<redacted>': was expecting a value",
        Redact.forLog("malformed JSON: Unrecognized token 'sk_live_abcdefghijklmnopqrstuvwx': was "
            + "expecting a value"));
    assertEquals("token <redacted> used", Redact.forLog("token vwt_AbC-123_xyz used"));
    assertEquals("field 'text' must be a string", Redact.forLog("field 'text' must be a string"));
    assertEquals(203, Redact.forLog("x".repeat(500)).length());
  }
}
