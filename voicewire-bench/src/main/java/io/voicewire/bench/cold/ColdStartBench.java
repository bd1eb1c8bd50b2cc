package io.voicewire.bench.cold;

import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.TtsClientMessage;
import io.voicewire.protocol.TtsServerMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code voicewire bench cold}: what the first users of a freshly started server get. Each start
 * runs {@code java -jar JAR serve --port 0} (the offline engine) in its own JVM, waits for
 * {@code /readyz} to answer 200, then opens {@code --sessions} text-to-speech sessions one after
 * another and measures each one's first audio: from sending a flushed sentence to the first
 * audio message, on the JDK's own WebSocket client. With several {@code --jar}s the starts
 * alternate between them (A B A B ...), so a noisy machine affects each alike.
 *
 * <pre>
 * voicewire bench cold [--starts 5] [--sessions 2] [--jar A.jar --jar B.jar] [--text "..."]
 *                      [--format pcm_16000|mp3_44100_128|opus_48000_64|...]
 * </pre>
 */
public final class ColdStartBench {
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(240);
  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)/");
  private static final Pattern VOICE = Pattern.compile("\"voice_id\"\\s*:\\s*\"([^\"]+)\"");
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private ColdStartBench() {}

  /** Runs the benchmark; prints a Markdown table. */
  public static void main(String[] args) throws Exception {
    List<Path> jars = new ArrayList<>();
    int starts = 5;
    int sessions = 2;
    String text = "Hello there, how can I help you today?";
    String format = "pcm_16000";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--jar" -> jars.add(Path.of(args[++i]));
        case "--starts" -> starts = Integer.parseInt(args[++i]);
        case "--sessions" -> sessions = Integer.parseInt(args[++i]);
        case "--text" -> text = args[++i];
        case "--format" -> format = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; known: --jar PATH (repeatable), --starts N, --sessions N, --text TEXT,"
            + " --format F");
      }
    }
    if (jars.isEmpty()) {
      jars.add(Path.of("voicewire-cli/target/voicewire.jar"));
    }
    for (Path jar : jars) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalArgumentException("no such jar: " + jar);
      }
    }
    Map<Path, List<long[]>> results = new LinkedHashMap<>();
    for (int s = 0; s < starts; s++) {
      for (Path jar : jars) {
        long[] r = oneStart(jar, sessions, text, format);
        results.computeIfAbsent(jar, k -> new ArrayList<>()).add(r);
        System.out.println("start " + (s + 1) + " " + jar.getFileName() + ": ready after "
            + r[0] + " ms, first audio " + Arrays.toString(Arrays.copyOfRange(r, 1, r.length))
            + " ms");
      }
    }
    StringBuilder head = new StringBuilder("| jar | starts | /readyz 200 after, ms |");
    StringBuilder rule = new StringBuilder("|---|---|---|");
    for (int k = 1; k <= sessions; k++) {
      head.append(" session ").append(k).append(" first audio, ms |");
      rule.append("---|");
    }
    System.out.println();
    System.out.println("median (min–max) over the starts");
    System.out.println();
    System.out.println(head);
    System.out.println(rule);
    for (Map.Entry<Path, List<long[]>> e : results.entrySet()) {
      StringBuilder row = new StringBuilder("| " + e.getKey() + " | " + e.getValue().size()
          + " |");
      for (int col = 0; col <= sessions; col++) {
        final int c = col;
        row.append(' ').append(summary(e.getValue().stream().mapToLong(r -> r[c]).toArray()))
            .append(" |");
      }
      System.out.println(row);
    }
  }

  private static String summary(long[] values) {
    long[] v = values.clone();
    Arrays.sort(v);
    return String.format(Locale.ROOT, "%d (%d–%d)", v[v.length / 2], v[0], v[v.length - 1]);
  }

  /** One cold start of {@code jar}: ms until ready, then each session's first audio, ms. */
  static long[] oneStart(Path jar, int sessions, String text, String format)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(java, "-jar", jar.toString(), "serve", "--port", "0",
        "--drain-seconds", "0").redirectErrorStream(true).start();
    try {
      int port = port(p);
      String base = "127.0.0.1:" + port;
      long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
      while (status("http://" + base + "/readyz") != 200) {
        if (System.nanoTime() > deadline || !p.isAlive()) {
          throw new IllegalStateException("the server did not become ready");
        }
        Thread.sleep(20);
      }
      long[] out = new long[sessions + 1];
      out[0] = (System.nanoTime() - t0) / 1_000_000;
      String voice = firstVoice("http://" + base + "/v1/voices");
      for (int k = 1; k <= sessions; k++) {
        out[k] = firstAudioMillis("ws://" + base + "/v1/text-to-speech/" + voice
            + "/stream-input?output_format=" + format, text);
      }
      return out;
    } finally {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Reads the server's output until it says its port; the rest is drained in the background. */
  private static int port(Process p) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread.ofPlatform().daemon().start(() -> {
      try {
        for (String line; (line = r.readLine()) != null; ) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
        }
      } catch (Exception e) {
        port.completeExceptionally(e);
      }
      port.completeExceptionally(new IllegalStateException("the server exited"));
    });
    return port.get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private static int status(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static String firstVoice(String url) throws Exception {
    String body = HTTP.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = VOICE.matcher(body);
    if (!m.find()) {
      throw new IllegalStateException("no voice in " + body);
    }
    return m.group(1);
  }

  /** One stream-input session: ms from sending the flushed text to the first audio message. */
  private static long firstAudioMillis(String url, String text) throws Exception {
    CompletableFuture<Long> firstAudio = new CompletableFuture<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    WebSocket.Listener listener = new WebSocket.Listener() {
      private final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          long now = System.nanoTime();
          try {
            TtsServerMessage m = TtsServerMessage.decode(partial.toString());
            if (m instanceof TtsServerMessage.Audio) {
              firstAudio.complete(now);
            } else if (m instanceof TtsServerMessage.Final) {
              done.complete(null);
            }
          } catch (ProtocolException e) {
            done.completeExceptionally(e);
            firstAudio.completeExceptionally(e);
          }
          partial.setLength(0);
        }
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
        done.complete(null);
        firstAudio.completeExceptionally(new IllegalStateException("closed " + code + " "
            + reason + " before any audio"));
        return null;
      }

      @Override
      public void onError(WebSocket ws, Throwable error) {
        done.completeExceptionally(error);
        firstAudio.completeExceptionally(error);
      }
    };
    WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(url), listener)
        .get(30, TimeUnit.SECONDS);
    try {
      ws.sendText(TtsClientMessage.text(" ", false, null).encode(), true)
          .get(30, TimeUnit.SECONDS);
      long sentAt = System.nanoTime();
      ws.sendText(TtsClientMessage.text(text + " ", true, null).encode(), true)
          .get(30, TimeUnit.SECONDS);
      ws.sendText(TtsClientMessage.text("", false, null).encode(), true)
          .get(30, TimeUnit.SECONDS);
      long first = firstAudio.get(60, TimeUnit.SECONDS);
      done.get(60, TimeUnit.SECONDS);
      return (first - sentAt) / 1_000_000;
    } finally {
      ws.abort();
    }
  }
}
