package io.voicewire.cli;

import io.voicewire.client.VoiceClient;
import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.server.VoicewireServer;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options shared by the commands that use the SDK ({@code speak}, {@code transcribe},
 * {@code token}): which server, with which key. A picocli mixin.
 *
 * <p>Without {@code --server}, {@link #open()} starts a voicewire server in this process on a free
 * loopback port over the offline engine and points the SDK at it: the same code path as any
 * remote server.
 *
 * <p>It also gives its command the command's output streams and usage errors, so that a command
 * with this mixin needs no {@code @Spec} of its own.
 */
public final class ClientOptions {
  /** The environment variable with an ElevenLabs API key. */
  public static final String ELEVENLABS_KEY_ENV = "ELEVENLABS_API_KEY";
  /** The environment variable with a voicewire server API key. */
  public static final String VOICEWIRE_KEY_ENV = "VOICEWIRE_API_KEY";

  @Option(names = "--server", paramLabel = "URL",
      description = "Server base URL, e.g. http://localhost:8080 or https://api.elevenlabs.io "
          + "(default: an offline engine in this process).")
  String server;

  @Option(names = "--api-key", paramLabel = "KEY",
      description = "API key (default: $" + ELEVENLABS_KEY_ENV + " for *.elevenlabs.io, else $"
          + VOICEWIRE_KEY_ENV + "). Prefer the environment: options show in the process list.")
  String apiKey;

  /** The command this mixin is part of (picocli injects it). */
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /** For testing: reads the environment. */
  java.util.function.Function<String, String> env = System::getenv;

  /** A client, and what was started for it; close both with {@link #close()}. */
  public record Target(VoiceClient client, VoicewireServer server,
      LocalSpeechProvider provider) implements AutoCloseable {
    /** True when the target is the in-process offline engine. */
    public boolean local() {
      return server != null;
    }

    @Override
    public void close() {
      client.close();
      if (server != null) {
        server.close();
      }
      if (provider != null) {
        provider.close();
      }
    }
  }

  /** The command's standard output. */
  PrintWriter out() {
    return command.commandLine().getOut();
  }

  /** The command's error output. */
  PrintWriter err() {
    return command.commandLine().getErr();
  }

  /** A usage error of the command: picocli prints {@code message} and the usage (exit code 2). */
  CommandLine.ParameterException usageError(String message) {
    return new CommandLine.ParameterException(command.commandLine(), message);
  }

  /** The key to use for {@code url}, or null. */
  String keyFor(String url) {
    if (apiKey != null && !apiKey.isBlank()) {
      return apiKey;
    }
    String host = url == null ? "" : String.valueOf(URI.create(url).getHost())
        .toLowerCase(Locale.ROOT);
    String k = host.endsWith("elevenlabs.io") ? env.apply(ELEVENLABS_KEY_ENV)
        : env.apply(VOICEWIRE_KEY_ENV);
    return k == null || k.isBlank() ? null : k;
  }

  /** Longest wait for the in-process engine to load and warm up, seconds. */
  static final long ENGINE_READY_SECONDS = 300;
  /** After end of input, the longest wait for the next server message (slow engines), seconds. */
  static final long FINISH_TIMEOUT_SECONDS = 120;

  /**
   * Opens the target; for the in-process engine, waits until it is warm (telling {@code err}).
   *
   * @throws IllegalArgumentException for a malformed {@code --server}
   */
  public Target open(java.io.PrintWriter err) throws Exception {
    Target t = open();
    if (t.provider() != null && !t.provider().isReady()) {
      err.println("warming up the offline engine (the first run takes a while)...");
      err.flush();
      long start = System.nanoTime();
      boolean ready;
      try (Terminal.StatusLine progress = Terminal.StatusLine.start(err, Terminal.interactive(),
          () -> String.format(java.util.Locale.ROOT, "warming up the offline engine... %.0f s",
              (System.nanoTime() - start) / 1e9))) {
        ready = t.provider().awaitReady(ENGINE_READY_SECONDS,
            java.util.concurrent.TimeUnit.SECONDS);
      }
      if (!ready) {
        t.close();
        throw new java.io.IOException("the offline engine was not ready after "
            + ENGINE_READY_SECONDS + " s");
      }
      err.printf(java.util.Locale.ROOT, "engine ready after %.1f s%n",
          (System.nanoTime() - start) / 1e9);
      err.flush();
    }
    return t;
  }

  /**
   * Opens the target without waiting for an in-process engine.
   *
   * @throws IllegalArgumentException for a malformed {@code --server}
   */
  public Target open() throws Exception {
    java.time.Duration finish = java.time.Duration.ofSeconds(FINISH_TIMEOUT_SECONDS);
    if (server != null) {
      VoiceClient c = VoiceClient.builder().baseUrl(server).apiKey(keyFor(server))
          .finishTimeout(finish).build();
      return new Target(c, null, null);
    }
    // the in-process server is a detail of this command: keep its session logs quiet
    System.setProperty("org.slf4j.simpleLogger.log.io.voicewire.server",
        System.getProperty("org.slf4j.simpleLogger.log.io.voicewire.server", "error"));
    System.setProperty("org.slf4j.simpleLogger.log.io.voicewire.engine",
        System.getProperty("org.slf4j.simpleLogger.log.io.voicewire.engine", "warn"));
    LocalSpeechProvider p = LocalSpeechProvider.create();
    VoicewireServer s = VoicewireServer.create(c -> c.provider(p));
    int port;
    try {
      port = s.start(0);
    } catch (Exception e) {
      p.close();
      throw e;
    }
    VoiceClient c = VoiceClient.builder().baseUrl("http://127.0.0.1:" + port)
        .finishTimeout(finish).build();
    return new Target(c, s, p);
  }
}
