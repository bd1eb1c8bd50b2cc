package io.voicewire.bench.cold;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 *                      [--path stream-input|multi-stream-input|http-stream|dialogue|stt]
 *                      [--wav clip.wav]   (stt: 16 kHz mono 16-bit speech; default: the
 *                                          --text, spoken by the server over HTTP first)
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
    DIALOGUE("dialogue"),
    /**
     * {@code /v1/speech-to-text/realtime}: a 16 kHz clip sent in 100 ms chunks at real time, then
     * a manual commit; timed from the first chunk to the first partial with words.
     */
    STT("stt");

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
          + "; known: stream-input, multi-stream-input, http-stream, dialogue, stt");
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
    byte[] clip = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--jar" -> jars.add(Path.of(args[++i]));
        case "--starts" -> starts = Integer.parseInt(args[++i]);
        case "--sessions" -> sessions = Integer.parseInt(args[++i]);
        case "--text" -> text = args[++i];
        case "--format" -> format = args[++i];
        case "--path" -> route = Route.of(args[++i]);
        case "--wav" -> clip = ColdSessions.pcm16k(Path.of(args[++i]));
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; known: --jar PATH (repeatable), --starts N, --sessions N, --text TEXT,"
            + " --format F, --path stream-input|multi-stream-input|http-stream|dialogue|stt,"
            + " --wav FILE");
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
        long[] r = oneStart(jar, sessions, text, format, List.of(route), clip);
        results.computeIfAbsent(jar, k -> new ArrayList<>()).add(r);
        System.out.println("start " + (s + 1) + " " + jar.getFileName() + ": ready after "
            + r[0] + " ms, first " + (route == Route.STT ? "words " : "audio ")
            + Arrays.toString(Arrays.copyOfRange(r, 1, sessions + 1)) + " ms"
            + (route == Route.STT ? ", commit → committed transcript "
                + Arrays.toString(Arrays.copyOfRange(r, sessions + 1, r.length)) + " ms" : ""));
      }
    }
    StringBuilder head = new StringBuilder("| jar | starts | /readyz 200 after, ms |");
    StringBuilder rule = new StringBuilder("|---|---|---|");
    for (int k = 1; k <= sessions; k++) {
      head.append(" session ").append(k).append(route == Route.STT ? " first words, ms |"
          : " first audio, ms |");
      rule.append("---|");
    }
    int columns = sessions;
    if (route == Route.STT) {
      for (int k = 1; k <= sessions; k++) {
        head.append(" session ").append(k).append(" commit → committed, ms |");
        rule.append("---|");
      }
      columns = 2 * sessions;
    }
    System.out.println();
    System.out.println("median (min–max) over the starts; " + route.option + ", " + format);
    System.out.println();
    System.out.println(head);
    System.out.println(rule);
    for (Map.Entry<Path, List<long[]>> e : results.entrySet()) {
      StringBuilder row = new StringBuilder("| " + e.getKey() + " | " + e.getValue().size()
          + " |");
      for (int col = 0; col <= columns; col++) {
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
   * One cold start of {@code jar}: ms until ready, then each session's first audio (STT: first
   * words), then each session's time from its commit to its committed transcript (-1 for a TTS
   * session), ms. Session {@code k} (from 1) goes to {@code routes[(k - 1) % routes.size()]}.
   *
   * @param clip 16 kHz mono 16-bit PCM for the STT sessions; null: {@code text} spoken by the
   *     server ({@code POST .../stream} in {@code pcm_16000}) once it is ready, before the
   *     sessions (which runs its TTS side before the first STT session)
   */
  static long[] oneStart(Path jar, int sessions, String text, String format,
      List<Route> routes, byte[] clip) throws Exception {
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
      long[] out = new long[2 * sessions + 1];
      Arrays.fill(out, sessions + 1, out.length, -1);
      out[0] = (System.nanoTime() - t0) / 1_000_000;
      List<String> voices = voices("http://" + base + "/v1/voices");
      if (clip == null && routes.contains(Route.STT)) {
        clip = ColdSessions.speak("http://" + base + "/v1/text-to-speech/" + voices.get(0)
            + "/stream?output_format=pcm_16000", text);
      }
      for (int k = 1; k <= sessions; k++) {
        String speech = base + "/v1/text-to-speech/" + voices.get(0);
        out[k] = switch (routes.get((k - 1) % routes.size())) {
          case STREAM_INPUT -> ColdSessions.firstAudioMillis("ws://" + speech
              + "/stream-input?output_format=" + format, ColdSessions.tts(text, null),
              ColdSessions::tts);
          case MULTI_STREAM_INPUT -> ColdSessions.firstAudioMillis("ws://" + speech
              + "/multi-stream-input?output_format=" + format,
              ColdSessions.tts(text, "turn-" + k), ColdSessions::tts);
          case HTTP_STREAM -> ColdSessions.firstBodyMillis("http://" + speech
              + "/stream?output_format=" + format, text);
          case DIALOGUE -> ColdSessions.firstAudioMillis("ws://" + base
              + "/v1/text-to-dialogue/stream-input?model_id=eleven_v3&output_format=" + format,
              ColdSessions.dialogue(text, voices), ColdSessions::dialogue);
          case STT -> {
            long[] w = ColdSessions.sttMillis("ws://" + base + "/v1/speech-to-text/realtime"
                + "?model_id=scribe_v2_realtime&audio_format=pcm_16000&commit_strategy=manual",
                clip);
            out[sessions + k] = w[1];
            yield w[0];
          }
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
}
