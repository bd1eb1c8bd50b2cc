package io.voicewire.server;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Starts a server on the tone engine and drives it with {@code src/test/js/stt-load.cjs} in a
 * separate Node process (N realtime STT streams of 20 ms chunks, a commit per second). Prints the
 * client-side commit-to-committed latency percentiles and the server's own metrics. Not a test:
 *
 * <pre>
 * mvn -q test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.voicewire.server.LoadProbe -Dexec.args="400 20"
 * </pre>
 */
public final class LoadProbe {
  private LoadProbe() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 400;
    int secs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (VoicewireServer server = VoicewireServer.create(c -> c.provider(p)
        .limits(Limits.DEFAULTS.toBuilder().maxSessionsPerKey(10_000).build()))) {
      int port = server.start(0);
      Path module = Path.of("").toAbsolutePath();
      ProcessBuilder pb = new ProcessBuilder("node",
          module.resolve("src/test/js/stt-load.cjs").toString(), "ws://127.0.0.1:" + port,
          String.valueOf(n), String.valueOf(secs));
      pb.environment().put("NODE_PATH",
          module.resolveSibling("voicewire-web").resolve("node_modules").toString());
      pb.inheritIO();
      Process node = pb.start();
      node.waitFor(secs + 60, TimeUnit.SECONDS);
      server.metrics().lines().filter(l -> l.startsWith("voicewire_stt_commit_latency")
          || l.startsWith("voicewire_stt_partial_latency")
          || l.startsWith("voicewire_sessions_total{kind=\"stt")).forEach(System.out::println);
    } finally {
      p.close();
    }
  }
}
