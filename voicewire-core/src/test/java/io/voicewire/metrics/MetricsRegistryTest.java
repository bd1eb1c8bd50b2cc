package io.voicewire.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsRegistryTest {

  @Test
  void exportsPrometheusTextFormat() {
    MetricsRegistry m = new MetricsRegistry("voicewire", () -> 0);
    m.describe("ttfaMicros", "TTS time to first audio");
    for (int v = 1; v <= 100; v++) {
      m.latency("ttfaMicros").record(v * 1000L);
    }
    m.counter("underruns").add(3);
    AtomicLong sessions = new AtomicLong(7);
    m.gauge("sessionsOpen", sessions::get);
    String text = m.toPrometheus();
    String expected = """
        # HELP voicewire_ttfa_micros TTS time to first audio
        # TYPE voicewire_ttfa_micros summary
        voicewire_ttfa_micros{quantile="0.5"} 50015
        voicewire_ttfa_micros{quantile="0.9"} 90047
        voicewire_ttfa_micros{quantile="0.99"} 99007
        voicewire_ttfa_micros{quantile="0.999"} 100031
        """;
    assertTrue(text.startsWith(expected), text);
    assertTrue(text.contains("voicewire_ttfa_micros_count 100\n"), text);
    assertTrue(text.contains("voicewire_ttfa_micros_max 100031\n"), text);
    assertTrue(text.contains("""
        # HELP voicewire_underruns_total underruns
        # TYPE voicewire_underruns_total counter
        voicewire_underruns_total 3
        """), text);
    assertTrue(text.contains("""
        # TYPE voicewire_sessions_open gauge
        voicewire_sessions_open 7
        """), text);
    double sum = Double.parseDouble(text.lines().filter(l -> l.startsWith("voicewire_ttfa_micros_sum"))
        .findFirst().orElseThrow().split(" ")[1]);
    assertEquals(5_050_000, sum, 5_050_000 * 0.001);
    // every sample line is "name[{labels}] value"
    for (String line : text.split("\n")) {
      assertTrue(line.startsWith("# ") || line.matches("[a-z_]+(\\{quantile=\"[0-9.]+\"})? [-0-9.NaE]+"), line);
    }
  }

  @Test
  void metricsAreSharedByNameAndTypesDoNotClash() {
    MetricsRegistry m = new MetricsRegistry("voicewire", () -> 0);
    assertSame(m.latency("rttMillis"), m.latency("rttMillis"));
    assertSame(m.counter("reconnects"), m.counter("reconnects"));
    assertEquals("metric reconnects already exists with another type",
        assertThrows(IllegalArgumentException.class, () -> m.gauge("reconnects", () -> 1)).getMessage());
    assertEquals("counter reconnects cannot decrease: -1",
        assertThrows(IllegalArgumentException.class, () -> m.counter("reconnects").add(-1)).getMessage());
  }

  @Test
  void emptyLatencyExportsNaNQuantiles() {
    MetricsRegistry m = new MetricsRegistry("vw", () -> 0);
    m.latency("ttfaMicros");
    String text = m.toPrometheus();
    assertTrue(text.contains("vw_ttfa_micros{quantile=\"0.5\"} NaN\n"), text);
    assertTrue(text.contains("vw_ttfa_micros_count 0\n"), text);
  }

  @Test
  void intervalSnapshotsByName() {
    MetricsRegistry m = new MetricsRegistry("vw", () -> 0);
    m.latency("aMillis").record(5);
    m.latency("bMillis").record(7);
    var snaps = m.intervalSnapshots();
    assertEquals(2, snaps.size());
    assertEquals(7, snaps.get("bMillis").max(), 0.01);
    assertEquals(0, m.intervalSnapshots().get("aMillis").count());
    // the export still sees everything since start
    assertTrue(m.toPrometheus().contains("vw_a_millis_count 1\n"));
  }
}
