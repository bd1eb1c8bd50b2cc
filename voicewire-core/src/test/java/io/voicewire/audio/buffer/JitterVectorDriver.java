package io.voicewire.audio.buffer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voicewire.audio.AudioFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.List;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.zip.CRC32;

/**
 * Runs a jitter vector (README §6) against a {@link JitterBuffer} and records what README §7
 * asks for. Single-threaded: the producer and the consumer take turns on one simulated clock.
 */
final class JitterVectorDriver {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The shared vectors, relative to the module directory (the test's working directory). */
  static final Path VECTORS = Path.of("..", "test-vectors", "jitter");

  private JitterVectorDriver() {}

  static JitterBufferConfig config(JsonNode c) {
    return new JitterBufferConfig(AudioFormat.parse(c.get("format").asText()),
        c.get("minDelayMs").asInt(), c.get("maxDelayMs").asInt(), c.get("safetyMs").asInt(),
        c.get("maxBufferedMs").asInt(), OverflowPolicy.valueOf(c.get("overflow").asText()));
  }

  /** Runs {@code vector}; returns {"events": [...], "final": {...}} as in the schema. */
  static ObjectNode run(JsonNode vector,
      BiFunction<JitterBufferConfig, LongSupplier, JitterBuffer> factory) {
    JitterBufferConfig cfg = config(vector.get("config"));
    int bps = cfg.format().frameSize();
    int rate = cfg.format().sampleRate();
    long[] now = {0};
    JitterBuffer buf = factory.apply(cfg, () -> now[0]);

    JsonNode read = vector.get("read");
    long readStart = read.get("startMs").asLong();
    long readPeriod = read.get("periodMs").asLong();
    long readUntil = read.get("untilMs").asLong();
    byte[] out = new byte[read.get("bytes").asInt()];
    long endAt = vector.has("endAtMs") ? vector.get("endAtMs").asLong() : Long.MAX_VALUE;

    TreeSet<Long> times = new TreeSet<>();
    for (long t = readStart; t <= readUntil; t += readPeriod) {
      times.add(t);
    }
    List<long[]> arrivals = new ArrayList<>(); // {t, bytes}
    for (JsonNode a : vector.get("arrivals")) {
      long bytes = a.has("bytes") ? a.get("bytes").asLong()
          : a.get("ms").asLong() * rate / 1000 * bps;
      if (a.has("ms") && a.get("ms").asLong() * rate % 1000 != 0) {
        throw new IllegalArgumentException("arrival ms not a whole number of samples: " + a);
      }
      arrivals.add(new long[] {a.get("t").asLong(), bytes});
      times.add(a.get("t").asLong());
    }
    if (endAt != Long.MAX_VALUE) {
      times.add(endAt);
    }

    ArrayNode events = JSON.createArrayNode();
    ArrayDeque<long[]> pending = new ArrayDeque<>(); // {arrival, bytes, firstSample}
    CRC32 crc = new CRC32();
    long nextSample = 0;
    int nextArrival = 0;
    boolean endCalled = false;
    boolean started = false;
    for (Long tBoxed = times.first(); tBoxed != null; tBoxed = times.higher(tBoxed)) {
      long t = tBoxed;
      now[0] = t;
      // 1. arrivals
      while (nextArrival < arrivals.size() && arrivals.get(nextArrival)[0] == t) {
        long[] a = arrivals.get(nextArrival++);
        pending.add(new long[] {a[0], a[1], nextSample});
        nextSample += a[1] / bps;
      }
      // 2. offers
      while (!pending.isEmpty()) {
        long[] p = pending.peek();
        int targetBefore = buf.targetMillis();
        long overrunsBefore = buf.stats().overruns();
        byte[] chunk = content(p[2], (int) p[1], bps);
        if (!buf.offer(chunk, 0, chunk.length, p[0])) {
          events.add(event(t, "refused"));
          break;
        }
        pending.poll();
        JitterStats after = buf.stats();
        if (after.overruns() > overrunsBefore) {
          events.add(event(t, "drop").put("totalMs", after.droppedMillis()));
        }
        if (buf.targetMillis() != targetBefore) {
          events.add(event(t, "target").put("ms", buf.targetMillis()));
        }
      }
      // 3. end
      if (t >= endAt && !endCalled && pending.isEmpty()) {
        buf.end();
        endCalled = true;
      }
      // 4. read
      if (t >= readStart && t <= readUntil && (t - readStart) % readPeriod == 0) {
        JitterBuffer.State before = buf.state();
        buf.read(out, 0, out.length);
        crc.update(out);
        JitterBuffer.State after = buf.state();
        if (before != after) {
          if (after == JitterBuffer.State.PLAYING) {
            events.add(event(t, started ? "resume" : "start"));
            started = true;
          } else if (after == JitterBuffer.State.BUFFERING) {
            events.add(event(t, "underrun"));
          } else {
            events.add(event(t, "ended"));
          }
        }
      }
    }
    JitterStats s = buf.stats();
    ObjectNode fin = JSON.createObjectNode();
    fin.put("underruns", s.underruns());
    fin.put("overruns", s.overruns());
    fin.put("droppedMs", s.droppedMillis());
    fin.put("underrunMs", s.underrunMillis());
    fin.put("playedMs", s.playedMillis());
    fin.put("bufferedMs", s.bufferedMillis());
    fin.put("targetMs", s.targetMillis());
    fin.put("jitterMs", s.jitterMillis());
    fin.put("state", s.state().name());
    fin.put("outputCrc32", crc.getValue());
    ObjectNode result = JSON.createObjectNode();
    result.set("events", events);
    result.set("final", fin);
    try { // numbers as a parser reads them (IntNode, not LongNode), so results compare equal
      return (ObjectNode) JSON.readTree(JSON.writeValueAsString(result));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static ObjectNode event(long t, String type) {
    ObjectNode e = JSON.createObjectNode();
    e.put("t", t);
    e.put("type", type);
    return e;
  }

  /** README §6 sample content for samples {@code first ..} filling {@code bytes}. */
  static byte[] content(long first, int bytes, int bps) {
    byte[] b = new byte[bytes];
    for (int i = 0; i < bytes / bps; i++) {
      long j = first + i;
      if (bps == 2) {
        int v = (int) ((j * 7) % 32000 + 1);
        b[2 * i] = (byte) v;
        b[2 * i + 1] = (byte) (v >> 8);
      } else {
        b[i] = (byte) (j % 200 + 1);
      }
    }
    return b;
  }
}
