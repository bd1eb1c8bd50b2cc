package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replicas (in-process servers) sharing single-use tokens and per-key limits through a real
 * {@code redis-server}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SharedStateTest {
  static final String KEY = AuthTest.KEY;
  static final String STT = AuthTest.STT;

  private RedisProcess redis;
  private ToneSpeechProvider provider;
  private final List<ServerFixture> replicas = new ArrayList<>();
  private final List<WsClient> clients = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    redis = RedisProcess.start();
    provider = ToneSpeechProvider.create();
  }

  @AfterEach
  void tearDown() throws Exception {
    clients.forEach(WsClient::close);
    replicas.forEach(ServerFixture::close);
    provider.close();
    redis.close();
  }

  private List<ServerFixture> replicas(int n, Consumer<ServerConfig> more) throws Exception {
    for (int i = 0; i < n; i++) {
      replicas.add(ServerFixture.start(provider, c -> {
        c.apiKeys(List.of(KEY)).redis(redis.url());
        more.accept(c);
      }));
    }
    return replicas;
  }

  private static String mint(ServerFixture f, String type) throws Exception {
    HttpResponse<String> r = f.post("/v1/single-use-token/" + type, "", "xi-api-key", KEY);
    assertEquals(200, r.statusCode(), r.body());
    return ServerFixture.json(r.body()).get("token").asText();
  }

  private JsonNode firstStt(ServerFixture f, String query, Map<String, String> headers)
      throws Exception {
    WsClient c = f.connect(STT + query, headers);
    clients.add(c);
    return c.next();
  }

  @Test
  void aTokenMintedOnOneReplicaIsHonouredOnceOnAnyOther() throws Exception {
    List<ServerFixture> r = replicas(3, c -> { });
    String token = mint(r.get(0), "realtime_scribe");
    assertEquals("session_started",
        firstStt(r.get(2), "&token=" + token, Map.of()).get("message_type").asText());
    for (ServerFixture f : r) {
      JsonNode again = firstStt(f, "&token=" + token, Map.of());
      assertEquals("auth_error", again.get("message_type").asText());
      assertEquals("Invalid single-use token (unknown or already used)",
          again.get("error").asText());
    }
    // a TTS token is refused on STT everywhere, and still works where it belongs
    String tts = mint(r.get(1), "tts_websocket");
    assertEquals("auth_error", firstStt(r.get(0), "&token=" + tts, Map.of())
        .get("message_type").asText());
    WsClient c = r.get(2).connect(LimitsTest.TTS + "?single_use_token=" + tts);
    clients.add(c);
    c.send("{\"text\":\"hi \",\"flush\":true}");
    assertTrue(c.next().has("audio"));
  }

  @Test
  void ofTwentyConcurrentRedemptionsOnThreeReplicasExactlyOneSucceeds() throws Exception {
    List<ServerFixture> r = replicas(3, c -> { });
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      for (int round = 0; round < 3; round++) {
        String token = mint(r.get(round), "realtime_scribe");
        // each round from its own address: its 19 refusals are failed logins, and the failed-login
        // throttle (30 per address, shared by the replicas) must not refuse the next round
        HttpClient from = HttpClient.newBuilder()
            .localAddress(InetAddress.getByName("127.0.1." + (round + 1)))
            .connectTimeout(Duration.ofSeconds(5)).build();
        List<Callable<String>> racers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          ServerFixture f = r.get(i % 3);
          racers.add(() -> {
            WsClient c = WsClient.connect(from, f.ws(STT + "&token=" + token), Map.of(), true);
            clients.add(c);
            return c.next().get("message_type").asText();
          });
        }
        int started = 0;
        for (Future<String> outcome : pool.invokeAll(racers, 30, TimeUnit.SECONDS)) {
          String type = outcome.get(1, TimeUnit.SECONDS);
          if ("session_started".equals(type)) {
            started++;
          } else {
            assertEquals("auth_error", type);
          }
        }
        assertEquals(1, started, "round " + round);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aPerKeyLimitHoldsAcrossReplicasWhereverTheNextSessionLands() throws Exception {
    List<ServerFixture> r = replicas(3, c -> c.limits(Limits.DEFAULTS.toBuilder()
        .maxSessionsPerKey(4).build()));
    List<WsClient> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      WsClient c = r.get(i % 3).connect(STT, Map.of("xi-api-key", KEY));
      clients.add(c);
      assertEquals("session_started", c.next().get("message_type").asText());
      held.add(c);
    }
    for (ServerFixture f : r) {
      WsClient over = f.connect(STT, Map.of("xi-api-key", KEY));
      clients.add(over);
      JsonNode err = over.next();
      assertEquals("resource_exhausted", err.get("message_type").asText());
      assertEquals("This API key is at its limit of 4 concurrent sessions",
          err.get("error").asText());
      assertEquals(1013, over.awaitClose().code());
      HttpResponse<String> http = f.post("/v1/text-to-speech/" + ToneSpeechProvider.VOICE
          + "/stream", "{\"text\":\"x\"}", "xi-api-key", KEY);
      assertEquals(429, http.statusCode());
    }
    // a session that ends gives its slot back, to any replica
    held.get(0).close();
    JsonNode next = awaitStarted(r.get(2));
    assertEquals("session_started", next.get("message_type").asText());
  }

  /** A session start on {@code f}, retried (bounded) while the freed slot is not back yet. */
  private JsonNode awaitStarted(ServerFixture f) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    JsonNode m;
    do {
      m = firstStt(f, "", Map.of("xi-api-key", KEY));
      if ("session_started".equals(m.get("message_type").asText())) {
        return m;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    return m;
  }

  @Test
  void sessionStartsPerMinuteHoldAcrossReplicas() throws Exception {
    List<ServerFixture> r = replicas(2, c -> c.maxSessionStartsPerMinutePerKey(3));
    // stay in one minute of the Redis clock: start right after a minute began, if near its end
    long secondOfMinute = (System.currentTimeMillis() / 1000) % 60;
    if (secondOfMinute > 50) {
      Thread.sleep((61 - secondOfMinute) * 1000);
    }
    for (int i = 0; i < 3; i++) {
      assertEquals("session_started", firstStt(r.get(i % 2), "", Map.of("xi-api-key", KEY))
          .get("message_type").asText());
    }
    for (ServerFixture f : r) {
      JsonNode err = firstStt(f, "", Map.of("xi-api-key", KEY));
      assertEquals("rate_limited", err.get("message_type").asText());
      assertEquals("This API key has started its limit of 3 sessions this minute; try again in "
          + "the next minute", err.get("error").asText());
      HttpResponse<String> http = f.post("/v1/text-to-speech/" + ToneSpeechProvider.VOICE
          + "/stream", "{\"text\":\"x\"}", "xi-api-key", KEY);
      assertEquals(429, http.statusCode());
      assertEquals("rate_limit_exceeded",
          ServerFixture.json(http.body()).get("detail").get("code").asText());
    }
  }

  @Test
  void failedLoginsAndMintBudgetsHoldAcrossReplicas() throws Exception {
    List<ServerFixture> r = replicas(3, c -> { });
    // failed logins from one address, spread over three replicas: 10 each, 30 in all
    HttpClient from = HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0.2"))
        .connectTimeout(Duration.ofSeconds(5)).build();
    for (int i = 0; i < 30; i++) {
      HttpRequest guess = HttpRequest.newBuilder(URI.create(r.get(i % 3).http("/v1/voices")))
          .timeout(Duration.ofSeconds(10)).header("xi-api-key", "guess-" + i).build();
      assertEquals(401, from.send(guess, HttpResponse.BodyHandlers.ofString()).statusCode());
    }
    for (ServerFixture f : r) {
      HttpResponse<String> refused = from.send(HttpRequest.newBuilder(
          URI.create(f.http("/v1/voices"))).timeout(Duration.ofSeconds(10))
          .header("xi-api-key", KEY).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(429, refused.statusCode(), "a replica forgot the other replicas' failures");
      assertTrue(refused.body().contains("MAX_FAILED_LOGINS"), refused.body());
    }
    assertEquals(200, r.get(0).get("/v1/voices", "xi-api-key", KEY).statusCode(),
        "another address is not affected");

    // mints of one key, round robin over the replicas, until the shared bucket says no
    long start = System.nanoTime();
    int minted = 0;
    HttpResponse<String> last;
    while ((last = r.get(minted % 3).post("/v1/single-use-token/realtime_scribe", "",
        "xi-api-key", KEY)).statusCode() == 200 && minted < 400) {
      minted++;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(429, last.statusCode(), last.body());
    assertTrue(last.body().contains("MINTS_PER_SECOND"), last.body());
    // one budget for the key, not one per replica (which would grant 3 × 100 at once)
    assertTrue(minted >= 100 && minted <= 100 + Math.ceil(seconds * 10) + 1,
        minted + " mints granted in " + seconds + " s");
    String metrics = r.get(0).get("/metrics").body();
    assertTrue(metrics.contains("\nvoicewire_redis_auth_fallbacks_total 0.0\n"), metrics);
  }

  @Test
  void whenRedisIsDownTokensFailClosedAndLimitsFallBackToEachReplica() throws Exception {
    List<ServerFixture> r = replicas(2, c -> c.limits(Limits.DEFAULTS.toBuilder()
        .maxSessionsPerKey(2).build()));
    String minted = mint(r.get(0), "realtime_scribe");
    assertTrue(r.get(0).get("/readyz").body().contains("\"redis\":\"up\""));
    redis.stop();

    // tokens: refused, never honoured unchecked
    JsonNode refused = firstStt(r.get(1), "&token=" + minted, Map.of());
    assertEquals("auth_error", refused.get("message_type").asText());
    assertTrue(refused.get("error").asText().contains("token store is unreachable"),
        refused.toString());
    HttpResponse<String> mint = r.get(0).post("/v1/single-use-token/realtime_scribe", "",
        "xi-api-key", KEY);
    assertEquals(503, mint.statusCode());
    assertEquals("token_store_unavailable",
        ServerFixture.json(mint.body()).get("detail").get("code").asText());

    // limits: each replica admits up to its own per-key limit
    for (ServerFixture f : r) {
      for (int i = 0; i < 2; i++) {
        assertEquals("session_started", firstStt(f, "", Map.of("xi-api-key", KEY))
            .get("message_type").asText());
      }
      assertEquals("resource_exhausted", firstStt(f, "", Map.of("xi-api-key", KEY))
          .get("message_type").asText());
    }

    // health: still ready (it serves), Redis reported down in /readyz and the metrics
    HttpResponse<String> ready = r.get(0).get("/readyz");
    assertEquals(200, ready.statusCode());
    assertTrue(ready.body().contains("\"redis\":\"down\""), ready.body());
    String metrics = r.get(0).get("/metrics").body();
    assertTrue(metrics.contains("\nvoicewire_redis_up 0.0\n"), metrics);
    assertTrue(metrics.contains("\nvoicewire_redis_limit_fallbacks_total 2.0\n"), metrics);

    // back: the token minted before the outage is still good, once
    redis.startAgain();
    assertEquals("auth_error", firstStt(r.get(1), "&token=" + minted, Map.of())
        .get("message_type").asText(), "Redis without persistence lost the token: refused");
    String fresh = mint(r.get(1), "realtime_scribe");
    clients.forEach(WsClient::close);
    assertEquals("session_started", firstStt(r.get(0), "&token=" + fresh, Map.of())
        .get("message_type").asText());
    assertTrue(r.get(0).get("/metrics").body().contains("\nvoicewire_redis_up 1.0\n"));
  }
}
