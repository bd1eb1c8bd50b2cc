package io.voicewire.client;

import io.voicewire.client.internal.FakeSpeech;
import io.voicewire.client.internal.FakeSttPeer;
import io.voicewire.server.RedisProcess;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.Transcript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The scale figure of {@code docs/deploy/README.md}: the same load of realtime STT sessions
 * (coded speech at real time, a manual commit every three words) on one replica reached directly
 * and on three replicas behind HAProxy, all separate JVMs sharing one redis-server. Prints, per
 * setup, the sessions held to the end and the commit latency seen by the client (commit sent →
 * committed transcript received), so the load balancer's added latency shows. The two setups
 * run in {@link #PAIRS} pairs, back to back, and the ratio of each pair is printed.
 *
 * <p>How to run it: {@code docs/deploy/README.md}. Arguments: sessions (60), seconds (20).
 */
public final class ScaleProbe {
  private ScaleProbe() {}

  public static void main(String[] args) throws Exception {
    int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    try (RedisProcess redis = RedisProcess.start();
        Replicas rs = new Replicas(3, List.of(redis.url(), "10", "15", "100000"),
            Map.of("VOICEWIRE_API_KEYS", ScaleOutTest.KEY))) {
      // warm-up (JIT) of every replica through the balancer, not reported
      run(null, rs.baseUrl(), sessions, Math.max(5, seconds / 2));
      // pairs one right after the other, so that the other jobs of a shared machine load both
      // rows of a pair alike: the ratio within a pair is the figure, not the rows' absolute values
      List<Double> p50 = new ArrayList<>();
      List<Double> p90 = new ArrayList<>();
      for (int pair = 1; pair <= PAIRS; pair++) {
        Histogram direct = run("pair " + pair + ": 1 replica, direct", rs.replicaUrl(0),
            sessions, seconds);
        Histogram lb = run("pair " + pair + ": 3 replicas behind HAProxy", rs.baseUrl(),
            sessions, seconds);
        p50.add(lb.getValueAtPercentile(50) / (double) direct.getValueAtPercentile(50));
        p90.add(lb.getValueAtPercentile(90) / (double) direct.getValueAtPercentile(90));
      }
      System.out.printf("HAProxy / direct, per pair: p50 %s, p90 %s%n", ratios(p50),
          ratios(p90));
    }
  }

  /** Pairs of rows (one replica direct, then three behind HAProxy). */
  static final int PAIRS = 3;

  private static String ratios(List<Double> r) {
    return r.stream().map(x -> String.format(java.util.Locale.ROOT, "%.2f", x)).toList()
        .toString();
  }

  static Histogram run(String setup, String url, int sessions, int seconds) throws Exception {
    Recorder latency = new Recorder(3);
    AtomicInteger held = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    try (VoiceClient client = VoiceClient.builder().baseUrl(url).apiKey(ScaleOutTest.KEY)
        .reconnectPolicy(ScaleOutTest.POLICY).build()) {
      ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < sessions; i++) {
        long seed = i;
        runs.add(pool.submit(() -> {
          session(client, seed, seconds, latency, held, failed);
          return null;
        }));
        Thread.sleep(20); // ramp up
      }
      for (Future<?> f : runs) {
        f.get(seconds * 4L + 60, TimeUnit.SECONDS);
      }
      pool.shutdown();
    }
    Histogram h = latency.getIntervalHistogram();
    if (setup == null) {
      return h;
    }
    System.out.printf("%s: %d of %d sessions held to the end (%d failed); commit latency "
        + "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms over %d commits%n", setup,
        held.get(), sessions, failed.get(), h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
        h.getMaxValue() / 1000.0, h.getTotalCount());
    return h;
  }

  private static void session(VoiceClient client, long seed, int seconds, Recorder latency,
      AtomicInteger held, AtomicInteger failed) throws Exception {
    ConcurrentLinkedQueue<Long> sent = new ConcurrentLinkedQueue<>();
    RecordingSttListener l = new RecordingSttListener() {
      @Override
      public void onCommitted(Transcript committed) {
        Long t = sent.poll();
        if (t != null) {
          latency.recordValue(Math.max(0, (System.nanoTime() - t) / 1000));
        }
        super.onCommitted(committed);
      }

      @Override
      public void onFailure(SpeechError error) {
        failed.incrementAndGet();
        super.onFailure(error);
      }
    };
    SttStream s = client.newSttStream(FakeSttPeer.request(false), l);
    List<String> words = SttStreamStateTest.words(1000, seed);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    for (int i = 0; System.nanoTime() < end; i += 3) {
      String seg = String.join(" ", words.subList(i, i + 3)) + " ";
      SttStreamStateTest.send(s, FakeSpeech.say(seg), 5);
      sent.add(System.nanoTime());
      s.commit();
      Thread.sleep((long) seg.length() * FakeSpeech.FRAME_MS);
    }
    s.end();
    l.await(60);
    if (l.failure == null && l.closed) {
      held.incrementAndGet();
    }
  }
}
