package io.voicewire.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Measures the server's heap per idle realtime STT session: starts a server on the tone engine,
 * lets a separate Node process open N sockets (so client memory is not counted), and compares
 * heap after full GCs before and after. Not a test: run by hand from {@code voicewire-server}:
 *
 * <pre>
 * mvn -q test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.voicewire.server.IdleSessionMemoryProbe -Dexec.args=400
 * </pre>
 */
public final class IdleSessionMemoryProbe {
  private IdleSessionMemoryProbe() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 400;
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (VoicewireServer server = VoicewireServer.create(c -> c.provider(p))) {
      int port = server.start(0);
      long before = usedAfterGc();
      Path module = Path.of("").toAbsolutePath();
      ProcessBuilder pb = new ProcessBuilder("node",
          module.resolve("src/test/js/idle-sessions.cjs").toString(), "ws://127.0.0.1:" + port,
          String.valueOf(n));
      pb.environment().put("NODE_PATH",
          module.resolveSibling("voicewire-web").resolve("node_modules").toString());
      pb.redirectError(ProcessBuilder.Redirect.INHERIT);
      Process node = pb.start();
      BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(),
          StandardCharsets.UTF_8));
      String line = r.readLine();
      if (line == null || !line.startsWith("ready")) {
        throw new IllegalStateException("node did not open the sessions: " + line);
      }
      Thread.sleep(1000);
      long after = usedAfterGc();
      System.out.printf("idle STT sessions: %d, heap before %.1f MiB, after %.1f MiB, "
          + "per session %.1f KiB (server side, including Jetty and the tone engine session)%n",
          n, before / 1048576.0, after / 1048576.0, (after - before) / 1024.0 / n);
      node.getOutputStream().close();
      node.waitFor(10, TimeUnit.SECONDS);
    } finally {
      p.close();
    }
  }

  /** Heap in use after three full GCs. */
  static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
