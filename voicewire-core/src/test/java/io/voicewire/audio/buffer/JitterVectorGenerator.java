package io.voicewire.audio.buffer;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the vectors of {@code test-vectors/jitter}: the scenario (config, reads, arrival trace,
 * end) is built here, the expected results come from {@link ReferenceJitterModel} (the plain
 * transcription of the README). Run by hand after a change to the README's algorithm:
 *
 * <pre>
 * java -cp voicewire-core/target/test-classes:voicewire-core/target/classes:$(jackson jars) \
 *     io.voicewire.audio.buffer.JitterVectorGenerator test-vectors/jitter
 * </pre>
 *
 * <p>Then review the diff of the JSON files: every change of an expected event must be explained
 * by the change of the algorithm.
 */
final class JitterVectorGenerator {
  private JitterVectorGenerator() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "test-vectors/jitter");
    StringBuilder table = new StringBuilder();
    for (ObjectNode v : vectors()) {
      ObjectNode expect = JitterVectorDriver.run(v, ReferenceJitterModel::new);
      v.set("expect", expect);
      String name = v.get("name").asText();
      Files.writeString(dir.resolve(name + ".json"), write(v));
      table.append("| `").append(name).append(".json` | ").append(v.get("description").asText())
          .append(" |\n");
    }
    System.out.print(table);
  }

  /** Pretty JSON with one event or arrival per line. */
  static String write(ObjectNode v) throws IOException {
    String s = JitterVectorDriver.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(v);
    // compact the small objects ({"t":..,"ms":..}) onto one line each
    s = s.replaceAll("\\{\\s*\\n\\s*(\"t\" : [^\\n]*)\\n\\s*\\}", "{$1}");
    s = s.replaceAll("\\{\\s*\\n\\s*(\"t\" : [^\\n]*),\\n\\s*(\"[a-zA-Z]+\" : [^\\n]*)\\n\\s*\\}", "{$1, $2}");
    s = s.replaceAll("\\{\\s*\\n\\s*(\"t\" : [^\\n]*),\\n\\s*(\"[a-zA-Z]+\" : [^\\n]*),\\n\\s*(\"[a-zA-Z]+\" : [^\\n]*)\\n\\s*\\}", "{$1, $2, $3}");
    return s.replace("\r\n", "\n") + "\n";
  }

  static ObjectNode vector(String name, String description, String format, int min, int max,
      int safety, int maxBuffered, String overflow, int readStart, int readPeriod, int readBytes,
      int readUntil) {
    ObjectNode v = JitterVectorDriver.JSON.createObjectNode();
    v.put("name", name);
    v.put("description", description);
    ObjectNode c = v.putObject("config");
    c.put("format", format);
    c.put("minDelayMs", min);
    c.put("maxDelayMs", max);
    c.put("safetyMs", safety);
    c.put("maxBufferedMs", maxBuffered);
    c.put("overflow", overflow);
    ObjectNode r = v.putObject("read");
    r.put("startMs", readStart);
    r.put("periodMs", readPeriod);
    r.put("bytes", readBytes);
    r.put("untilMs", readUntil);
    v.putArray("arrivals");
    return v;
  }

  static void arrive(ObjectNode v, long t, int ms) {
    ((ArrayNode) v.get("arrivals")).addObject().put("t", t).put("ms", ms);
  }

  static void arriveBytes(ObjectNode v, long t, int bytes) {
    ((ArrayNode) v.get("arrivals")).addObject().put("t", t).put("bytes", bytes);
  }

  /** Deterministic pseudo-random delays (a 31-bit LCG), so the JSON holds plain numbers. */
  static final class Lcg {
    private long s;

    Lcg(long seed) {
      s = seed;
    }

    int next(int bound) {
      s = (s * 1103515245L + 12345L) & 0x7FFFFFFFL;
      return (int) (s % bound);
    }
  }

  static java.util.List<ObjectNode> vectors() {
    java.util.List<ObjectNode> out = new java.util.ArrayList<>();

    ObjectNode v = vector("steady", "20 ms chunks exactly every 20 ms: pre-roll to the 60 ms "
        + "minimum, no underrun, end drains", "pcm_16000", 60, 400, 20, 3000, "BACKPRESSURE",
        0, 10, 320, 2200);
    for (int t = 0; t < 2000; t += 20) {
      arrive(v, t, 20);
    }
    v.put("endAtMs", 2000);
    out.add(v);

    v = vector("bursty", "100 ms of audio arriving as a burst of five 20 ms chunks every 100 ms: "
        + "jitter 80 ms, target 100 ms", "pcm_16000", 60, 400, 20, 3000, "BACKPRESSURE",
        0, 10, 320, 2300);
    for (int t = 0; t < 2000; t += 100) {
      for (int i = 0; i < 5; i++) {
        arrive(v, t, 20);
      }
    }
    v.put("endAtMs", 2000);
    out.add(v);

    v = vector("late-start", "the output runs from 0 but audio starts at 500 ms: the pre-roll "
        + "silence is not an underrun", "pcm_16000", 60, 400, 20, 3000, "BACKPRESSURE",
        0, 20, 640, 1700);
    for (int t = 500; t < 1500; t += 20) {
      arrive(v, t, 20);
    }
    v.put("endAtMs", 1500);
    out.add(v);

    v = vector("long-gap", "1 s of audio, a 1.5 s pause, 1 s more: one underrun; the pause is "
        + "not counted as jitter (the window restarts)", "pcm_16000", 60, 400, 20, 3000,
        "BACKPRESSURE", 0, 10, 320, 3700);
    for (int t = 0; t < 1000; t += 20) {
      arrive(v, t, 20);
    }
    for (int t = 2500; t < 3500; t += 20) {
      arrive(v, t, 20);
    }
    v.put("endAtMs", 3500);
    out.add(v);

    v = vector("slow-network", "20 ms chunks every 22 ms (91 % of real time): transit grows "
        + "2 ms per chunk, the target climbs with it (to ~270 ms, the rise the window holds), "
        + "underruns come further apart", "pcm_16000", 60,
        400, 20, 3000, "BACKPRESSURE", 0, 10, 320, 6000);
    for (int i = 0; i < 260; i++) {
      arrive(v, i * 22L, 20);
    }
    v.put("endAtMs", 5800);
    out.add(v);

    v = vector("overload-drop-oldest", "live audio at twice real time into a 500 ms bound with "
        + "DROP_OLDEST: the oldest audio is dropped, latency stays bounded", "pcm_16000", 60,
        400, 20, 500, "DROP_OLDEST", 0, 20, 640, 2500);
    for (int t = 0; t < 2000; t += 50) {
      arrive(v, t, 100);
    }
    v.put("endAtMs", 2000);
    out.add(v);

    v = vector("overload-backpressure", "TTS: 4 s of audio generated in 0.4 s into a 1 s bound "
        + "with BACKPRESSURE: offers are refused and retried, nothing is lost, no underrun",
        "pcm_24000", 60, 400, 20, 1000, "BACKPRESSURE", 0, 20, 960, 4600);
    for (int i = 0; i < 40; i++) {
      arrive(v, i * 10L, 100);
    }
    v.put("endAtMs", 400);
    out.add(v);

    v = vector("jitter-growth", "20 ms chunks whose network delay grows from 0 to 0–40 ms to "
        + "0–150 ms: the target follows the jitter", "pcm_16000", 60, 400, 20, 3000,
        "BACKPRESSURE", 0, 10, 320, 3400);
    Lcg rnd = new Lcg(7);
    long last = 0;
    for (int i = 0; i < 150; i++) {
      long nominal = i * 20L;
      int delay = nominal < 1000 ? 0 : nominal < 2000 ? rnd.next(41) : rnd.next(151);
      last = Math.max(last, nominal + delay);
      arrive(v, last, 20);
    }
    v.put("endAtMs", last + 10);
    out.add(v);

    v = vector("jitter-decay", "one chunk 250 ms late at 1 s, then steady: the target jumps to "
        + "270 ms, then returns to the minimum once the on-time arrivals before the spike leave "
        + "the window (128 arrivals = 2.56 s here)", "pcm_16000", 60,
        400, 20, 3000, "BACKPRESSURE", 0, 10, 320, 5600);
    for (int i = 0; i < 275; i++) {
      long t = i * 20L;
      arrive(v, t == 1000 ? 1250 : t > 1000 && t < 1250 ? 1250 : t, 20);
    }
    v.put("endAtMs", 5500);
    out.add(v);

    v = vector("end-drain", "a 40 ms utterance then end(): played at once without waiting for "
        + "the 60 ms target, then ENDED, no underrun", "pcm_16000", 60, 400, 20, 3000,
        "BACKPRESSURE", 0, 10, 320, 120);
    arrive(v, 2, 20);
    arrive(v, 5, 20);
    v.put("endAtMs", 8);
    out.add(v);

    v = vector("tiny-chunks", "μ-law 8 kHz in 1 ms chunks (8 bytes) with 0–7 ms of network "
        + "jitter, read 20 ms at a time; silence is 0xFF", "ulaw_8000", 40, 300, 10, 2000,
        "BACKPRESSURE", 0, 20, 160, 1400);
    rnd = new Lcg(3);
    last = 0;
    for (int i = 0; i < 1200; i++) {
      last = Math.max(last, i + rnd.next(8));
      arriveBytes(v, last, 8);
    }
    v.put("endAtMs", 1250);
    out.add(v);

    v = vector("odd-rate-44100", "44.1 kHz: 500-sample chunks (11.34 ms) every 11 ms, read "
        + "441 samples every 10 ms; millisecond values are floors of sample counts", "pcm_44100",
        60, 400, 20, 1000, "BACKPRESSURE", 0, 10, 882, 2100);
    for (int i = 0; i < 170; i++) {
      arriveBytes(v, i * 11L, 1000);
    }
    v.put("endAtMs", 1900);
    out.add(v);

    v = vector("alaw-end-after-underrun", "A-law: the audio runs dry (an underrun), one more chunk "
        + "stays below the raised target, end() plays it at once and the state goes BUFFERING -> "
        + "ENDED within one read; silence is 0xD5", "alaw_8000", 60,
        400, 20, 3000, "BACKPRESSURE", 0, 20, 160, 1000);
    for (int t = 0; t < 300; t += 20) {
      arrive(v, t, 20);
    }
    arrive(v, 400, 20);
    v.put("endAtMs", 700);
    out.add(v);

    v = vector("backpressure-jitter-uses-arrival-time", "refused chunks are retried with their "
        + "original arrival time, so waiting for room does not raise the jitter estimate",
        "pcm_16000", 60, 200, 20, 300, "BACKPRESSURE", 0, 20, 640, 2600);
    for (int t = 0; t < 1000; t += 10) {
      arrive(v, t, 20); // twice real time for 1 s: the 300 ms bound fills, offers wait
    }
    v.put("endAtMs", 1000);
    out.add(v);
    return out;
  }
}
