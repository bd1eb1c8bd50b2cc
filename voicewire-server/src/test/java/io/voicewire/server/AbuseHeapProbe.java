package io.voicewire.server;

import io.voicewire.testing.RawWs;
import java.util.Map;

/**
 * Measures the heap one abusive client makes the server hold (issue #10), in the same JVM as a
 * server on the tone engine: the client reads nothing ({@link RawWs}), the heap is measured after
 * full GCs before the abuse and while the socket is still open. Not a test: run by hand from the
 * repository root after {@code mvn -o -q -pl voicewire-server -am test-compile}:
 *
 * <pre>
 * java -Xmx2g -cp "$(cat cp.txt):voicewire-server/target/test-classes:voicewire-server/target/classes" \
 *   io.voicewire.server.AbuseHeapProbe context-id
 * </pre>
 *
 * Cases: {@code context-id} (four messages with a 1 MB {@code context_id}), {@code urgent} (one
 * context id reused 20,000 times, each reuse queuing an urgent {@code isFinal}).
 */
public final class AbuseHeapProbe {
  private AbuseHeapProbe() {}

  public static void main(String[] args) throws Exception {
    String which = args.length > 0 ? args[0] : "context-id";
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (VoicewireServer server = VoicewireServer.create(c -> c.provider(p))) {
      int port = server.start(0);
      String path = "/v1/text-to-speech/" + ToneSpeechProvider.VOICE
          + "/multi-stream-input?output_format=pcm_16000";
      long before = IdleSessionMemoryProbe.usedAfterGc();
      try (RawWs ws = RawWs.connect(port, path, Map.of())) {
        if (which.equals("context-id")) {
          String id = "x".repeat(1_000_000);
          for (int i = 0; i < 4; i++) {
            ws.sendText("{\"text\":\"" + "hello world ".repeat(20) + "\",\"flush\":true,"
                + "\"context_id\":\"" + id + i + "\"}");
          }
        } else {
          String id = "u".repeat(250);
          try {
            for (int i = 0; i < 20_000; i++) {
              ws.sendText("{\"text\":\" \",\"context_id\":\"" + id + "\"}");
              ws.sendText("{\"context_id\":\"" + id + "\",\"close_context\":true}");
            }
          } catch (java.io.IOException cut) {
            System.out.println("the server cut the connection");
          }
        }
        Thread.sleep(2000);
        long during = IdleSessionMemoryProbe.usedAfterGc();
        System.out.printf("%s: heap before %.1f MiB, while the client reads nothing %.1f MiB, "
            + "held %+.1f MiB%n", which, before / 1048576.0, during / 1048576.0,
            (during - before) / 1048576.0);
      }
    } finally {
      p.close();
    }
  }
}
