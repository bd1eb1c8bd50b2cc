package io.voicewire.bench.soak;

import java.util.ArrayList;
import java.util.List;

/**
 * The soak's options, parsed from {@code bench soak} arguments.
 *
 * @param seconds how long new sessions start (sessions running at the end finish first)
 * @param sessions concurrent normal sessions: a third each TTS stream-input, realtime STT and
 *     multi-context TTS
 * @param server base URL of a running server, or null to start one in-process on the offline
 *     engine
 * @param apiKey API key for {@code server} (null: none)
 * @param cutFraction fraction of the sessions that go through the cutting proxy
 * @param heapEverySeconds interval of the heap-over-time rows
 * @param abuse whether to run the abuse mix alongside
 * @param abuseClients abusive clients per kind
 * @param voices TTS voices, used in turn by the sessions
 * @param seed seed of every random choice
 * @param canaries canary workers (each alternates a TTS and an STT session, clean connection)
 * @param phaseSeconds with the A/B comparison ({@code --ab}): length of one quiet or abused
 *     phase; 0 without it
 * @param abuseApiKey API key of the abusive clients (null: {@code apiKey}; in-process: a key of
 *     their own)
 * @param abuseKinds the abusive clients to run, by name ({@link Abuse#KINDS}); all by default
 * @param abMirror with {@code --ab}: the quiet phases run the abusers' well-behaved mirrors
 *     ({@link Abuse#MIRRORS}: the same clients, sending at real time), so that A and B differ
 *     in the clients' behaviour only, not in how many sessions they hold
 */
record SoakOptions(int seconds, int sessions, String server, String apiKey, double cutFraction,
    int heapEverySeconds, boolean abuse, int abuseClients, List<String> voices, long seed,
    int canaries, int phaseSeconds, String abuseApiKey, List<String> abuseKinds,
    boolean abMirror) {

  /** Whether the canaries are compared without and with the abuse mix, in alternating phases. */
  boolean ab() {
    return phaseSeconds > 0;
  }

  /** Number of A/B phases (even, at least 2). */
  int phases() {
    return ab() ? seconds / phaseSeconds : 0;
  }

  static final String USAGE = """
      usage: voicewire bench soak [--minutes N | --seconds S] [--sessions M] [--server URL]
                                  [--api-key KEY] [--cut-fraction F] [--heap-every SECONDS]
                                  [--abuse] [--abuse-clients K] [--abuse-api-key KEY]
                                  [--abuse-kinds K1,K2]
                                  [--ab] [--ab-mirror] [--phase-seconds S] [--canaries N]
                                  [--voices V1,V2] [--seed N]
        Mixed TTS stream-input, realtime STT and multi-context TTS sessions against a server
        (in-process on the offline engine unless --server is given), a share of them through a
        proxy that cuts connections (the SDK resumes). Reports heap over time, lost and repeated
        content, errors by kind and latency percentiles as Markdown. Exit code 1 when content
        was lost or repeated.
        --minutes N         run time (default 5); --seconds S for short runs
        --sessions M        concurrent normal sessions (default 30)
        --server URL        a running server (default: one in-process on the offline engine)
        --api-key KEY       its API key (default: $VOICEWIRE_API_KEY)
        --cut-fraction F    share of sessions through the cutting proxy (default 0.25)
        --heap-every S      seconds between heap samples (default: run time / 15, at least 5)
        --abuse             add the abuse mix (issue: resource bounds) and a canary's latency
        --abuse-clients K   abusive clients per kind (default 3)
        --abuse-api-key KEY the abusers' key (default: in-process a key of their own, else
                            --api-key)
        --abuse-kinds K1,K2 only these abusive clients (default all: never-read,
                            huge-context-id, stt-burst-flood, slow-upload, unauthenticated,
                            nothing-to-say, context-reuse, low-rate-wav): which abuse costs
                            the canaries what
        --ab                canary latency without and with the abuse mix in one run: phases of
                            --phase-seconds alternate quiet and abused (A/B/A/B...); the run
                            time is rounded up to an even number of phases
        --ab-mirror         with --ab: the quiet phases run the same clients well-behaved
                            (stt-burst-flood's bursts sent at real time; kinds without a
                            mirror run nothing), so B costs the canaries only what the
                            abuse adds to the same number of sessions
        --phase-seconds S   length of one A/B phase (default 60)
        --canaries N        canary workers on clean connections (default 1: TTS and STT in
                            turn; with --ab 3); of several, even ones run TTS, odd ones STT
        --voices V1,V2      TTS voices used in turn (default kevin16,cmu-slt-hsmm)
        --seed N            random seed (default 2026)
      """;

  static SoakOptions parse(String... args) {
    int seconds = 300;
    int sessions = 30;
    String server = null;
    String apiKey = System.getenv("VOICEWIRE_API_KEY");
    double cut = 0.25;
    int heapEvery = -1;
    boolean abuse = false;
    int abuseClients = 3;
    List<String> voices = List.of("kevin16", "cmu-slt-hsmm");
    long seed = 2026;
    boolean ab = false;
    int phaseSeconds = 60;
    int canaries = -1;
    String abuseKey = null;
    List<String> abuseKinds = Abuse.KINDS;
    boolean mirror = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--minutes" -> seconds = (int) Math.round(Double.parseDouble(value(args, ++i, a)) * 60);
        case "--seconds" -> seconds = Integer.parseInt(value(args, ++i, a));
        case "--sessions" -> sessions = Integer.parseInt(value(args, ++i, a));
        case "--server" -> server = value(args, ++i, a);
        case "--api-key" -> apiKey = value(args, ++i, a);
        case "--cut-fraction" -> cut = Double.parseDouble(value(args, ++i, a));
        case "--heap-every" -> heapEvery = Integer.parseInt(value(args, ++i, a));
        case "--abuse" -> abuse = true;
        case "--abuse-clients" -> abuseClients = Integer.parseInt(value(args, ++i, a));
        case "--voices" -> voices = List.of(value(args, ++i, a).split(","));
        case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
        case "--ab" -> ab = true;
        case "--ab-mirror" -> mirror = true;
        case "--phase-seconds" -> phaseSeconds = Integer.parseInt(value(args, ++i, a));
        case "--canaries" -> canaries = Integer.parseInt(value(args, ++i, a));
        case "--abuse-api-key" -> abuseKey = value(args, ++i, a);
        case "--abuse-kinds" -> abuseKinds = List.of(value(args, ++i, a).split(","));
        default -> throw new IllegalArgumentException("unknown option '" + a + "'\n" + USAGE);
      }
    }
    if (seconds < 1 || sessions < 0 || cut < 0 || cut > 1 || abuseClients < 0
        || voices.isEmpty() || phaseSeconds < 10 || canaries < -1) {
      throw new IllegalArgumentException("need --seconds >= 1, --sessions >= 0, --cut-fraction "
          + "in [0,1], --abuse-clients >= 0, at least one voice, --phase-seconds >= 10, "
          + "--canaries >= 0\n" + USAGE);
    }
    for (String k : abuseKinds) {
      if (!Abuse.KINDS.contains(k)) {
        throw new IllegalArgumentException("unknown abuse kind '" + k + "'; known: "
            + String.join(",", Abuse.KINDS) + "\n" + USAGE);
      }
    }
    if (mirror && !ab) {
      throw new IllegalArgumentException("--ab-mirror needs --ab\n" + USAGE);
    }
    if (canaries < 0) {
      canaries = ab ? 3 : 1;
    }
    if (ab) {
      abuse = true;
      int phases = Math.max(2, (seconds + phaseSeconds - 1) / phaseSeconds);
      seconds = (phases + phases % 2) * phaseSeconds;
    }
    if (heapEvery < 1) {
      heapEvery = Math.max(5, seconds / 15);
    }
    return new SoakOptions(seconds, sessions, server, apiKey, cut, heapEvery, abuse,
        abuseClients, new ArrayList<>(voices), seed, canaries, ab ? phaseSeconds : 0, abuseKey,
        List.copyOf(abuseKinds), mirror);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
    }
    return args[i];
  }
}
