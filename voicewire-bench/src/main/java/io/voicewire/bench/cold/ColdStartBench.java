package io.voicewire.bench.cold;

import io.voicewire.protocol.DialogueClientMessage;
import io.voicewire.protocol.DialogueServerMessage;
import io.voicewire.protocol.HttpTtsBody;
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
 * another on one {@link Route} and measures each one's first audio: from sending a flushed
 * sentence (or the request) to the first audio, on the JDK's own HTTP and WebSocket clients.
 * With several {@code --jar}s the starts alternate between them (A B A B ...), so a noisy
 * machine affects each alike.
 *
 * <pre>
 * voicewire bench cold [--starts 5] [--sessions 2] [--jar A.jar --jar B.jar] [--text "..."]
 *                      [--format pcm_16000|mp3_44100_128|opus_48000_64|...]
 *                      [--path stream-input|multi-stream-input|http-stream|dialogue]
 * </pre>
 */
public final class ColdStartBench {
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(240);
  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)/");
  private static final Pattern VOICE = Pattern.compile("\"voice_id\"\\s*:\\s*\"([^\"]+)\"");
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private ColdStartBench() {}

  /** Where a session asks for speech. */
  enum Route {
    /** {@code /v1/text-to-speech/{voice_id}/stream-input}: text pieces in, audio messages out. */
    STREAM_INPUT("stream-input"),
    /** {@code .../multi-stream-input}: the same in a named context, closed when voiced. */
    MULTI_STREAM_INPUT("multi-stream-input"),
    /** {@code POST /v1/text-to-speech/{voice_id}/stream}: the audio as the response's body. */
    HTTP_STREAM("http-stream"),
    /**
     * {@code /v1/text-to-dialogue/stream-input} ({@code eleven_v3}): two voices registered, the
     * text as the first voice's line.
     */
    DIALOGUE("dialogue");

    final String option;

    Route(String option) {
      this.option = option;
    }

    static Route of(String option) {
      for (Route p : values()) {
        if (p.option.equals(option)) {
          return p;
        }
      }
      throw new IllegalArgumentException("unknown --path " + option
          + "; known: stream-input, multi-stream-input, http-stream, dialogue");
    }
  }

  /** Runs the benchmark; prints a Markdown table. */
  public static void main(String[] args) throws Exception {
    List<Path> jars = new ArrayList<>();
    int starts = 5;
    int sessions = 2;
    String text = "Hello there, how can I help you today?";
    String format = "pcm_16000";
    Route route = Route.STREAM_INPUT;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--jar" -> jars.add(Path.of(args[++i]));
        case "--starts" -> starts = Integer.parseInt(args[++i]);
        case "--sessions" -> sessions = Integer.parseInt(args[++i]);
        case "--text" -> text = args[++i];
        case "--format" -> format = args[++i];
        case "--path" -> route = Route.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; known: --jar PATH (repeatable), --starts N, --sessions N, --text TEXT,"
            + " --format F, --path stream-input|multi-stream-input|http-stream|dialogue");
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
        long[] r = oneStart(jar, sessions, text, format, List.of(route));
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
    System.out.println("median (min–max) over the starts; " + route.option + ", " + format);
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

  /**
   * One cold start of {@code jar}: ms until ready, then each session's first audio, ms. Session
   * {@code k} (from 1) goes to {@code routes[(k - 1) % routes.size()]}.
   */
  static long[] oneStart(Path jar, int sessions, String text, String format,
      List<Route> routes) throws Exception {
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
      List<String> voices = voices("http://" + base + "/v1/voices");
      for (int k = 1; k <= sessions; k++) {
        String speech = base + "/v1/text-to-speech/" + voices.get(0);
        out[k] = switch (routes.get((k - 1) % routes.size())) {
          case STREAM_INPUT -> firstAudioMillis("ws://" + speech + "/stream-input?output_format="
              + format, tts(text, null), ColdStartBench::tts);
          case MULTI_STREAM_INPUT -> firstAudioMillis("ws://" + speech
              + "/multi-stream-input?output_format=" + format, tts(text, "turn-" + k),
              ColdStartBench::tts);
          case HTTP_STREAM -> firstBodyMillis("http://" + speech + "/stream?output_format="
              + format, text);
          case DIALOGUE -> firstAudioMillis("ws://" + base + "/v1/text-to-dialogue/stream-input"
              + "?model_id=eleven_v3&output_format=" + format, dialogue(text, voices),
              ColdStartBench::dialogue);
        };
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

  /** The voice ids of {@code GET /v1/voices}, in its order; at least two. */
  private static List<String> voices(String url) throws Exception {
    String body = HTTP.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
    List<String> ids = new ArrayList<>();
    for (Matcher m = VOICE.matcher(body); m.find(); ) {
      ids.add(m.group(1));
    }
    if (ids.size() < 2) {
      throw new IllegalStateException("fewer than two voices in " + body);
    }
    return ids;
  }

  /** A session's messages: those before the timed one, the timed one, those after it. */
  private record Script(List<String> before, String timed, List<String> after) {}

  /** What a server message is to the timing. */
  private enum Kind { AUDIO, FINAL, OTHER }

  /** Classifies a server message of one route. */
  private interface Classifier {
    Kind of(String json) throws ProtocolException;
  }

  /**
   * A stream-input session, or with {@code contextId} one context of a multi-stream-input
   * session (closed after its text): an init, the flushed text (timed), the end.
   */
  private static Script tts(String text, String contextId) {
    String end = contextId == null ? TtsClientMessage.text("", false, null).encode()
        : new TtsClientMessage(null, false, false, null, null, List.of(), null, null,
            contextId, true, false).encode();
    return new Script(List.of(TtsClientMessage.text(" ", false, contextId).encode()),
        TtsClientMessage.text(text + " ", true, contextId).encode(), List.of(end));
  }

  private static Kind tts(String json) throws ProtocolException {
    TtsServerMessage m = TtsServerMessage.decode(json);
    return m instanceof TtsServerMessage.Audio ? Kind.AUDIO
        : m instanceof TtsServerMessage.Final ? Kind.FINAL : Kind.OTHER;
  }

  /**
   * A dialogue: the first two voices registered, the text as the first voice's line, flushed
   * (timed), then {@code close_socket}.
   */
  private static Script dialogue(String text, List<String> voices) {
    String register = new DialogueClientMessage(null, List.of(), false, false, false, false,
        voices.subList(0, 2), null, List.of(), null, null, null).encode();
    String line = DialogueClientMessage.lines(null,
        List.of(new DialogueClientMessage.Input(text + " ", voices.get(0), false)), true).encode();
    return new Script(List.of(register), line,
        List.of(DialogueClientMessage.control(null, false, false, true, false).encode()));
  }

  private static Kind dialogue(String json) throws ProtocolException {
    DialogueServerMessage m = DialogueServerMessage.decode(json);
    return m instanceof DialogueServerMessage.Audio ? Kind.AUDIO
        : m instanceof DialogueServerMessage.Final ? Kind.FINAL : Kind.OTHER;
  }

  /**
   * One {@code POST .../stream} request: ms from sending it to the first bytes of audio in the
   * response's body, which is then read to its end.
   */
  private static long firstBodyMillis(String url, String text) throws Exception {
    String body = new HttpTtsBody(text, "eleven_flash_v2_5", null, null, null, null, null, "auto",
        List.of()).encode();
    HttpRequest rq = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    long sentAt = System.nanoTime();
    HttpResponse<java.io.InputStream> r = HTTP.send(rq, HttpResponse.BodyHandlers.ofInputStream());
    try (java.io.InputStream in = r.body()) {
      if (r.statusCode() != 200) {
        throw new IllegalStateException("HTTP " + r.statusCode() + ": "
            + new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      if (in.read() < 0) {
        throw new IllegalStateException("an empty body");
      }
      long first = System.nanoTime();
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return (first - sentAt) / 1_000_000;
    }
  }

  /**
   * One WebSocket session playing {@code script}: ms from sending its timed message to the first
   * audio message; then waits for the final message.
   */
  private static long firstAudioMillis(String url, Script script, Classifier kind)
      throws Exception {
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
            Kind k = kind.of(partial.toString());
            if (k == Kind.AUDIO) {
              firstAudio.complete(now);
            } else if (k == Kind.FINAL) {
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
      for (String m : script.before()) {
        ws.sendText(m, true).get(30, TimeUnit.SECONDS);
      }
      long sentAt = System.nanoTime();
      ws.sendText(script.timed(), true).get(30, TimeUnit.SECONDS);
      for (String m : script.after()) {
        ws.sendText(m, true).get(30, TimeUnit.SECONDS);
      }
      long first = firstAudio.get(60, TimeUnit.SECONDS);
      done.get(60, TimeUnit.SECONDS);
      return (first - sentAt) / 1_000_000;
    } finally {
      ws.abort();
    }
  }
}
