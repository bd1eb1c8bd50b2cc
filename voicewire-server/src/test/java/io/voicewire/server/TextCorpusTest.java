package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.protocol.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every text of a held-out corpus of everyday texts ({@code text-corpus/everyday.tsv}: acronyms,
 * numbers, currency, dates and times, URLs, e-mail, emoji, other scripts, markup, code, very long
 * words and sentences, whitespace, control characters) goes through the real offline engine over
 * the real endpoints: HTTP {@code /stream} (kevin16) and {@code /stream/with-timestamps}
 * (cmu-slt-hsmm), and {@code stream-input} in LLM-style pieces of 1–6 characters on both voices.
 *
 * <p>For each text: speakable text gives audio whose alignment holds every input character
 * exactly once, in order; text with nothing speakable ends cleanly (isFinal, an empty 200) or gets
 * a 4xx; never a 5xx, a 1011 or a hang. A canary session speaks alongside the whole run and must
 * complete every round with exact alignment. Failures are collected, written to
 * {@code target/text-corpus-report.txt} and asserted at the end, so the count is visible.
 */
@Tag("slow")
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class TextCorpusTest {
  static final String CORPUS = "/text-corpus/everyday.tsv";
  static final String CANARY = "The canary keeps singing while the corpus runs. Every letter "
      + "must come back once. ";
  /** The canary's pause between rounds: it keeps a session going without hogging the engine. */
  static final long CANARY_PAUSE_MILLIS = 500;
  /**
   * Texts checked at once: the engine has a TTS worker per core, so two clients keep both busy
   * (the run takes about half as long as one text at a time).
   */
  static final int CORPUS_WORKERS = 2;
  /** How long one session may take from the end of its text to isFinal. */
  static final long SESSION_TIMEOUT_SECONDS = 60;

  static LocalSpeechProvider provider;
  static ServerFixture f;

  record Text(int line, String category, boolean silent, String text) {}

  @BeforeAll
  static void start() throws Exception {
    provider = LocalSpeechProvider.builder().sttDecoders(0).build();
    assertTrue(provider.awaitReady(240, TimeUnit.SECONDS), "the local engine did not load");
    f = ServerFixture.start(provider);
  }

  @AfterAll
  static void stop() {
    if (f != null) {
      f.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  @Test
  void everyTextSpeaksOrEndsCleanlyAndTheCanaryIsUnaffected() throws Exception {
    List<Text> corpus = load();
    assertTrue(corpus.size() >= 40, "corpus of " + corpus.size());
    AtomicBoolean running = new AtomicBoolean(true);
    List<String> canaryProblems = new ArrayList<>();
    int[] canaryRounds = {0};
    CompletableFuture<Void> canary = CompletableFuture.runAsync(() -> {
      Random r = new Random(7);
      while (running.get()) {
        try {
          String problem = streamInput(LocalSpeechProvider.VOICE_SLT, CANARY, false, r);
          if (problem != null) {
            canaryProblems.add(problem);
          }
          canaryRounds[0]++;
          Thread.sleep(CANARY_PAUSE_MILLIS);
        } catch (Exception e) {
          canaryProblems.add(e.toString());
        }
      }
    });
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    ExecutorService workers = Executors.newFixedThreadPool(CORPUS_WORKERS);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (Text t : corpus) {
        done.add(workers.submit(() -> {
          Random random = new Random(42L * 31 + t.line());
          check(t, "http stream", () -> httpStream(t), failures);
          check(t, "http with-timestamps", () -> httpWithTimestamps(t), failures);
          check(t, "ws slt pieces", () -> streamInput(LocalSpeechProvider.VOICE_SLT, t.text(),
              t.silent(), random), failures);
          check(t, "ws kevin16 pieces", () -> streamInput(LocalSpeechProvider.VOICE_KEVIN,
              t.text(), t.silent(), random), failures);
        }));
      }
      for (Future<?> d : done) {
        d.get(4 * SESSION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
    } finally {
      workers.shutdownNow();
    }
    failures.sort(null);
    running.set(false);
    canary.get(SESSION_TIMEOUT_SECONDS * 2, TimeUnit.SECONDS);
    long failedTexts = failures.stream().map(s -> s.substring(0, s.indexOf(' '))).distinct()
        .count();
    String report = "corpus texts: " + corpus.size() + ", texts failing: " + failedTexts
        + ", checks failing: " + failures.size() + ", canary rounds: " + canaryRounds[0]
        + ", canary problems: " + canaryProblems.size() + "\n" + String.join("\n", failures)
        + "\n" + String.join("\n", canaryProblems) + "\n";
    Path out = Path.of("target", "text-corpus-report.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report);
    assertEquals(List.of(), failures, report);
    assertEquals(List.of(), canaryProblems, report);
    assertTrue(canaryRounds[0] >= 1, "the canary never completed a round");
  }

  interface Check {
    /** Null when the check passed, else what went wrong. */
    String run() throws Exception;
  }

  private static void check(Text t, String what, Check c, List<String> failures) {
    String problem;
    try {
      problem = c.run();
    } catch (Exception | AssertionError e) {
      problem = e.toString();
    }
    if (problem != null) {
      failures.add("line" + t.line() + " [" + t.category() + "] " + what + ": " + problem);
    }
  }

  private static String httpStream(Text t) throws Exception {
    HttpResponse<byte[]> r = f.postBytes("/v1/text-to-speech/"
        + LocalSpeechProvider.VOICE_KEVIN + "/stream?output_format=pcm_16000", body(t.text()));
    return statusProblem(t, r.statusCode(), r.body().length, new String(r.body(),
        StandardCharsets.UTF_8));
  }

  private static String httpWithTimestamps(Text t) throws Exception {
    HttpResponse<byte[]> r = f.postBytes("/v1/text-to-speech/" + LocalSpeechProvider.VOICE_SLT
        + "/stream/with-timestamps?output_format=pcm_16000", body(t.text()));
    String bodyText = new String(r.body(), StandardCharsets.UTF_8);
    if (r.statusCode() != 200) {
      return statusProblem(t, r.statusCode(), 0, bodyText);
    }
    StringBuilder voiced = new StringBuilder();
    long audio = 0;
    for (String line : bodyText.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode m = Json.mapper().readTree(line);
      audio += Base64.getDecoder().decode(m.path("audio_base64").asText("")).length;
      for (JsonNode ch : m.path("alignment").path("characters")) {
        voiced.append(ch.asText());
      }
    }
    return alignmentProblem(t.text(), t.silent(), voiced.toString(), audio);
  }

  private static String statusProblem(Text t, int status, long audioBytes, String body) {
    if (status >= 500) {
      return "HTTP " + status + " " + body;
    }
    if (status != 200) {
      return t.silent() && status >= 400 ? null : "HTTP " + status + " " + body;
    }
    if (!t.silent() && audioBytes == 0) {
      return "no audio for speakable text";
    }
    return null;
  }

  /** One stream-input session: the text in pieces of 1–6 characters, then end of input. */
  static String streamInput(String voice, String text, boolean silent, Random random)
      throws Exception {
    WsClient c = f.connect("/v1/text-to-speech/" + voice
        + "/stream-input?output_format=pcm_16000&sync_alignment=true");
    try {
      c.send("{\"text\":\" \"}");
      for (String piece : pieces(text, random)) {
        c.send("{\"text\":" + Json.mapper().writeValueAsString(piece) + "}");
      }
      c.send("{\"text\":\"\"}");
      StringBuilder voiced = new StringBuilder();
      long audio = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SESSION_TIMEOUT_SECONDS);
      while (true) {
        String raw = c.messages.poll(Math.max(1, deadline - System.nanoTime()),
            TimeUnit.NANOSECONDS);
        if (raw == null) {
          return "hang: no isFinal within " + SESSION_TIMEOUT_SECONDS + " s; voiced '" + voiced
              + "', close " + (c.closed.isDone() ? c.closed.get() : "none");
        }
        JsonNode m = Json.mapper().readTree(raw);
        if (m.path("isFinal").asBoolean(false)) {
          break;
        }
        if (!m.has("audio")) {
          return "unexpected message " + m;
        }
        audio += Base64.getDecoder().decode(m.get("audio").asText()).length;
        for (JsonNode ch : m.path("alignment").path("chars")) {
          voiced.append(ch.asText());
        }
      }
      WsClient.Close close = c.awaitClose();
      if (close.code() != 1000) {
        return "close " + close;
      }
      return alignmentProblem(text, silent, voiced.toString(), audio);
    } finally {
      c.close();
    }
  }

  /**
   * The text cut into LLM-style pieces of 1–6 characters. A piece is never a lone {@code " "}
   * (that is the protocol's keep-alive, not text: it joins a neighbour) and never splits a code
   * point.
   */
  static List<String> pieces(String text, Random random) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int end = Math.min(text.length(), i + 1 + random.nextInt(6));
      if (text.substring(i, end).equals(" ") && end < text.length()) {
        end++;
      }
      if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
        end++;
      }
      String piece = text.substring(i, end);
      if (piece.equals(" ") && !out.isEmpty()) {
        out.set(out.size() - 1, out.get(out.size() - 1) + piece);
      } else {
        out.add(piece);
      }
      i = end;
    }
    return out;
  }

  private static String alignmentProblem(String text, boolean silent, String voiced, long audio) {
    if (!silent && audio == 0) {
      return "no audio for speakable text";
    }
    if (!voiced.equals(text) && !(silent && voiced.isEmpty())) {
      return "alignment " + Json.mapper().valueToTree(voiced) + " != input "
          + Json.mapper().valueToTree(text);
    }
    return null;
  }

  private static byte[] body(String text) throws IOException {
    return Json.mapper().writeValueAsBytes(java.util.Map.of("text", text));
  }

  static List<Text> load() throws IOException {
    List<Text> out = new ArrayList<>();
    try (InputStream in = TextCorpusTest.class.getResourceAsStream(CORPUS)) {
      String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i];
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int tab = line.indexOf('\t');
        String category = line.substring(0, tab);
        boolean silent = category.endsWith("!silent");
        out.add(new Text(i + 1, category.replace("!silent", ""), silent,
            unescape(line.substring(tab + 1))));
      }
    }
    return out;
  }

  /** Resolves {@code \n \t \r \\ \\uXXXX}. */
  static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 == s.length()) {
        b.append(c);
        continue;
      }
      char e = s.charAt(++i);
      switch (e) {
        case 'n' -> b.append('\n');
        case 't' -> b.append('\t');
        case 'r' -> b.append('\r');
        case 'u' -> {
          b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> b.append(e);
      }
    }
    return b.toString();
  }
}
