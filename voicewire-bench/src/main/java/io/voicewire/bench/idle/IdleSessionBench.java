package io.voicewire.bench.idle;

import io.voicewire.server.VoicewireServer;
import io.voicewire.speech.SpeechProvider;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Heap per idle session on the server: the server runs in this JVM, N idle clients in a child
 * JVM (so their memory is not counted); heap used after full GCs is compared before and after
 * the sessions open. Reports bytes per idle STT session and per idle TTS session.
 */
public final class IdleSessionBench {
  private IdleSessionBench() {}

  /** Runs the benchmark and prints a Markdown table to {@code out}. */
  public static void run(SpeechProvider provider, int n, PrintStream out) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!provider.isReady()) { // models load in the background: measure only after that
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(provider.name() + " not ready after 5 minutes");
      }
      Thread.sleep(200);
    }
    try (VoicewireServer server = VoicewireServer.create(c -> c.provider(provider))) {
      int port = server.start(0);
      out.printf(Locale.ROOT, "| session kind | sessions | heap before (MiB) | heap after (MiB)"
          + " | bytes per idle session |%n|---|---|---|---|---|%n");
      for (String kind : List.of("stt", "tts")) {
        String url = kind.equals("stt")
            ? "ws://127.0.0.1:" + port + "/v1/speech-to-text/realtime?model_id=scribe_v2_realtime"
            : "ws://127.0.0.1:" + port + "/v1/text-to-speech/" + firstVoice(provider)
                + "/stream-input?model_id=eleven_flash_v2_5&inactivity_timeout=180";
        long before = settledHeap();
        Process child = startChild(url, n, kind);
        BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
            StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null || !line.startsWith("READY")) {
          child.destroyForcibly();
          throw new IllegalStateException("idle clients failed: " + line);
        }
        int ready = Integer.parseInt(line.substring(6).trim());
        Thread.sleep(1000);
        long after = settledHeap();
        child.getOutputStream().close();
        child.waitFor(30, TimeUnit.SECONDS);
        child.destroyForcibly();
        out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %d |%n", kind, ready,
            before / 1048576.0, after / 1048576.0, ready == 0 ? 0 : (after - before) / ready);
        Thread.sleep(2000); // let the server close the sessions
      }
    }
  }

  private static String firstVoice(SpeechProvider p) {
    return p.voices().isEmpty() ? "voice" : p.voices().get(0).voiceId();
  }

  private static Process startChild(String url, int n, String kind) throws Exception {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx512m", "-cp",
        System.getProperty("java.class.path"), IdleClients.class.getName(), url,
        Integer.toString(n), kind));
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static long settledHeap() throws InterruptedException {
    MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(200);
      best = Math.min(best, mx.getHeapMemoryUsage().getUsed());
    }
    return best;
  }
}
