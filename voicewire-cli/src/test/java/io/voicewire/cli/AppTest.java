package io.voicewire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The command line: exit codes, messages, and serving for real. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AppTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  CommandLine cli() {
    CommandLine cl = App.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl;
  }

  @Test
  void helpListsTheCommands() {
    assertEquals(0, cli().execute("--help"));
    assertTrue(out.toString().contains("serve"));
    assertTrue(out.toString().contains("demo"));
  }

  @Test
  void noCommandIsAUsageError() {
    assertEquals(2, cli().execute());
    assertTrue(err.toString().startsWith("voicewire: missing command"));
  }

  @Test
  void unknownOptionsAndBackendsAreUsageErrors() {
    assertEquals(2, cli().execute("serve", "--nope"));
    err.getBuffer().setLength(0);
    CommandLine cl = cli();
    ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
    serve.apiKeys = List::of;
    assertEquals(2, cl.execute("serve", "--backend", "cloud", "--port", "0"));
    assertEquals("voicewire: unknown backend 'cloud'; known: local, elevenlabs\n", err.toString());
    err.getBuffer().setLength(0);
    for (String command : List.of("serve", "demo")) { // said before any engine starts
      assertEquals(2, cli().execute(command, "--port", "70000"));
      assertEquals("voicewire: --port 70000 is not a port: use 1-65535, or 0 for any free port\n",
          err.toString());
      err.getBuffer().setLength(0);
    }
  }

  @Test
  void withoutKeysOnlyLoopbackMayBeBound() {
    CommandLine cl = cli();
    ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
    serve.apiKeys = List::of;
    assertEquals(2, cl.execute("serve", "--bind", "0.0.0.0", "--port", "0"));
    assertTrue(err.toString().startsWith("voicewire: refusing to bind 0.0.0.0 without API keys"));
  }

  @Test
  void demoTokensWithKeysAreRefusedOnAPublicBind() {
    CommandLine cl = cli();
    ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
    serve.apiKeys = () -> List.of("a-test-key");
    assertEquals(2, cl.execute("serve", "--bind", "0.0.0.0", "--port", "0", "--demo-tokens"));
    assertTrue(err.toString().startsWith("voicewire: refusing --demo-tokens on 0.0.0.0"),
        err.toString());
  }

  @Test
  @Tag("slow")
  void demoServesOnLoopbackWithDemoTokensUntilStopped() throws Exception {
    CommandLine cl = cli();
    DemoCommand demo = cl.getSubcommands().get("demo").getCommand();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
        () -> cl.execute("demo", "--port", "0"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (demo.runner.boundPort < 0) {
      assertTrue(System.nanoTime() < deadline, "demo did not start: " + err);
      assertTrue(!exit.isDone(), "demo exited: " + err);
      Thread.sleep(50);
    }
    int port = demo.runner.boundPort;
    assertTrue(out.toString().contains("voicewire demo: open http://127.0.0.1:" + port + "/"),
        out.toString());
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/healthz")).timeout(Duration.ofSeconds(10))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode());
    HttpResponse<String> token = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/demo/token/realtime_scribe"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, token.statusCode());
    assertTrue(token.body().contains("\"token\":\"vwt_"));
    demo.runner.stop.countDown();
    assertEquals(0, exit.get(60, TimeUnit.SECONDS));
  }
}
