package io.voicewire.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The same operations as the JMH benchmarks, timed by the thread's CPU time instead of the wall
 * clock, so the numbers stay meaningful on a machine shared with other work (JMH's wall-clock
 * scores then include time the thread was not running). Not a replacement for JMH: no forks, a
 * plain warm-up loop, one thread.
 *
 * <pre>
 * java -cp voicewire-bench/target/benchmarks.jar io.voicewire.bench.CpuTimeReport
 * </pre>
 */
public final class CpuTimeReport {
  private static final int WARMUP = 30_000;
  private static final int ROUNDS = 5;
  private static final int OPS = 20_000;

  private CpuTimeReport() {}

  public static void main(String[] args) {
    Map<String, LongSupplier> ops = new LinkedHashMap<>();
    for (String rates : new String[] {"16000:48000", "48000:16000", "44100:16000"}) {
      ResamplerBench r = new ResamplerBench();
      r.rates = rates;
      r.setup();
      ops.put("ResamplerBench.chunk20ms " + rates, r::chunk20ms);
      ResamplerBench ra = new ResamplerBench();
      ra.rates = rates;
      ra.setup();
      ops.put("ResamplerBench.chunk20msAllocating " + rates, () -> ra.chunk20msAllocating().length);
    }
    CodecBench c = new CodecBench();
    c.setup();
    ops.put("CodecBench.ulawEncode20ms", () -> c.ulawEncode20ms().length);
    ops.put("CodecBench.alawEncode20ms", () -> c.alawEncode20ms().length);
    ops.put("CodecBench.ulawDecode20ms", () -> c.ulawDecode20ms().length);
    ops.put("CodecBench.convertPcm48kToUlaw8k20ms", () -> c.convertPcm48kToUlaw8k20ms().length);
    StreamBench s = new StreamBench();
    s.setup();
    ops.put("StreamBench.jitterOfferAndRead20ms", s::jitterOfferAndRead20ms);
    ops.put("StreamBench.vad20ms", () -> s.vad20ms().size());

    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    System.out.printf(Locale.ROOT, "%-48s %14s %14s%n", "operation (per 20 ms chunk)", "cpu ns (min)",
        "streams/core");
    long sink = 0;
    for (Map.Entry<String, LongSupplier> e : ops.entrySet()) {
      LongSupplier op = e.getValue();
      for (int i = 0; i < WARMUP; i++) {
        sink += op.getAsLong();
      }
      double best = Double.MAX_VALUE;
      for (int round = 0; round < ROUNDS; round++) {
        long t0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < OPS; i++) {
          sink += op.getAsLong();
        }
        best = Math.min(best, (mx.getCurrentThreadCpuTime() - t0) / (double) OPS);
      }
      System.out.printf(Locale.ROOT, "%-48s %14.0f %14.0f%n", e.getKey(), best, 20e6 / best);
    }
    System.out.println("(checksum " + sink + ")");
  }
}
