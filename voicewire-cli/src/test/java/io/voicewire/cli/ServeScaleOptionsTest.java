package io.voicewire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The scale-out options of {@code serve}: bad values are usage errors with a clear message. */
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
  void aNegativeInboundBudgetIsAUsageError() {
    assertEquals(2, serve().execute("serve", "--port", "0", "--inbound-bytes-per-second-per-key",
        "-1"));
    assertTrue(err.toString().contains("inboundBytesPerSecondPerKey < 0: -1"), err.toString());
    assertEquals(2, serve().execute("serve", "--port", "0", "--inbound-cpu-ms-per-second-per-key",
        "-5"));
    assertTrue(err.toString().contains("inboundCpuPerSecondPerKey < 0: PT-0.005S"),
        err.toString());
  }

  @Test
  void theScaleOptionsAreDocumentedInTheHelp() {
    StringWriter out = new StringWriter();
    CommandLine cl = serve();
    cl.setOut(new PrintWriter(out, true));
    assertEquals(0, cl.execute("serve", "--help"));
    for (String o : List.of("--redis", "--drain-seconds", "--max-sessions-per-key",
        "--max-session-starts-per-minute-per-key", "--lease-seconds", "--metrics-allowed-from",
        "--inbound-bytes-per-second-per-key", "--inbound-cpu-ms-per-second-per-key")) {
      assertTrue(out.toString().contains(o), o);
    }
  }
}
