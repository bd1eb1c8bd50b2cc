package io.voicewire.server.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.voicewire.fuzz.ParserProperty;
import io.voicewire.protocol.Query;
import io.voicewire.protocol.TokenType;
import io.voicewire.server.TokenStore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;

/**
 * Fuzz target: what the server reads from a request line and its headers before any handler
 * runs: the route's path template, the credentials ({@code xi-api-key}, {@code Authorization},
 * a token or key in the query; {@link Auth}) and the {@code Origin} / {@code Host} pair
 * ({@link OriginPolicy}). None of them refuses by throwing: each answers a value. Input: UTF-8
 * lines path, xi-api-key, Authorization, Origin, Host, secure (1 or else), query (the rest).
 */
class HeadersFuzzTest {
  private static final PathTemplate ROUTE =
      new PathTemplate("/v1/text-to-speech/{voice_id}/stream-input");
  private static final Auth AUTH = new Auth(List.of("fuzz-key"),
      new Tokens(TokenStore.inMemory(), Clock.systemUTC(), new SecureRandom(), null),
      new LoginThrottle(Clock.systemUTC(), null));
  private static final OriginPolicy ORIGINS =
      new OriginPolicy(List.of("https://app.example.com", "http://localhost:3000"));

  @FuzzTest
  void request(byte[] data) {
    String[] f = new String(data, StandardCharsets.UTF_8).split("\n", 7);
    String path = f[0];
    String key = f.length > 1 ? f[1] : "";
    String authorization = f.length > 2 ? f[2] : "";
    String origin = f.length > 3 ? f[3] : null;
    String host = f.length > 4 ? f[4] : null;
    boolean secure = f.length > 5 && f[5].equals("1");
    String query = f.length > 6 ? f[6] : "";
    long n = data.length;
    ParserProperty.check(n, () -> ROUTE.match(path));
    HttpFields headers;
    try {
      headers = HttpFields.build().add("xi-api-key", key).add("Authorization", authorization);
    } catch (IllegalArgumentException e) {
      return; // Jetty's HTTP parser never hands such a header over
    }
    ParserProperty.check(n, () -> AUTH.authenticate(headers, Query.parse(query), "token",
        TokenType.TTS_WEBSOCKET, null));
    ParserProperty.check(n, () -> ORIGINS.allows(origin, host, secure));
  }
}
