package io.voicewire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.server.Limits;
import io.voicewire.testing.EchoSpeechProvider;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * The scale-out and limit options of {@code serve}: bad values are usage errors with a clear
 * message, and a limit set by name reaches the running server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServeScaleOptionsTest {
  final StringWriter err = new StringWriter();

  CommandLine serve() {
    CommandLine cl = new CommandLine(new App());
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
    serve.apiKeys = List::of;
    serve.backends = name -> io.voicewire.engine.local.LocalSpeechProvider.create();
    return cl;
  }

  @Test
  void aBadRedisUrlIsAUsageError() {
    assertEquals(2, serve().execute("serve", "--port", "0", "--redis", "http://cache:6379"));
    assertTrue(err.toString().contains("Redis URL must look like redis://host:port[/db]"),
        err.toString());
  }

  @Test
  void aNegativeDrainIsAUsageError() {
    assertEquals(2, serve().execute("serve", "--port", "0", "--drain-seconds", "-1"));
    assertTrue(err.toString().contains("--drain-seconds must be >= 0: -1"), err.toString());
  }

  @Test
  void aBadMetricsAddressIsAUsageError() {
    assertEquals(2, serve().execute("serve", "--port", "0", "--metrics-allowed-from",
        "monitoring.internal"));
    assertTrue(err.toString().contains("not an IP address or CIDR block: monitoring.internal"),
        err.toString());
  }

  @Test
  void aLimitOutOfItsRangeIsAUsageErrorNamingIt() {
    assertEquals(2, serve().execute("serve", "--port", "0", "--limit",
        "inboundBytesPerSecondPerKey=-1"));
    assertTrue(err.toString().contains("inboundBytesPerSecondPerKey < 0: -1"), err.toString());
    assertEquals(2, serve().execute("serve", "--port", "0", "--limit",
        "inboundCpuPerSecondPerKey=-5ms"));
    assertTrue(err.toString().contains("inboundCpuPerSecondPerKey < 0: PT-0.005S"),
        err.toString());
  }

  @Test
  void anUnknownLimitOrABadValueIsAUsageErrorThatSaysWhatIsAllowed() {
    assertEquals(2, serve().execute("serve", "--port", "0", "--limit", "maxSesions=5"));
    assertTrue(err.toString().contains("no limit named 'maxSesions'; the limits and their "
        + "defaults: maxSessions=2000, maxSessionsPerKey=1000,"), err.toString());
    assertTrue(err.toString().contains("idleTimeout=300s"), err.toString());
    assertEquals(2, serve().execute("serve", "--port", "0", "--limit", "idleTimeout=soon"));
    assertTrue(err.toString().contains("limit idleTimeout=soon: not a duration (e.g. 500ms"),
        err.toString());
    assertEquals(2, serve().execute("serve", "--port", "0", "--limit", "maxSessions=3000000000"));
    assertTrue(err.toString().contains("not a whole number up to 2147483647"), err.toString());
  }

  @Test
  void everyLimitIsSettableByNameAndTheFlagWinsOverTheEnvironment() {
    LimitOptions o = new LimitOptions();
    o.limits.put("maxSessions", "7");
    o.limits.put("maxUploadBytes", "16MiB");
    Limits l = o.limits(Map.of(LimitOptions.ENV,
        "maxSessions=9, idleTimeout=2m,sttResumeGrace=0,minCommitInterval=250ms")::get);
    assertEquals(7, l.maxSessions());
    assertEquals(16L << 20, l.maxUploadBytes());
    assertEquals(Duration.ofMinutes(2), l.idleTimeout());
    assertEquals(Duration.ZERO, l.sttResumeGrace());
    assertEquals(Duration.ofMillis(250), l.minCommitInterval());
    assertEquals(Limits.DEFAULTS.maxSessionsPerKey(), l.maxSessionsPerKey());
    assertEquals(Limits.DEFAULTS, new LimitOptions().limits(name -> null));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> new LimitOptions().limits(Map.of(LimitOptions.ENV, "maxSessions")::get));
    assertEquals("VOICEWIRE_LIMITS: 'maxSessions' is not NAME=VALUE", bad.getMessage());
    // each limit, set to its own default by name, gives the defaults back: every field has a
    // setter of its type, and the text of every default parses
    for (String setting : LimitOptions.names().split(", ")) {
      LimitOptions one = new LimitOptions();
      String[] nv = setting.split("=");
      one.limits.put(nv[0], nv[1]);
      assertEquals(Limits.DEFAULTS, one.limits(name -> null), setting);
    }
  }

  @Test
  void aLimitReachesTheRunningServer() throws Exception {
    CommandLine cl = serve();
    ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
    serve.backends = name -> new EchoSpeechProvider();
    serve.env = Map.of(LimitOptions.ENV, "maxRequestBodyBytes=64KiB")::get;
    Thread t = Thread.ofVirtual().start(() -> cl.execute("serve", "--port", "0",
        "--limit", "maxRequestBodyBytes=1KiB"));
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (serve.boundPort < 0) {
        assertTrue(System.nanoTime() < deadline && t.isAlive(), "serve did not start: " + err);
        Thread.sleep(20);
      }
      String url = "http://127.0.0.1:" + serve.boundPort + "/v1/text-to-speech/v/stream";
      assertEquals(413, post(url, "{\"text\":\"" + "a".repeat(2048) + "\"}"));
      assertNotEquals(413, post(url, "{\"text\":\"" + "a".repeat(512) + "\"}"));
    } finally {
      serve.stop.countDown();
      t.join(30_000);
    }
    assertFalse(t.isAlive(), "serve stopped");
  }

  private static int post(String url, String body) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(HttpRequest.newBuilder(URI.create(url))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(10))
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
  }
  @Test
  void theScaleOptionsAreDocumentedInTheHelp() {
    StringWriter out = new StringWriter();
    CommandLine cl = serve();
    cl.setOut(new PrintWriter(out, true));
    assertEquals(0, cl.execute("serve", "--help"));
    for (String o : List.of("--redis", "--drain-seconds", "--limit", "maxSessionsPerKey=100",
        "--max-session-starts-per-minute-per-key", "--lease-seconds", "--metrics-allowed-from",
        "$VOICEWIRE_LIMITS")) {
      assertTrue(out.toString().contains(o), o);
    }
  }
}
