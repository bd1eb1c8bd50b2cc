package io.voicewire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.testing.EchoSpeechProvider;
import io.voicewire.server.VoicewireServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code voicewire doctor} against a real server on port 0: one line per check, fixes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DoctorTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @TempDir
  Path dir;

  int doctor(Path chromium, String... args) {
    CommandLine cl = App.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    DoctorCommand d = cl.getSubcommands().get("doctor").getCommand();
    d.chromium = chromium;
    d.target.env = Map.<String, String>of()::get;
    String[] all = new String[args.length + 2];
    all[0] = "doctor";
    all[1] = "--no-engine";
    System.arraycopy(args, 0, all, 2, args.length);
    return cl.execute(all);
  }

  String line(String check) {
    return out.toString().lines().filter(l -> l.substring(6).startsWith(check)).findFirst()
        .orElseThrow(() -> new AssertionError("no line for " + check + ":\n" + out));
  }

  @Test
  void checksAServerItsKeyAndProtocolWithAFixForEachFailure() throws Exception {
    Path chromium = dir.resolve("chromium");
    Files.writeString(chromium, "#!/bin/sh\necho 'Chromium 130.0.6723.116 built on Debian'\n");
    Files.setPosixFilePermissions(chromium, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (EchoSpeechProvider p = new EchoSpeechProvider();
        VoicewireServer s = VoicewireServer.create(c -> c.provider(p).apiKeys(List.of("k1")))) {
      int port = s.start(0);
      String url = "http://127.0.0.1:" + port;
      assertEquals(0, doctor(chromium, "--server", url, "--api-key", "k1", "--port",
          String.valueOf(port)), out + "\n" + err);
      assertEquals(7, out.toString().lines().count(), "one line per check:\n" + out);
      assertTrue(line("JDK").startsWith("ok    JDK        Java " + Runtime.version()),
          out.toString());
      assertTrue(line("engine").startsWith("skip  engine     --no-engine"), out.toString());
      assertTrue(line("server").startsWith("ok    server     " + url + " answers (HTTP 401"),
          out.toString());
      assertTrue(line("API key").startsWith("ok    API key    accepted: 1 models listed"),
          out.toString());
      assertTrue(line("protocol").startsWith("ok    protocol   ElevenLabs realtime STT over "
          + "WebSocket: session_started in "), out.toString());
      assertTrue(line("port").startsWith("ok    " + String.format("%-10s ", "port " + port) + port
          + " is in use by the server checked above"), out.toString());
      assertTrue(line("chromium").startsWith("ok    chromium   Chromium 130.0.6723.116 built on "
          + "Debian at " + chromium), out.toString());

      out.getBuffer().setLength(0);
      assertEquals(1, doctor(dir.resolve("no-chromium"), "--server", url, "--api-key", "wrong",
          "--port", "0"));
      assertTrue(line("API key").startsWith("FAIL  API key    rejected (HTTP 401) — fix: use a "
          + "key the server knows (its VOICEWIRE_API_KEYS), in $VOICEWIRE_API_KEY or --api-key"),
          out.toString());
      assertTrue(line("protocol").startsWith("FAIL  protocol   no realtime STT session: "),
          out.toString());
      assertTrue(line("chromium").startsWith("FAIL  chromium   not found at "
          + dir.resolve("no-chromium") + " (the browser tests need it) — fix: sudo apt-get "
          + "install chromium"), out.toString());

      out.getBuffer().setLength(0);
      assertEquals(1, doctor(chromium, "--server", url, "--port", "0"));
      assertTrue(line("API key").startsWith("FAIL  API key    the server needs a key (HTTP 401)"
          + " — fix: set $VOICEWIRE_API_KEY (or --api-key)"), out.toString());
    }
    out.getBuffer().setLength(0);
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      int port = free.getLocalPort();
      free.close(); // a port nothing listens on
      assertEquals(1, doctor(chromium, "--port", String.valueOf(port)));
      assertTrue(line("server").startsWith("FAIL  server     nothing answers at http://127.0.0.1:"
          + port + " ("), out.toString());
      assertTrue(line("server").contains("— fix: start one: ./voicewire serve --port " + port
          + "; or pass --server URL"), out.toString());
      assertTrue(line("API key").startsWith("skip  API key    the server is not reachable"),
          out.toString());
      assertTrue(line("port").startsWith(String.format("ok    %-10s %d is free", "port " + port,
          port)), out.toString());
    }
  }
}
