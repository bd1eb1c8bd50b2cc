package io.voicewire.bench.soak;

import io.voicewire.client.VoiceClient;
import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.server.ServerConfig;
import io.voicewire.server.VoicewireServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code voicewire bench soak}: a long mixed load against one server, with an audit of every
 * session's content. See {@link SoakOptions#USAGE} and {@code docs/soak.md}.
 *
 * <p>Each of the {@code --sessions} workers runs sessions of one kind back to back (a third each
 * TTS {@code stream-input}, realtime STT, multi-context TTS), with a short pause between them: a
 * session ends and a new one connects all the time. A {@code --cut-fraction} of the workers
 * connect through a {@link CutProxy}, so the SDK's resume runs all along. A canary worker
 * alternates one TTS and one STT session on a clean connection; its latency is the baseline a
 * normal user sees. With {@code --abuse}, {@link Abuse} runs hostile clients alongside. Every
 * {@code --heap-every} seconds a row of heap and interval latencies is printed; the summary
 * follows at the end (Markdown).
 *
 * <p>Not thread safe: one run per instance.
 */
public final class Soak {
  /** Pause between two sessions of one worker: uniformly 0.5–3 s. */
  static final int MIN_THINK_MILLIS = 500;
  static final int MAX_THINK_MILLIS = 3_000;
  /** Workers start spread over this long, so the server does not get all connections at once. */
  static final long RAMP_MILLIS = 10_000;
  /** Longest wait for the offline engine to load. */
  static final long ENGINE_READY_SECONDS = 600;
  /** Share of the proxied connections that the proxy cuts. */
  static final double CUT_PROBABILITY = 0.5;
  /** A cut connection is cut this long after it opened: uniformly 1–8 s. */
  static final long MIN_CUT_MILLIS = 1_000;
  static final long MAX_CUT_MILLIS = 8_000;

  static final List<String> TEXTS = List.of(
      "The meeting moved to Thursday at three in the afternoon.",
      "Please send the report to the whole team before noon.",
      "The API returned HTTP 500 from NASA, so we tried again.",
      "Our train leaves from platform nine in twenty minutes.",
      "She said the new design looks clean and simple.",
      "Turn left at the second light, then keep going straight.",
      "The weather will be cold and windy for the rest of the week.",
      "We shipped version two of the app to every customer.",
      "Can you read the last paragraph out loud, slowly?",
      "The library opens at nine and closes at six on weekdays.",
      "He ordered a coffee, a glass of water and a small salad.",
      "The battery lasts about ten hours on a single charge.");
  static final List<String> CLIP_TEXTS = List.of(
      "Hello world, this is a test of speech recognition.",
      "Please call me back tomorrow morning.",
      "The quick brown fox jumps over the lazy dog.",
      "Open the door and turn on the lights.");

  private final SoakOptions o;
  private final PrintStream out;
  private final SoakStats stats = new SoakStats();
  private final SoakSessions sessions = new SoakSessions(stats, TEXTS);
  private final List<SoakReport.HeapRow> heap = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private volatile boolean stopping;
  private boolean inProcess;
  private String metricsUrl;
  private String metricsKey;
  private String abuseKey;

  Soak(SoakOptions options, PrintStream out) {
    this.o = options;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    // per-session INFO lines would drown the report; warnings and errors still show
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.print(SoakOptions.USAGE);
      return;
    }
    SoakOptions o;
    try {
      o = SoakOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("voicewire: " + e.getMessage());
      System.exit(2);
      return;
    }
    SoakReport r = new Soak(o, System.out).run();
    System.exit(r.clean() ? 0 : 1);
  }

  /** Runs the soak and prints the report; returns it. */
  SoakReport run() throws Exception {
    LocalSpeechProvider engine = null;
    VoicewireServer server = null;
    String base = o.server();
    String key = o.apiKey();
    abuseKey = o.abuseApiKey() != null ? o.abuseApiKey() : key;
    try {
      if (base == null) {
        out.println("soak: starting the offline engine and an in-process server ...");
        engine = LocalSpeechProvider.create(); // the defaults, as `voicewire serve` runs it
        if (!engine.awaitReady(ENGINE_READY_SECONDS, TimeUnit.SECONDS)) {
          throw new IllegalStateException("offline engine not ready in " + ENGINE_READY_SECONDS
              + " s");
        }
        String soakKey = randomKey("soak-");
        abuseKey = randomKey("abuse-"); // the abusers have a key of their own, as they would
        LocalSpeechProvider p = engine;
        List<String> keys = List.of(soakKey, abuseKey);
        server = VoicewireServer.create(c -> c.provider(p).apiKeys(keys));
        base = "http://127.0.0.1:" + server.start(0);
        key = soakKey;
        inProcess = true;
      }
      metricsUrl = base + "/metrics";
      metricsKey = key;
      return run(base, key);
    } finally {
      if (server != null) {
        server.close();
      }
      if (engine != null) {
        engine.close();
      }
    }
  }

  private SoakReport run(String base, String key) throws Exception {
    URI u = URI.create(base);
    int port = u.getPort() > 0 ? u.getPort() : (u.getScheme().equals("https") ? 443 : 80);
    long t0 = System.nanoTime();
    try (CutProxy proxy = new CutProxy(new InetSocketAddress(u.getHost(), port), CUT_PROBABILITY,
            MIN_CUT_MILLIS, MAX_CUT_MILLIS, o.seed());
        VoiceClient direct = client(base, key).build();
        VoiceClient cut = client("http://127.0.0.1:" + proxy.port(), key).build()) {
      out.println("soak: preparing STT clips (TTS, then a clean transcription of each) ...");
      List<SoakSessions.Clip> clips;
      // the references wait as long as a session may (the SDK's default finish timeout is 30 s)
      try (VoiceClient reference = client(base, key)
          .finishTimeout(Duration.ofSeconds(SoakSessions.SESSION_TIMEOUT_SECONDS)).build()) {
        clips = clips(reference);
      }
      sessions.clips(clips);
      out.printf("soak: %d sessions for %d s against %s%s%n", o.sessions(), o.seconds(), base,
          o.abuse() ? ", with the abuse mix" : "");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.seconds());
      long d0 = deadline;
      List<Thread> workers = new ArrayList<>();
      int cutEvery = o.cutFraction() <= 0 ? Integer.MAX_VALUE
          : (int) Math.max(1, Math.round(1 / o.cutFraction()));
      for (int i = 0; i < o.sessions(); i++) {
        int w = i;
        VoiceClient c = (w / 3) % cutEvery == 0 && o.cutFraction() > 0 ? cut : direct;
        long delay = ramp() * w / Math.max(1, o.sessions());
        workers.add(Thread.ofVirtual().name("soak worker " + w)
            .start(() -> worker(w, c, delay, d0)));
      }
      CanaryAb ab = o.ab() ? new CanaryAb(o.phaseSeconds(), o.phases(),
          System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ramp())) : null;
      if (ab != null) {
        deadline = ab.endNanos();
      }
      for (int i = 0; i < o.canaries(); i++) {
        long d = deadline;
        int n = i;
        workers.add(Thread.ofVirtual().name("soak canary " + i)
            .start(() -> canary(direct, n, ab, d)));
      }
      java.util.function.Supplier<Abuse> abuses = () -> new Abuse(URI.create(base), abuseKey,
          o.abuseClients(), o.abuseKinds(), o.seed(), clips.get(0).pcm16k());
      java.util.function.Supplier<Abuse> mirrors = () -> new Abuse(URI.create(base), abuseKey,
          o.abuseClients(), o.abuseKinds().stream().filter(Abuse.MIRRORS::containsKey)
              .map(Abuse.MIRRORS::get).toList(), o.seed(), clips.get(0).pcm16k());
      Abuse abuse = null;
      Thread driver = null;
      if (ab != null) {
        driver = Thread.ofPlatform().name("soak a/b").start(() -> {
          try {
            Thread.sleep(ramp());
            ab.drive(abuses, o.abMirror() ? mirrors : null, stats, out);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
      } else if (o.abuse()) {
        abuse = abuses.get();
        abuse.start();
      }
      sampleUntil(deadline, t0, proxy);
      stopping = true;
      if (abuse != null) {
        abuse.close();
      }
      if (driver != null) {
        driver.join();
      }
      out.println("soak: time is up; waiting for running sessions to finish ...");
      for (Thread t : workers) {
        t.join(TimeUnit.SECONDS.toMillis(SoakSessions.SESSION_TIMEOUT_SECONDS + 30));
      }
      Thread.sleep(2_000);
      sample(t0, proxy, "after the run, all sessions closed");
      SoakReport r = new SoakReport(o, base, inProcess, stats, heap, proxy.connections(),
          proxy.cuts(), abuse != null ? abuse.summary() : ab != null ? ab.abuseOutcomes() : null,
          ab, (System.nanoTime() - t0) / 1e9);
      r.print(out);
      return r;
    }
  }

  private static String randomKey(String prefix) {
    byte[] k = new byte[16];
    new SecureRandom().nextBytes(k);
    return prefix + HexFormat.of().formatHex(k);
  }

  private VoiceClient.Builder client(String base, String key) {
    VoiceClient.Builder b = VoiceClient.builder().baseUrl(base).random(new Random(o.seed()));
    if (key != null) {
      b.apiKey(key);
    }
    return b;
  }

  /** Synthesizes the STT clips, then transcribes each once on a clean stream (in parallel). */
  private List<SoakSessions.Clip> clips(VoiceClient c) throws Exception {
    byte[] pad = new byte[SoakSessions.CLIP_PAD_MILLIS * SoakSessions.PCM16K_BYTES_PER_MS];
    List<byte[]> audio = new ArrayList<>();
    for (String text : CLIP_TEXTS) {
      ByteArrayOutputStream pcm = new ByteArrayOutputStream();
      pcm.write(pad);
      try (InputStream in = c.streamSpeech(SoakSessions.ttsRequest("kevin16"), text)) {
        in.transferTo(pcm);
      }
      pcm.write(pad);
      audio.add(pcm.toByteArray());
    }
    List<java.util.concurrent.CompletableFuture<String>> refs = new ArrayList<>();
    for (byte[] a : audio) {
      java.util.concurrent.CompletableFuture<String> f = new java.util.concurrent.CompletableFuture<>();
      Thread.ofVirtual().name("soak reference").start(() -> {
        try {
          f.complete(SttReference.transcribeOnce(c, a));
        } catch (Exception e) {
          f.completeExceptionally(e);
        }
      });
      refs.add(f);
    }
    List<SoakSessions.Clip> clips = new ArrayList<>();
    for (int i = 0; i < audio.size(); i++) {
      String reference = refs.get(i).get();
      out.printf("  clip \"%s\": %.1f s, clean transcript \"%s\"%n", CLIP_TEXTS.get(i),
          audio.get(i).length / (double) (SoakSessions.PCM16K_BYTES_PER_MS * 1000), reference);
      clips.add(new SoakSessions.Clip(CLIP_TEXTS.get(i), audio.get(i), reference));
    }
    return clips;
  }

  private void worker(int w, VoiceClient c, long delayMillis, long deadline) {
    Random r = new Random(o.seed() * 31 + w);
    String voice = o.voices().get((w / 3) % o.voices().size());
    try {
      Thread.sleep(delayMillis);
      int n = 0;
      do { // every worker runs at least one session, however short the run
        try {
          switch (w % 3) {
            case 0 -> sessions.tts(c, voice, r, stats.ttsFirstAudio::recordSinceNanos, "tts");
            case 1 -> sessions.stt(c, r, stats.sttCommit::recordSinceNanos, null, "stt");
            default -> sessions.multi(c, voice, r, w * 100_000 + n);
          }
        } catch (RuntimeException e) {
          stats.error(kind(w) + ":exception:" + e.getClass().getSimpleName());
        }
        n++;
        Thread.sleep(MIN_THINK_MILLIS + r.nextInt(MAX_THINK_MILLIS - MIN_THINK_MILLIS));
      } while (!stopping && System.nanoTime() < deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How long the workers' start is spread over: {@link #RAMP_MILLIS}, at most half the run. */
  private long ramp() {
    return Math.min(RAMP_MILLIS, o.seconds() * 500L);
  }

  private static String kind(int w) {
    return switch (w % 3) {
      case 0 -> "tts";
      case 1 -> "stt";
      default -> "multi";
    };
  }

  /**
   * Canary {@code n} on a clean connection, started spread over the first seconds: a lone canary
   * runs a TTS and an STT session in turn; of several, even ones run TTS sessions and odd ones
   * STT sessions (so that a slow transcription does not thin out the TTS samples). With
   * {@code ab} its latencies also go to the A/B phases.
   */
  private void canary(VoiceClient c, int n, CanaryAb ab, long deadline) {
    Random r = new Random(o.seed() - 1 - n);
    SoakSessions.Timing tts = stats.canaryTts::recordSinceNanos;
    SoakSessions.Timing stt = stats.canaryStt::recordSinceNanos;
    SoakSessions.Timing partial = null;
    if (ab != null) {
      SoakSessions.Timing t = ab.timing(0);
      SoakSessions.Timing p = ab.timing(1);
      SoakSessions.Timing m = ab.timing(2);
      tts = start -> {
        stats.canaryTts.recordSinceNanos(start);
        t.since(start);
      };
      stt = start -> {
        stats.canaryStt.recordSinceNanos(start);
        m.since(start);
      };
      partial = p;
    }
    try {
      Thread.sleep(ramp() * n / Math.max(1, o.canaries()));
      do {
        try {
          if (o.canaries() == 1 || n % 2 == 0) {
            sessions.tts(c, o.voices().get(n / 2 % o.voices().size()), r, tts, "canary-tts");
          }
          if (o.canaries() == 1 || n % 2 == 1) {
            sessions.stt(c, r, stt, partial, "canary-stt");
          }
        } catch (RuntimeException e) {
          stats.error("canary:exception:" + e.getClass().getSimpleName());
        }
        Thread.sleep(1_000);
      } while (!stopping && System.nanoTime() < deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void sampleUntil(long deadline, long t0, CutProxy proxy) throws InterruptedException {
    sample(t0, proxy, "start");
    long every = TimeUnit.SECONDS.toNanos(o.heapEverySeconds());
    long next = System.nanoTime() + every;
    while (System.nanoTime() < deadline) {
      long sleep = Math.min(next, deadline) - System.nanoTime();
      if (sleep > 0) {
        TimeUnit.NANOSECONDS.sleep(sleep);
      }
      if (System.nanoTime() >= next) {
        sample(t0, proxy, "");
        next += every;
      }
    }
  }

  private void sample(long t0, CutProxy proxy, String note) {
    long usedBefore;
    long live;
    if (inProcess) {
      usedBefore = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      System.gc();
      live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    } else {
      usedBefore = remoteHeap();
      live = -1;
    }
    SoakReport.HeapRow row = new SoakReport.HeapRow((System.nanoTime() - t0) / 1e9, usedBefore,
        live, activeSessions(), stats.get("tts.sessions") + stats.get("stt.sessions")
        + stats.get("multi.sessions"), proxy.cuts(), loadAverage(),
        stats.ttsFirstAudio.nextInterval(), stats.sttCommit.nextInterval(),
        stats.multiFirstAudio.nextInterval(), stats.canaryTts.nextInterval(),
        stats.canaryStt.nextInterval(), note);
    stats.ttsTotal.nextInterval();
    heap.add(row);
    out.println("  " + row.line());
    out.flush();
  }

  private String metrics() {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(metricsUrl))
          .timeout(Duration.ofSeconds(10)).GET();
      if (metricsKey != null) {
        b.header("xi-api-key", metricsKey);
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "";
    } catch (Exception e) {
      return "";
    }
  }

  private long remoteHeap() {
    Matcher m = Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"} (\\S+)")
        .matcher(metrics());
    return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
  }

  private long activeSessions() {
    Matcher m = Pattern.compile("(?m)^voicewire_sessions_active\\{[^}]*} (\\S+)").matcher(metrics());
    long n = 0;
    while (m.find()) {
      n += (long) Double.parseDouble(m.group(1));
    }
    return n;
  }

  /** The machine's 1-minute load average (all processes, not only this one). */
  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
