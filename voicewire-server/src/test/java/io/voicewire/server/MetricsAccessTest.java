package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Who may read {@code /metrics} ({@link ServerConfig#metricsAllowedFrom}). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsAccessTest {

  @Test
  void metricsAreServedOnlyToTheAllowedAddresses() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (ServerFixture anyone = ServerFixture.start(p);
        ServerFixture loopback = ServerFixture.start(p,
            c -> c.metricsAllowedFrom(List.of("10.0.0.0/8", "127.0.0.0/30")));
        ServerFixture elsewhere = ServerFixture.start(p,
            c -> c.metricsAllowedFrom(List.of("10.1.2.3", "fd00::/8")));
        ServerFixture off = ServerFixture.start(p, c -> c.metricsAllowedFrom(List.of()))) {
      String body = anyone.get("/metrics").body();
      assertTrue(body.contains("\nvoicewire_draining 0.0\n"), body);
      assertTrue(body.contains("\nvoicewire_redis_configured 0.0\n"), body);
      assertEquals(200, loopback.get("/metrics").statusCode());
      assertEquals(404, elsewhere.get("/metrics").statusCode());
      assertEquals(404, off.get("/metrics").statusCode());
      assertEquals(200, off.get("/readyz").statusCode());
    } finally {
      p.close();
    }
  }

  @Test
  void badEntriesAreRefusedWithTheirName() {
    assertEquals("not an IP address or CIDR block: example.com",
        assertThrows(IllegalArgumentException.class, () -> VoicewireServer.create(c -> c
            .metricsAllowedFrom(List.of("example.com")))).getMessage());
    assertEquals("not an IP address or CIDR block: 10.0.0.0/33",
        assertThrows(IllegalArgumentException.class, () -> VoicewireServer.create(c -> c
            .metricsAllowedFrom(List.of("10.0.0.0/33")))).getMessage());
  }
}
