package io.voicewire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.audio.AudioFormat;
import io.voicewire.client.MultiContextTts;
import io.voicewire.client.ReconnectPolicy;
import io.voicewire.client.SttStream;
import io.voicewire.client.TtsStream;
import io.voicewire.client.VoiceClient;
import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.VadParams;
import io.voicewire.testing.HumanSpeech;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #15's "done when", with the real product: three replicas that are each
 * {@code java -jar voicewire.jar serve --redis ...} over the offline engine (MaryTTS, FreeTTS,
 * Sphinx) in their own JVM, Debian's {@code haproxy} in front, one Debian {@code redis-server};
 * the Java SDK through HAProxy; STT on recorded human speech (Debian's pocketsphinx-testdata
 * LibriVox and cards clips, concatenated).
 *
 * <p>Audits: every TTS character voiced exactly once (the alignment the client received is the
 * text sent, character for character); every STT stream's committed text identical to an
 * uninterrupted run's of the same audio, commits in audio order with no overlap (no duplicate);
 * no session sees a terminal error.
 *
 * <p>Sizes. Each replica's engine warm-up takes 30 s on a quiet 2-core machine (two minutes at
 * load average 18), and Sphinx needs about 0.67 CPU-seconds per second of human speech
 * (docs/bench-engine.md), so the waves are {@link #WAVE}s of 9 sessions, not 30, with the STT
 * streams paced at {@link #STT_PACE_PERCENT} of real time. One test runs a wave during which the
 * replica holding the most STT streams with open input is restarted with SIGTERM and one
 * during which a replica is killed; another the rolling restart of all three (a wave each); a third the issue's full
 * load, {@link #FULL} (30
 * sessions, 60 s speech streams, the three restarts one after another during it), which is
 * slower than real time here. The same full load with the coded engine (exact, fast) is
 * voicewire-client's {@code ScaleOutTest}, in the default tier.
 *
 * <p>Premises. A restart or crash must cut streams for the audits to mean anything. Each stream
 * of a wave has its own client bound to its own loopback source address ({@link OpenStreams}), so
 * HAProxy's {@code show sess} (its stats socket) tells which replica each stream is on; after the
 * victim has exited, every stream that was on it and whose input is still open (the server cannot
 * have finished it) must reconnect. The crash's leases are watched in Redis itself
 * ({@link Crash}).
 *
 * <p>Status and run history: docs/deploy/README.md ("ScaleOutIT on the shared build machine").
 */
@Tag("slow")
@Timeout(value = 1800, unit = TimeUnit.SECONDS)
class ScaleOutIT {
  static final String KEY = "vw-scale-it-key";
  static final Map<String, String> ENV = Map.of("VOICEWIRE_API_KEYS", KEY);
  static final int DRAIN_SECONDS = 15;
  static final int LEASE_SECONDS = 5;
  /**
   * {@code --limit maxSessionsPerKey} of the default tier's replicas: above a wave's 9 sessions, and
   * below the 18 STT sessions the three engines take (3 per core on two cores, each), so the
   * check meets the key's limit, not the engine's. A crashed replica's leases may hold a few slots
   * for a moment while its sessions resume: a refusal then is {@code resource_exhausted}, which
   * the SDK retries.
   */
  static final int LIMIT = 12;
  static final Path JAR = Path.of("target", "voicewire.jar");
  /**
   * Patient: while a replica warms up again the other two carry everything, and a draining
   * replica refuses upgrades for a moment.
   */
  static final ReconnectPolicy POLICY = new ReconnectPolicy(60, Duration.ofMillis(50),
      Duration.ofMillis(1000), 2.0, 0.5, Duration.ofSeconds(2), Duration.ofMinutes(5));
  /** Audio per {@code sendAudio}, ms. */
  static final int CHUNK_MILLIS = 100;
  /**
   * The pace of the STT streams, percent of real time. The offline engine on the shared 2-core
   * build machine decodes even one stream slower than real time (the uninterrupted reference, 20 s
   * of speech alone on its replica, took 27.5 s at load average 9), and a session whose engine
   * falls more than {@code RealSttSession.MAX_QUEUED_AUDIO_MILLIS} (20 s) behind fails with
   * {@code queue_overflow}; its stream then replays everything since its last commit into a new
   * session that is just as slow. These audits are about moving sessions between replicas, not
   * about the engine's speed: the streams are paced so that the engines keep up.
   */
  static final int STT_PACE_PERCENT = 50;
  static final VadParams VAD = new VadParams(0.5, 0.4, 100, 100);

  /**
   * One load: {@code tts} streams of {@code ttsChars} characters, {@code stt} streams of at least
   * {@code sttMillis} of human speech, {@code multi} multi-context sockets of {@code contexts}
   * contexts of {@code contextChars} characters each.
   */
  record Load(int tts, int ttsChars, int stt, long sttMillis, int multi, int contexts,
      int contextChars) {
    int sessions() {
      return tts + stt + multi;
    }
  }

  /** The default tier's wave: what two shared cores carry in real time next to a warm-up. */
  static final Load WAVE = new Load(3, 900, 3, 20_000, 3, 3, 200);
  /** The issue's load: 10 long TTS texts, 10 STT streams of >= 60 s speech, 10 multi-context. */
  static final Load FULL = new Load(10, 3600, 10, 60_000, 10, 12, 300);

  static final String[] WORDS = {"streaming", "speech", "never", "loses", "a", "word,", "even",
      "when", "the", "network", "drops.", "Resume", "joins", "audio", "at", "a", "sample!"};

  static String text(int chars, long seed) {
    java.util.Random r = new java.util.Random(seed);
    StringBuilder sb = new StringBuilder();
    while (sb.length() < chars) {
      sb.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
    }
    return sb.toString();
  }

  static VoiceClient client(String baseUrl) {
    return clientBuilder(baseUrl).build();
  }

  static VoiceClient.Builder clientBuilder(String baseUrl) {
    return VoiceClient.builder().baseUrl(baseUrl).apiKey(KEY).reconnectPolicy(POLICY)
        .pingInterval(Duration.ofSeconds(5)).sttReplayLimit(Duration.ofMinutes(2));
  }

  /**
   * The client streams of one wave, each with its own client bound to its own loopback source
   * address ({@code 127.77.<wave>.<n>}), so that HAProxy's {@code show sess} tells which replica
   * each stream's connection is on ({@link JarReplicas#replicaBySource}). Thread safe.
   */
  static final class OpenStreams implements AutoCloseable {
    /** One stream: its kind, source address, whether its input is still open, its reconnects. */
    static final class Stream {
      final String kind;
      final String address;
      /** True until the client ends its input: until then the server cannot have finished it. */
      volatile boolean inputOpen = true;
      /** Its reconnects, set when it has finished (-1 before). */
      volatile long reconnects = -1;

      Stream(String kind, String address) {
        this.kind = kind;
        this.address = address;
      }

      @Override
      public String toString() {
        return kind + "@" + address + (reconnects >= 0 ? " reconnects=" + reconnects : "");
      }
    }

    private final String baseUrl;
    private final int wave;
    private final List<Stream> streams = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<AutoCloseable> resources =
        new java.util.concurrent.CopyOnWriteArrayList<>();

    OpenStreams(String baseUrl, int wave) {
      this.baseUrl = baseUrl;
      this.wave = wave;
    }

    /** Registers a stream of {@code kind} and gives it its client. */
    synchronized Map.Entry<Stream, VoiceClient> add(String kind) throws Exception {
      String address = "127.77." + wave + "." + (streams.size() + 1);
      java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .localAddress(java.net.InetAddress.getByName(address)).build();
      VoiceClient client = clientBuilder(baseUrl).httpClient(http).build();
      resources.add(http);
      resources.add(client);
      Stream st = new Stream(kind, address);
      streams.add(st);
      return Map.entry(st, client);
    }

    /**
     * The streams whose input is still open now and whose connection was on {@code replica} by
     * {@code bySource} (an earlier {@code show sess}). Asked after that replica has exited: such a
     * stream was cut (the server cannot finish a stream whose input is open), so it must
     * reconnect to finish.
     */
    List<Stream> openOn(Map<String, Integer> bySource, int replica) {
      return streams.stream().filter(st -> st.inputOpen)
          .filter(st -> Integer.valueOf(replica).equals(bySource.get(st.address))).toList();
    }

    /**
     * How many streams with open input each of {@code n} replicas holds by {@code bySource}; only
     * those of {@code kind} unless it is null.
     */
    int[] openPerReplica(Map<String, Integer> bySource, int n, String kind) {
      int[] count = new int[n];
      for (Stream st : streams) {
        Integer r = bySource.get(st.address);
        if (st.inputOpen && r != null && r >= 0 && r < n
            && (kind == null || kind.equals(st.kind))) {
          count[r]++;
        }
      }
      return count;
    }

    @Override
    public void close() throws Exception {
      for (AutoCloseable c : resources.reversed()) {
        c.close();
      }
    }
  }

  /** What runs during a wave, once every session is under way. */
  interface During {
    /** Returns the streams it cut (each must reconnect to finish). */
    List<OpenStreams.Stream> call(OpenStreams open) throws Exception;
  }

  static TtsRequest tts(String voice) {
    return VoiceClient.ttsRequest(voice).toBuilder().outputFormat(AudioFormat.PCM_16000).build();
  }

  static JarReplicas cluster(int maxSessionsPerKey) throws Exception {
    return new JarReplicas(JAR, 3, List.of("--drain-seconds", Integer.toString(DRAIN_SECONDS),
        "--lease-seconds", Integer.toString(LEASE_SECONDS), "--limit",
        "maxSessionsPerKey=" + maxSessionsPerKey), ENV);
  }

  static String leasesKey() throws Exception {
    return "voicewire:leases:key-" + java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(
            KEY.getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 8);
  }

  static long validLeases(JarReplicas rs) throws Exception {
    return Long.parseLong(rs.redis("ZCOUNT " + leasesKey() + " " + System.currentTimeMillis()
        + " +inf").substring(1));
  }

  /**
   * Tokens: minted through replica 0, redeemed once through replica 2, refused on the second use
   * on every replica; of 20 concurrent redemptions of another through HAProxy exactly one
   * succeeds. Limits: with {@link #LIMIT} sessions held (opened through HAProxy, so spread over
   * the replicas) the next is refused on every replica.
   */
  static void tokensAndLimits(JarReplicas rs) throws Exception {
    String token = RawSession.mint(rs.replicaUrl(0), KEY);
    try (RawSession first = new RawSession(rs.replicaUrl(2), "&token=" + token, Map.of())) {
      assertEquals("session_started", first.firstType());
      for (int i = 0; i < 3; i++) {
        try (RawSession again = new RawSession(rs.replicaUrl(i), "&token=" + token, Map.of())) {
          assertEquals("auth_error", again.firstType(), "second use on replica " + i);
        }
      }
    }
    String raced = RawSession.mint(rs.replicaUrl(1), KEY);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> racers = new ArrayList<>();
      List<RawSession> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
      for (int i = 0; i < 20; i++) {
        racers.add(pool.submit(() -> {
          RawSession r = new RawSession(rs.baseUrl(), "&token=" + raced, Map.of());
          opened.add(r);
          return r.firstType();
        }));
      }
      int started = 0;
      for (Future<String> f : racers) {
        String type = f.get(60, TimeUnit.SECONDS);
        if ("session_started".equals(type)) {
          started++;
        } else {
          assertEquals("auth_error", type);
        }
      }
      opened.forEach(RawSession::close);
      assertEquals(1, started, "of 20 concurrent redemptions exactly one succeeds");
    }
    // the closed sockets' sessions end on their replicas a moment later: then the key holds none
    awaitNoLeases(rs, "the token sessions gave their slots back");
    List<RawSession> held = new ArrayList<>();
    try {
      for (int i = 0; i < LIMIT; i++) {
        RawSession r = new RawSession(rs.baseUrl(), "", Map.of("xi-api-key", KEY));
        held.add(r);
        assertEquals("session_started", r.firstType(), "session " + i + " of the limit");
      }
      for (int i = 0; i < 3; i++) {
        try (RawSession over = new RawSession(rs.replicaUrl(i), "", Map.of("xi-api-key", KEY))) {
          assertEquals("resource_exhausted", over.firstType(), "N+1th on replica " + i);
          assertTrue(over.firstMessage().contains("This API key is at its limit of " + LIMIT
              + " concurrent sessions"), over.firstMessage());
          assertEquals(1013, over.awaitClose());
        }
      }
    } finally {
      held.forEach(RawSession::close);
    }
    awaitNoLeases(rs, "the held sessions gave their slots back");
  }

  /**
   * Resume stickiness: a resumable STT session opened through HAProxy, then re-attached by its id
   * through HAProxy while its first connection is still open, lands on the replica holding it —
   * HAProxy learned the id from the upgrade response's {@code X-Voicewire-Session-Id}
   * ({@code stick store-response}) and matches {@code voicewire_resume_session} — so it resumes.
   * Without the stick table {@code leastconn} would send the re-attachment to a replica with
   * fewer connections, where it would start anew ({@code "resumed": false}).
   */
  static void resumesStickToTheirReplica(JarReplicas rs) throws Exception {
    Map<String, String> auth = Map.of("xi-api-key", KEY);
    for (int i = 0; i < 3; i++) {
      try (RawSession first = new RawSession(rs.baseUrl(), "&voicewire_resumable=true", auth)) {
        String started = first.firstMessage();
        java.util.regex.Matcher id = SESSION_ID.matcher(started);
        assertTrue(id.find() && started.contains("voicewire_resume"), started);
        try (RawSession again = new RawSession(rs.baseUrl(), "&voicewire_resumable=true"
            + "&voicewire_resume_session=" + id.group(1) + "&voicewire_commits_received=0",
            auth)) {
          String resumed = again.firstMessage();
          assertTrue(RESUMED.matcher(resumed).find(), "re-attachment " + i + " through HAProxy "
              + "did not reach the replica holding " + id.group(1) + ": " + resumed);
        }
      }
    }
    // aborted, the resumed sessions are parked for their grace (10 s), then end
    awaitNoLeases(rs, "the resumed sessions gave their slots back", 30);
  }

  static final java.util.regex.Pattern SESSION_ID =
      java.util.regex.Pattern.compile("\"session_id\"\\s*:\\s*\"([^\"]+)\"");
  static final java.util.regex.Pattern RESUMED =
      java.util.regex.Pattern.compile("\"resumed\"\\s*:\\s*true");

  /** Waits (bounded) until every session of the key has given its slot back. */
  static void awaitNoLeases(JarReplicas rs, String what) throws Exception {
    awaitNoLeases(rs, what, LEASE_SECONDS * 3L);
  }

  /** Waits up to {@code seconds} until every session of the key has given its slot back. */
  static void awaitNoLeases(JarReplicas rs, String what, long seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (validLeases(rs) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(0, validLeases(rs), what);
  }

  // ---------------------------------------------------------------- sessions

  /** A TTS stream of {@code chars} characters sent like LLM tokens; returns its reconnects. */
  static Callable<Long> ttsStream(VoiceClient client, int chars, long seed) {
    return ttsStream(client, null, chars, seed);
  }

  static Callable<Long> ttsStream(VoiceClient client, OpenStreams.Stream st, int chars,
      long seed) {
    return () -> {
      String text = text(chars, seed);
      Recorders.Voiced l = new Recorders.Voiced();
      TtsStream s = client.newTtsStream(tts(LocalSpeechProvider.VOICE_KEVIN), l);
      for (int i = 0; i < text.length(); i += 60) {
        assertTrue(s.send(text.substring(i, Math.min(text.length(), i + 60))));
        Thread.sleep(300);
      }
      inputEnded(st);
      s.end();
      l.awaitEnd(900);
      assertNull(l.failure, () -> "tts " + seed + " failed: " + l.failure + " " + s.metrics());
      assertEquals(Boolean.TRUE, l.complete, "tts " + seed + " complete");
      l.assertOneTerminal();
      assertEquals(text.stripTrailing(), l.alignmentText().stripTrailing(),
          "tts " + seed + " alignment audit");
      return finished(st, s.metrics().reconnects());
    };
  }

  static void inputEnded(OpenStreams.Stream st) {
    if (st != null) {
      st.inputOpen = false;
    }
  }

  static long finished(OpenStreams.Stream st, long reconnects) {
    if (st != null) {
      st.reconnects = reconnects;
    }
    return reconnects;
  }

  /**
   * Streams {@code speech} at {@link #STT_PACE_PERCENT} of real time (VAD commits); returns the
   * commits and reconnects.
   */
  static Callable<Recorders.Stt> sttStream(VoiceClient client, HumanSpeech.Speech speech) {
    return sttStream(client, null, speech);
  }

  static Callable<Recorders.Stt> sttStream(VoiceClient client, OpenStreams.Stream st,
      HumanSpeech.Speech speech) {
    return () -> {
      Recorders.Stt l = new Recorders.Stt();
      SttStream s = client.newSttStream(SttRequest.builder()
          .commitStrategy(CommitStrategy.VAD).vad(VAD).build(), l);
      byte[] pcm = speech.pcm16k();
      int step = AudioFormat.PCM_16000.bytesForMillis(CHUNK_MILLIS);
      long t0 = System.nanoTime();
      for (int i = 0; i < pcm.length && l.failure == null; ) {
        int n = Math.min(step, pcm.length - i);
        if (s.sendAudio(pcm, i, n)) {
          i += n;
        }
        long due = t0 + TimeUnit.MILLISECONDS.toNanos(i / 32 * 100L / STT_PACE_PERCENT);
        Thread.sleep(Math.max(5, (due - System.nanoTime()) / 1_000_000)); // a refused chunk waits
      }
      inputEnded(st);
      s.end();
      l.awaitEnd(900);
      l.metrics = s.metrics().toString();
      assertNull(l.failure, () -> "stt failed: " + l.failure + " " + l.report());
      l.assertOneTerminal();
      l.reconnects = finished(st, s.metrics().reconnects());
      return l;
    };
  }

  /** A multi-context socket voicing {@code load.contexts()} paced contexts in turn. */
  static Callable<Long> multi(VoiceClient client, OpenStreams.Stream st, Load load, long seed) {
    return () -> {
      MultiContextTts m = client.newMultiContextTts(tts(LocalSpeechProvider.VOICE_SLT),
          new MultiContextTts.Listener() {});
      for (int k = 0; k < load.contexts(); k++) {
        String text = text(load.contextChars(), seed * 100 + k);
        Recorders.Voiced l = new Recorders.Voiced();
        MultiContextTts.Context c = m.openContext("ctx" + k, l).get(120, TimeUnit.SECONDS);
        for (int i = 0; i < text.length(); i += 30) {
          assertTrue(c.send(text.substring(i, Math.min(text.length(), i + 30))));
          Thread.sleep(250);
        }
        if (k == load.contexts() - 1) {
          inputEnded(st);
        }
        c.close();
        l.awaitEnd(600);
        assertNull(l.failure, () -> "context " + seed + "/" + l + " failed: " + l.failure);
        assertEquals(Boolean.TRUE, l.complete, "context complete");
        l.assertOneTerminal();
        assertEquals(text.stripTrailing(), l.alignmentText().stripTrailing(),
            "multi " + seed + " context " + k + " alignment audit");
      }
      long reconnects = finished(st, m.metrics().reconnects());
      m.close();
      return reconnects;
    };
  }

  /** What one load did: reconnects of each kind, and the streams {@link During} cut. */
  record Outcome(long tts, long stt, long multi, List<OpenStreams.Stream> cut) {
    long total() {
      return tts + stt + multi;
    }

    /** Fails unless the wave cut a stream and every stream it cut reconnected. */
    void assertCutStreamsReconnected(String what) {
      assertTrue(!cut.isEmpty(), what + " cut no stream with open input: " + this);
      for (OpenStreams.Stream st : cut) {
        assertTrue(st.reconnects >= 1, what + " cut " + st + ", which did not reconnect: " + cut);
      }
    }

    @Override
    public String toString() {
      return "reconnects tts=" + tts + " stt=" + stt + " multi=" + multi + ", cut " + cut;
    }
  }

  /**
   * Runs {@code load} through HAProxy; {@code during} runs on this thread once every session is
   * under way. Audits every session (STT against {@code reference}).
   */
  static Outcome run(JarReplicas rs, Load load, HumanSpeech.Speech speech,
      Recorders.Stt reference, int wave, long seed, During during) throws Exception {
    try (OpenStreams open = new OpenStreams(rs.baseUrl(), wave);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Long>> ttsRuns = new ArrayList<>();
      List<Future<Recorders.Stt>> sttRuns = new ArrayList<>();
      List<Future<Long>> multiRuns = new ArrayList<>();
      for (int i = 0; i < load.tts(); i++) {
        var c = open.add("tts");
        ttsRuns.add(pool.submit(ttsStream(c.getValue(), c.getKey(), load.ttsChars(), seed + i)));
      }
      for (int i = 0; i < load.stt(); i++) {
        var c = open.add("stt");
        sttRuns.add(pool.submit(sttStream(c.getValue(), c.getKey(), speech)));
      }
      for (int i = 0; i < load.multi(); i++) {
        var c = open.add("multi");
        multiRuns.add(pool.submit(multi(c.getValue(), c.getKey(), load, seed + 50 + i)));
      }
      Thread.sleep(4000);
      List<OpenStreams.Stream> cut = during.call(open);
      long tts = 0;
      long multi = 0;
      long stt = 0;
      for (Future<Long> f : ttsRuns) {
        tts += f.get(1200, TimeUnit.SECONDS);
      }
      for (Future<Recorders.Stt> f : sttRuns) {
        Recorders.Stt l = f.get(1200, TimeUnit.SECONDS);
        // identical to the uninterrupted run's, and no commit repeats audio of an earlier one
        assertEquals(reference.committedText(), l.committedText(), "stt after " + l.reconnects
            + " reconnects: " + l.report() + "; reference " + reference.spans());
        l.assertInAudioOrder();
        stt += l.reconnects;
      }
      for (Future<Long> f : multiRuns) {
        multi += f.get(1200, TimeUnit.SECONDS);
      }
      return new Outcome(tts, stt, multi, cut);
    }
  }

  /** The speech transcribed through HAProxy with nothing restarted: the reference. */
  static Recorders.Stt uninterrupted(JarReplicas rs, HumanSpeech.Speech speech) throws Exception {
    try (VoiceClient client = client(rs.baseUrl())) {
      Recorders.Stt reference = sttStream(client, speech).call();
      assertEquals(0, reference.reconnects, "the reference run was not interrupted");
      assertTrue(reference.committedText().split(" ").length > speech.millis() / 1000,
          "the reference run transcribed the speech: " + reference.committedText());
      return reference;
    }
  }

  /** SIGTERM replica {@code i}, then start it again (not waiting for it); returns the drain. */
  static Drain restart(JarReplicas rs, int i) throws Exception {
    long exited = rs.terminate(i, (DRAIN_SECONDS + 20) * 1000L);
    String log = rs.log(i);
    int at = log.lastIndexOf("drained in ");
    String line = at < 0 ? null : log.substring(at, log.indexOf('\n', at) < 0 ? log.length()
        : log.indexOf('\n', at)).strip();
    rs.launch(i);
    return new Drain(exited, line);
  }

  /**
   * One SIGTERM: the time until the process exited (JVM shutdown included, ms), and the
   * replica's own report of its drain ({@code drained in N ms}, followed by the sessions cut at
   * the deadline if any).
   */
  record Drain(long exitedMillis, String serverLine) {
    /** True when the replica says every session moved before the deadline (none was cut). */
    boolean beforeDeadline() {
      return serverLine != null && !serverLine.contains("at the deadline");
    }

    @Override
    public String toString() {
      return "exit after " + exitedMillis + " ms (" + serverLine + ")";
    }
  }

  // ---------------------------------------------------------------- tests

  /**
   * The default tier: a wave during which replica 0 is restarted with SIGTERM, then a wave during
   * which the replica holding most sessions is killed with {@code kill -9}. Four engine warm-ups
   * (30 s each on a quiet 2-core machine, two minutes at load average 18) are most of its time.
   */
  @Test
  @Tag("acceptance") // not green on the shared machine: see the class comment
  void aRestartAndACrashOfRealReplicasLoseNothing() throws Exception {
    rollingRestartThenCrash(1);
  }

  /**
   * The checks that need no speech: tokens, limits and resume stickiness through HAProxy (three
   * warm-ups, about two minutes on a quiet machine).
   */
  @Test
  @Tag("acceptance") // three engine warm-ups: 1 minute on a quiet machine, 10 at load average 38
  void tokensLimitsAndResumeStickinessAcrossReplicas() throws Exception {
    try (JarReplicas rs = cluster(LIMIT)) {
      tokensAndLimits(rs);
      resumesStickToTheirReplica(rs);
    }
  }

  /** Every replica restarted in turn, each during its own wave, then the crash: ~4 more minutes. */
  @Test
  @Tag("acceptance")
  void aRollingRestartOfAllThreeAndACrashLoseNothing() throws Exception {
    rollingRestartThenCrash(3);
  }

  private static void rollingRestartThenCrash(int restarts) throws Exception {
    HumanSpeech.Speech speech = HumanSpeech.first(WAVE.sttMillis());
    long t0 = System.nanoTime();
    try (JarReplicas rs = cluster(LIMIT)) {
      long startedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      tokensAndLimits(rs);
      resumesStickToTheirReplica(rs);
      Recorders.Stt reference = uninterrupted(rs, speech);
      List<Drain> drains = new ArrayList<>();
      List<Outcome> outcomes = new ArrayList<>();
      List<Integer> victims = new ArrayList<>();
      List<Integer> notRestarted = new ArrayList<>(List.of(0, 1, 2));
      for (int r = 0; r < restarts; r++) {
        outcomes.add(run(rs, WAVE, speech, reference, r + 1, 1000L * r, open -> {
          // the replica (not restarted yet) holding the most STT streams with open input (the
          // drain's commit boundary is what this audits), then the most streams, by HAProxy
          Map<String, Integer> bySource = rs.replicaBySource();
          int[] stt = open.openPerReplica(bySource, 3, "stt");
          int[] held = open.openPerReplica(bySource, 3, null);
          int victim = notRestarted.getFirst();
          for (int i : notRestarted) {
            if (stt[i] > stt[victim] || stt[i] == stt[victim] && held[i] > held[victim]) {
              victim = i;
            }
          }
          notRestarted.remove(Integer.valueOf(victim));
          victims.add(victim);
          drains.add(restart(rs, victim));
          // asked after the drained replica exited: every stream still open that was on it moved
          return open.openOn(bySource, victim);
        }));
        rs.awaitReady(victims.get(r));
      }
      System.out.printf("voicewire.jar replicas started in %d ms; restarts with SIGTERM of "
          + "replicas %s: %d sessions a wave, drains %s, %s%n", startedMillis, victims,
          WAVE.sessions(), drains, outcomes);
      for (int r = 0; r < restarts; r++) {
        outcomes.get(r).assertCutStreamsReconnected("restart " + r);
        assertTrue(drains.get(r).beforeDeadline(), "drained before the deadline: " + drains);
      }
      assertTrue(outcomes.stream().flatMap(o -> o.cut().stream())
          .anyMatch(st -> st.kind.equals("stt")), "a drain moved STT sessions: " + outcomes);
      Crash crash = new Crash(rs);
      Outcome crashed = run(rs, WAVE, speech, reference, restarts + 1, 5000, crash);
      System.out.printf("kill -9 of replica %d holding %d streams with open input and %d leases: "
          + "its leases lapsed %d ms after the kill by Redis's clock (lease %d s), seen free "
          + "after %d ms; %s; whole test %d s%n", crash.victim, crash.cut.size(),
          crash.victimLeases, crash.lapsedRedisMillis, LEASE_SECONDS, crash.freedMillis, crashed,
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
      crashed.assertCutStreamsReconnected("the crash");
      assertTrue(crash.victimLeases >= 1, "the crashed replica's leases outlived it: " + crash);
      assertTrue(crash.freedMillis >= 0, "its leases were seen free: " + crash);
      assertTrue(crash.lapsedRedisMillis <= LEASE_SECONDS * 1000L,
          "its leases lapsed within the lease after the kill: " + crash);
    }
  }

  /**
   * The issue's load as written: 30 sessions (10 TTS of 3600 characters, 10 STT of >= 60 s human
   * speech, 10 multi-context), the three replicas restarted one after another with SIGTERM while
   * they run. Slower than real time on a shared 2-core machine, hence {@code acceptance}.
   */
  @Test
  @Tag("acceptance")
  void theIssuesFullLoadThroughARollingRestart() throws Exception {
    HumanSpeech.Speech speech = HumanSpeech.atLeast(FULL.sttMillis());
    try (JarReplicas rs = cluster(1000)) {
      Recorders.Stt reference = uninterrupted(rs, speech);
      List<Drain> drains = new ArrayList<>();
      Outcome o = run(rs, FULL, speech, reference, 1, 0, open -> {
        List<OpenStreams.Stream> cut = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          Map<String, Integer> bySource = rs.replicaBySource();
          drains.add(restart(rs, i));
          cut.addAll(open.openOn(bySource, i));
          rs.awaitReady(i);
        }
        return cut;
      });
      System.out.printf("full rolling restart: drains %s; %s%n", drains, o);
      o.assertCutStreamsReconnected("the rolling restart");
    }
  }

  /**
   * {@code kill -9} of the replica holding the most streams with open input (by HAProxy's
   * {@code show sess}), and its leases watched in Redis: a lease of the key that was valid at the
   * kill and is then never renewed (the live replicas renew theirs every third of the lease) nor
   * released before its expiry is the victim's. Its leases' expiry scores are Redis's clock, so
   * when they lapse is read from Redis, not from this thread's polling.
   */
  static final class Crash implements During {
    private final JarReplicas rs;
    int victim = -1;
    List<OpenStreams.Stream> cut = List.of();
    /** The victim's leases: valid at the kill, never renewed, not released before expiring. */
    int victimLeases;
    /** When the victim's last lease lapsed, ms after the kill, by Redis's clock. */
    long lapsedRedisMillis = -1;
    /** When this thread saw none of the victim's leases valid any more, ms after the kill. */
    long freedMillis = -1;

    Crash(JarReplicas rs) {
      this.rs = rs;
    }

    @Override
    public List<OpenStreams.Stream> call(OpenStreams open) throws Exception {
      Map<String, Integer> bySource = rs.replicaBySource();
      int[] held = open.openPerReplica(bySource, 3, null);
      victim = 0;
      for (int i = 1; i < 3; i++) {
        if (held[i] > held[victim]) {
          victim = i;
        }
      }
      String key = leasesKey();
      Map<String, Long> atKill = rs.sortedSet(key);
      rs.kill(victim);
      long killedAt = System.nanoTime();
      long killedRedis = rs.redisMillis();
      cut = open.openOn(bySource, victim); // after the kill: their input was open at it
      java.util.Set<String> renewed = new java.util.HashSet<>();
      java.util.Set<String> released = new java.util.HashSet<>();
      java.util.Set<String> lapsed = new java.util.HashSet<>();
      while (System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(LEASE_SECONDS * 4L)) {
        long now = rs.redisMillis();
        Map<String, Long> leases = rs.sortedSet(key);
        boolean pending = false;
        for (Map.Entry<String, Long> e : atKill.entrySet()) {
          String m = e.getKey();
          long expiry = e.getValue();
          if (renewed.contains(m) || released.contains(m) || lapsed.contains(m)) {
            continue;
          }
          Long score = leases.get(m);
          if (score != null && score > expiry) {
            renewed.add(m); // a live replica's
          } else if (expiry <= now) {
            lapsed.add(m); // never renewed, still held at its expiry: the victim's
          } else if (score == null) {
            released.add(m); // let go before its expiry: a live replica's session ended
          } else {
            pending = true;
          }
        }
        if (!pending) {
          freedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
          break;
        }
        Thread.sleep(50);
      }
      victimLeases = lapsed.size();
      lapsedRedisMillis = lapsed.stream().mapToLong(atKill::get).max().orElse(killedRedis)
          - killedRedis;
      return cut;
    }

    @Override
    public String toString() {
      return "replica " + victim + ": cut " + cut + ", " + victimLeases + " leases lapsed "
          + lapsedRedisMillis + " ms after the kill (Redis clock), seen free after "
          + freedMillis + " ms";
    }
  }
}
