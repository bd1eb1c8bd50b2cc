package io.voicewire.cli;

import io.voicewire.client.ElevenLabsProvider;
import io.voicewire.client.VoiceClient;
import io.voicewire.engine.local.Endpointing;
import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.server.Limits;
import io.voicewire.server.ServerConfig;
import io.voicewire.server.VoicewireServer;
import io.voicewire.speech.SpeechProvider;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code voicewire serve}: the server over a speech backend, until Ctrl-C.
 *
 * <p>API keys come only from the environment ({@value ServerConfig#API_KEYS_ENV}), never from the
 * command line, where other users could read them in the process list.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Run the voicewire server: ElevenLabs-compatible WebSocket and HTTP endpoints "
        + "over a speech backend.",
        "API keys are read from the environment variable VOICEWIRE_API_KEYS (comma "
            + "separated); without keys the "
            + "server runs in local-development mode and binds to loopback only."})
public final class ServeCommand implements Callable<Integer> {
  /** The backends {@code --backend} accepts. */
  static final List<String> BACKENDS = List.of("local", "elevenlabs");
  /** The environment variable overriding the elevenlabs backend's base URL. */
  static final String ELEVENLABS_BASE_URL_ENV = "ELEVENLABS_BASE_URL";

  @Spec
  CommandSpec spec;

  @Mixin
  ListenPort listen;

  @Option(names = "--bind", defaultValue = "${env:VOICEWIRE_BIND:-127.0.0.1}",
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(names = "--backend", defaultValue = "local",
      description = "Speech backend: local (offline engine) or elevenlabs (relay to the cloud "
          + "with $ELEVENLABS_API_KEY) (default: ${DEFAULT-VALUE}).")
  String backend;

  @Option(names = "--vad", defaultValue = "${env:VOICEWIRE_VAD:-silero}", paramLabel = "DETECTOR",
      description = "End-of-speech detector of the offline engine's VAD commits: silero (a small "
          + "neural network, far fewer false commits in noise) or energy "
          + "(default: ${DEFAULT-VALUE}).")
  String vad;

  @Option(names = "--upstream", paramLabel = "URL",
      description = "Base URL the elevenlabs backend relays to (default: $"
          + ELEVENLABS_BASE_URL_ENV + ", else https://api.elevenlabs.io).")
  String upstream;

  @Option(names = "--allowed-origin", split = ",", paramLabel = "ORIGIN",
      description = "Browser origin allowed besides the server's own, e.g. "
          + "https://app.example.com; repeatable; * allows any.")
  List<String> allowedOrigins = List.of();

  @Option(names = "--redis", paramLabel = "URL", defaultValue = "${env:VOICEWIRE_REDIS_URL}",
      description = "Share single-use tokens and per-key limits with every replica using this "
          + "Redis, e.g. redis://redis:6379 (default: $VOICEWIRE_REDIS_URL; none keeps them in "
          + "this process).")
  String redis;

  @Option(names = "--drain-seconds", paramLabel = "SECONDS",
      defaultValue = "${env:VOICEWIRE_DRAIN_SECONDS:-30}",
      description = "On SIGTERM: how long live sessions get to move elsewhere (close 1012) "
          + "before the process exits (default: ${DEFAULT-VALUE}).")
  int drainSeconds;

  @Mixin
  LimitOptions limitOptions;

  @Option(names = "--max-session-starts-per-minute-per-key", paramLabel = "N",
      description = "Session starts per API key per minute, across replicas with --redis "
          + "(default: no limit).")
  Integer maxStartsPerMinute;

  @Option(names = "--lease-seconds", paramLabel = "SECONDS",
      description = "With --redis: a replica that dies gives its per-key session slots back "
          + "within this time (default: 15).")
  Integer leaseSeconds;

  @Option(names = "--metrics-allowed-from", split = ",", paramLabel = "ADDRESS",
      description = "Only these addresses or CIDR blocks may read GET /metrics, e.g. "
          + "10.0.0.0/8; repeatable (default: anyone who reaches the port).")
  List<String> metricsAllowedFrom;

  @Option(names = "--demo-tokens",
      description = "Serve GET /demo/token/{type} (mints single-use tokens without a key) even "
          + "with API keys configured. On by default only in local-development mode.")
  boolean demoTokens;

  /** For testing: how a backend name becomes a provider. */
  Function<String, SpeechProvider> backends = name -> openBackend(name, upstream, this.env, vad);
  /** For testing: the environment the elevenlabs backend reads. */
  Function<String, String> env = System::getenv;
  /** For testing: where API keys come from. */
  Supplier<List<String>> apiKeys = ServerConfig::apiKeysFromEnvironment;
  /** Released to stop a running server (Ctrl-C does it through a shutdown hook). */
  final CountDownLatch stop = new CountDownLatch(1);
  /** For testing: the bound port once running, else -1. */
  volatile int boundPort = -1;

  @Override
  public Integer call() throws Exception {
    List<String> keys = apiKeys.get();
    PrintWriter err = spec.commandLine().getErr();
    if (drainSeconds < 0) {
      return usage(err, "--drain-seconds must be >= 0: " + drainSeconds);
    }
    if (demoTokens && !keys.isEmpty() && !isLoopback(bind)) {
      return usage(err, "refusing --demo-tokens on " + bind + ": it mints tokens without a "
          + "key, so with API keys it is allowed only on a loopback --bind address");
    }
    Limits limits;
    try {
      limits = limitOptions.limits(env);
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    return run(spec, backend, bind, listen.port, keys, c -> {
      c.allowedOrigins(allowedOrigins);
      if (demoTokens) {
        c.demoTokens(true);
      }
      c.redis(redis);
      if (metricsAllowedFrom != null) {
        c.metricsAllowedFrom(metricsAllowedFrom);
      }
      c.limits(limits);
      if (maxStartsPerMinute != null) {
        c.maxSessionStartsPerMinutePerKey(maxStartsPerMinute);
      }
      if (leaseSeconds != null) {
        c.leaseTtl(Duration.ofSeconds(leaseSeconds));
      }
    }, false);
  }

  /** {@code silero} or {@code energy} ({@code --vad}). */
  static Endpointing endpointing(String vad) {
    return switch (vad == null ? "silero" : vad.toLowerCase(java.util.Locale.ROOT)) {
      case "silero" -> Endpointing.SILERO;
      case "energy" -> Endpointing.ENERGY;
      default -> throw new IllegalArgumentException("--vad must be silero or energy: " + vad);
    };
  }

  /**
   * Opens a backend by name; the names are {@link #BACKENDS}.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  static SpeechProvider openBackend(String name) {
    return openBackend(name, null, System::getenv, "silero");
  }

  /**
   * Opens a backend by name; {@code elevenlabs} takes its key from {@code ELEVENLABS_API_KEY} and
   * relays to {@code upstream}, else {@value #ELEVENLABS_BASE_URL_ENV}, else ElevenLabs.
   *
   * @throws IllegalArgumentException for an unknown name or a missing key
   */
  static SpeechProvider openBackend(String name, String upstream, Function<String, String> env,
      String vad) {
    return switch (name) {
      case "local" -> LocalSpeechProvider.builder().endpointing(endpointing(vad)).build();
      case "elevenlabs" -> {
        String key = env.apply(ClientOptions.ELEVENLABS_KEY_ENV);
        if (key == null || key.isBlank()) {
          throw new IllegalArgumentException("the elevenlabs backend needs "
              + ClientOptions.ELEVENLABS_KEY_ENV + " in the environment");
        }
        String url = upstream != null ? upstream : env.apply(ELEVENLABS_BASE_URL_ENV);
        yield ElevenLabsProvider.create(url == null || url.isBlank() ? VoiceClient.ELEVENLABS
            : url, key);
      }
      default -> throw new IllegalArgumentException("unknown backend '" + name + "'; known: "
          + String.join(", ", BACKENDS));
    };
  }

  /** Starts the server and waits for {@link #stop}; shared with {@code demo}. */
  Integer run(CommandSpec spec, String backendName, String bindAddress, int listenPort,
      List<String> keys, Consumer<ServerConfig> more, boolean demo) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (listenPort < 0 || listenPort > 65535) {
      return usage(err, "--port " + listenPort + " is not a port: use 1-65535, or 0 for any "
          + "free port");
    }
    if (keys.isEmpty() && !isLoopback(bindAddress)) {
      return usage(err, "refusing to bind " + bindAddress + " without API keys: set "
          + ServerConfig.API_KEYS_ENV + " (comma-separated keys) to serve other hosts, or bind "
          + "127.0.0.1 for local development");
    }
    SpeechProvider provider;
    try {
      provider = backends.apply(backendName);
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    VoicewireServer server;
    try {
      server = VoicewireServer.create(c -> {
        // the offline engine costs nothing per session: warm the server up before /readyz
        c.provider(provider).bindAddress(bindAddress).apiKeys(keys)
            .warmUpBeforeReady("local".equals(backendName));
        more.accept(c);
      });
    } catch (IllegalArgumentException e) {
      provider.close();
      return usage(err, e.getMessage());
    }
    int bound;
    try {
      bound = server.start(listenPort);
    } catch (Exception e) {
      boolean inUse = e instanceof BindException || e.getCause() instanceof BindException;
      if (inUse) { // said first: closing waits for the engine's start-up step to end
        err.println("voicewire: cannot listen on " + bindAddress + ":" + listenPort
            + " (in use?): choose another with --port");
        err.flush();
      }
      server.close();
      provider.close();
      if (inUse) {
        return CommandLine.ExitCode.SOFTWARE;
      }
      throw e;
    }
    CountDownLatch cleanedUp = new CountDownLatch(1);
    Thread hook = new Thread(() -> drainOnSignal(server, err, cleanedUp), "voicewire-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    String host = bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress;
    String url = "http://" + ("0.0.0.0".equals(bindAddress) ? "127.0.0.1" : host) + ":" + bound
        + "/";
    if (demo) {
      out.println("voicewire demo: open " + url + "  (offline engine; Ctrl-C to stop)");
    } else {
      out.println("voicewire server listening on " + url + " (backend " + provider.name()
          + (keys.isEmpty() ? ", local-development mode: no API keys, loopback only"
              : ", " + keys.size() + " API key(s)") + "); Ctrl-C to stop");
    }
    out.flush();
    boundPort = bound;
    try {
      if (!server.isReady()) {
        out.println("warming up the " + provider.name() + " engine (GET /readyz answers 200 when "
            + "it is ready)...");
        out.flush();
        waitReady(server, out);
      }
      stop.await();
    } finally {
      boundPort = -1;
      server.close();
      provider.close();
      cleanedUp.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting: the hook is running
      }
    }
    return CommandLine.ExitCode.OK;
  }

  /**
   * SIGTERM / Ctrl-C: drains (readiness 503, new sessions refused, live ones asked to move with
   * 1012), bounded by {@code --drain-seconds}, then lets {@link #run} stop and waits (bounded)
   * for its cleanup, so the JVM exits when the last session has gone or at the deadline.
   */
  private void drainOnSignal(VoicewireServer server, PrintWriter err, CountDownLatch cleanedUp) {
    try {
      if (drainSeconds > 0) {
        err.println("voicewire: draining (up to " + drainSeconds + " s): live sessions are "
            + "asked to reconnect elsewhere");
        err.flush();
        server.drain(Duration.ofSeconds(drainSeconds));
      }
      stop.countDown();
      cleanedUp.await(CLEANUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Longest the shutdown hook waits for the server and provider to close after the drain. */
  static final long CLEANUP_TIMEOUT_SECONDS = 10;

  private void waitReady(VoicewireServer server, PrintWriter out) throws InterruptedException {
    long start = System.nanoTime();
    while (!server.isReady() && !server.isDraining()) {
      if (stop.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        return;
      }
    }
    out.printf("ready after %.1f s%n", (System.nanoTime() - start) / 1e9);
    out.flush();
  }

  /** Says {@code voicewire: message} on standard error: a usage error (exit 2). */
  private static int usage(PrintWriter err, String message) {
    err.println("voicewire: " + message);
    err.flush();
    return CommandLine.ExitCode.USAGE;
  }

  static boolean isLoopback(String address) {
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (Exception e) {
      return false;
    }
  }
}
