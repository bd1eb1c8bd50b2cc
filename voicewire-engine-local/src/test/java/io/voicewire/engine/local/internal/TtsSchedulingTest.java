package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.audio.AudioFormat;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsListener;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.VoiceInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The order in which the TTS scheduler serves sessions, checked by the sequence of engine calls
 * on a scripted voice and a clock that only the scripted engine moves: no timing is measured.
 * The voice "costs" {@link #START_MS} of clock per sentence start and a tenth of the audio's
 * length per read (real time factor 0.1), and records every start and read in {@link #log}.
 */
@Timeout(20)
class TtsSchedulingTest {
  static final long START_MS = 50;
  static final int WORD_MS = 500;

  final AtomicLong clock = new AtomicLong(1_000_000_000L);
  final List<String> log = Collections.synchronizedList(new ArrayList<>());
  /** Runs once when the log gets the given entry (on the worker, inside the engine call). */
  volatile String hookAt;
  volatile Runnable hook;
  final List<Script> started = Collections.synchronizedList(new ArrayList<>());

  @Test
  void queueServesTheEarliestDeadlineFirstAndTiesInArrivalOrder() throws Exception {
    try (TtsScheduler s = new TtsScheduler(id -> null, 0)) {
      Named late = new Named("late");
      Named first = new Named("first");
      Named second = new Named("second");
      Named middle = new Named("middle");
      s.schedule(late, 300);
      s.schedule(first, 100);
      s.schedule(second, 100);
      s.schedule(middle, 200);
      assertSame(first, s.take());
      assertSame(second, s.take());
      assertSame(middle, s.take());
      assertSame(late, s.take());
      assertEquals(0, s.queued());
    }
  }

  /**
   * Issue #10: a key that keeps many sessions busy, all due before the canary key's one session,
   * does not keep the canary waiting: the canary's new session gets the next turn, and while both
   * keys have work they take turns, each key's own sessions by deadline.
   */
  @Test
  void aCanaryKeyGetsEveryOtherTurnBesideAKeyWithManyEarlierSessions() throws Exception {
    long turnNanos = TimeUnit.MILLISECONDS.toNanos(50);
    try (TtsScheduler s = new TtsScheduler(id -> null, 0)) {
      for (int i = 0; i < 20; i++) {
        s.schedule(new Keyed("hostile-" + i, "key-hostile"), 100 + i);
      }
      for (int i = 0; i < 3; i++) { // the hostile key has been busy
        s.turnEnded(s.takeTurn(), turnNanos);
      }
      s.schedule(new Keyed("canary-0", "key-canary"), 10_000); // due after every hostile one
      List<String> turns = new ArrayList<>();
      for (int turn = 0; turn < 10; turn++) {
        TtsScheduler.Entry e = s.takeTurn();
        Keyed k = (Keyed) e.job();
        turns.add(k.name());
        s.turnEnded(e, turnNanos);
        if (k.tenant().equals("key-canary")) { // its session has more to say
          s.schedule(new Keyed("canary-" + (turn + 1), "key-canary"), 10_000 + turn);
        }
      }
      assertEquals(List.of("canary-0", "hostile-3", "canary-1", "hostile-4", "canary-3",
          "hostile-5", "canary-5", "hostile-6", "canary-7", "hostile-7"), turns);
    }
  }

  @Test
  void aRunningJobYieldsToTheNextTenantsJobWhenItIsDueEarlierByTheMargin() {
    long margin = TimeUnit.MILLISECONDS.toNanos(TtsScheduler.YIELD_MARGIN_MILLIS);
    try (TtsScheduler s = new TtsScheduler(id -> null, 0)) {
      s.schedule(new Keyed("canary", "key-canary"), 1_000);
      assertFalse(s.shouldYield(1_000 + margin));
      assertTrue(s.shouldYield(1_000 + margin + 1), "a hostile session with audio in hand");
    }
  }

  @Test
  void aRunningJobYieldsOnlyToADeadlineEarlierThanItsOwnByTheMargin() {
    long margin = TimeUnit.MILLISECONDS.toNanos(TtsScheduler.YIELD_MARGIN_MILLIS);
    try (TtsScheduler s = new TtsScheduler(id -> null, 0)) {
      assertFalse(s.shouldYield(5_000), "nobody waits");
      s.schedule(new Named("waiting"), 1_000);
      assertFalse(s.shouldYield(Long.MIN_VALUE), "no audio out yet: keep going");
      assertFalse(s.shouldYield(1_000 + margin), "not ahead by more than the margin");
      assertTrue(s.shouldYield(1_000 + margin + 1));
    }
  }

  @Test
  void aNewSessionsFirstSentenceGoesAheadOfTheRestOfAnotherSessionsSentence() throws Exception {
    try (TtsScheduler s = new TtsScheduler(id -> voice(), 1)) {
      Probe a = new Probe();
      Probe b = new Probe();
      String textA = "Alpha " + "word ".repeat(19).strip() + ". ";
      String textB = "Bravo two. ";
      RealTtsSession[] sb = new RealTtsSession[1];
      hookAt = "read Alpha";
      hook = () -> { // A's first piece of audio is out: B arrives while A's sentence runs
        sb[0] = session(s, b);
        sb[0].send(textB);
        sb[0].end();
      };
      RealTtsSession sa = session(s, a);
      sa.send(textA);
      sa.end();
      assertTrue(a.done.await(10, TimeUnit.SECONDS) && b.done.await(10, TimeUnit.SECONDS));

      List<String> order = List.copyOf(log);
      int bStart = order.indexOf("start Bravo");
      int alphaReads = Collections.frequency(order, "read Alpha");
      int alphaReadsBeforeB = Collections.frequency(order.subList(0, bStart), "read Alpha");
      assertTrue(bStart > 0, order.toString());
      // A keeps the worker only until the audio it has sent reaches YIELD_MARGIN_MILLIS past B's
      // deadline (FIRST_AUDIO_TARGET_MILLIS after B arrived): a few of its 128 ms reads (sent in
      // growing chunks), not the rest of its 10 s sentence (78 reads)
      assertTrue(alphaReadsBeforeB <= 4, "B waited for " + alphaReadsBeforeB + " reads: " + order);
      assertTrue(alphaReads > alphaReadsBeforeB + 10, "A's sentence was cut short: " + order);
      // B's first audio follows its start at once: A does not get the worker back in between
      assertEquals("read Bravo", order.get(bStart + 1));
      // nothing lost: all audio and every character of both texts, in order
      assertEquals(20 * WORD_MS * 32L, a.bytes());
      assertEquals(2 * WORD_MS * 32L, b.bytes());
      assertEquals(textA, a.text());
      assertEquals(textB, b.text());
    }
  }

  /**
   * Issue #16: a session waiting for its first audio gets its first sentence's first phrase
   * started alone (a shorter start), the rest of that sentence next and the other sentences as
   * they were; a session with audio in hand gets whole sentences. Nothing is lost or repeated.
   */
  @Test
  void aWaitingSessionsFirstSentenceStartsWithItsFirstPhrase() throws Exception {
    try (TtsScheduler s = new TtsScheduler(id -> voice(true), 1)) {
      Probe a = new Probe();
      String text = "Alpha one two, three four five six seven eight nine. "
          + "Bravo one two, three four five six seven eight nine. ";
      RealTtsSession sa = session(s, a, voice(true));
      sa.send(text);
      sa.end();
      assertTrue(a.done.await(10, TimeUnit.SECONDS));
      List<String> starts = log.stream().filter(e -> e.startsWith("start")).toList();
      // "Alpha one two, " first, "three ..." next; "Bravo" has 1.5 s of audio in hand by then
      // and starts whole
      assertEquals(List.of("start Alpha", "start three", "start Bravo"), starts);
      assertEquals(text, a.text());
      assertEquals(20 * WORD_MS * 32L, a.bytes());
    }
  }

  /**
   * Issue #10's abuse mix sends text with nothing to say ({@code ". "} over and over): it is kept
   * as one silent piece, not one queued item and one turn per {@code ". "}, and still reaches the
   * listener character for character.
   */
  @Test
  void textWithNothingToSayTakesOneTurnNotOnePerSentence() throws Exception {
    TtsScheduler s = new TtsScheduler(id -> voice(), 0);
    TtsScheduler.Turn turn = neverYielding();
    Probe a = new Probe();
    RealTtsSession sa = session(s, a);
    String text = ". ".repeat(5_000) + "Alpha one. ";
    sa.send(text);
    sa.end();
    int turns = 0;
    while (a.done.getCount() > 0 && turns < 100) {
      s.take().runTurn(turn);
      turns++;
    }
    assertTrue(turns <= 3, turns + " turns");
    assertEquals(text, a.text());
    s.close();
  }

  /**
   * Issue #10: 60,000 characters of {@code ". "} (with an emoji, two chars, across a chunk's
   * edge) after the session's first audio are not one alignment of that size: they go out on
   * silent carriers of at most {@link TtsOutput#MAX_SILENT_CHARS_PER_CHUNK} characters each (so
   * at least four), with zero times; together the chunks that have audio carry every character
   * once, in order, and no code point is cut in two. A chunk without audio would not count: a
   * server drops it, and its alignment with it.
   */
  @Test
  void textWithNothingToSayAfterTheFirstAudioGoesOutInBoundedChunks() throws Exception {
    String first = "Alpha one. ";
    String last = "Beta two. ";
    // the emoji's high surrogate is the last char a first chunk of the limit could take
    String silent = ". ".repeat(8_191) + "." + "\uD83D\uDE00" + " " + ". ".repeat(21_807);
    assertEquals(60_000, silent.length());
    Probe a = voiceAll(first + silent + last);
    int silentChunks = 0;
    for (TtsAudio c : a.chunks) {
      assertTrue(c.alignment().size() <= TtsOutput.MAX_SILENT_CHARS_PER_CHUNK + last.length(),
          c.alignment().size() + " characters in one chunk");
      for (String ch : c.alignment().chars()) {
        assertEquals(1, ch.codePointCount(0, ch.length()), "a code point cut in two");
      }
      if (c.audio().length > 0 && c.alignment().size() > 0
          && Arrays.stream(c.alignment().charDurationsMs()).allMatch(d -> d == 0)) {
        silentChunks++; // the speech's chunks have characters that last
      }
    }
    assertTrue(silentChunks >= 60_000 / TtsOutput.MAX_SILENT_CHARS_PER_CHUNK, silentChunks + "");
  }

  /**
   * Text with nothing to say before the session's first audio, however long, is carried by the
   * first chunk that has audio: none of it is lost on a chunk without audio.
   */
  @Test
  void textWithNothingToSayBeforeTheFirstAudioIsCarriedByIt() throws Exception {
    voiceAll(". ".repeat(30_000) + "Alpha one. ");
  }

  /** A worker's turn that synthesizes with the test voice and never yields. */
  private TtsScheduler.Turn neverYielding() {
    return new TtsScheduler.Turn() {
      @Override
      public Synthesizer synthesizer(String voiceId) throws Exception {
        return voice().newSynthesizer();
      }

      @Override
      public boolean shouldYield(long playoutEndNanos) {
        return false;
      }
    };
  }

  /**
   * Voices {@code text} in one session to its end and checks that the chunks with audio carry
   * every character once, in order.
   */
  private Probe voiceAll(String text) throws Exception {
    TtsScheduler s = new TtsScheduler(id -> voice(), 0);
    TtsScheduler.Turn turn = neverYielding();
    Probe a = new Probe();
    RealTtsSession sa = session(s, a);
    sa.send(text);
    sa.end();
    for (int turns = 0; a.done.getCount() > 0 && turns < 100; turns++) {
      s.take().runTurn(turn);
    }
    s.close();
    assertEquals(0, a.done.getCount());
    StringBuilder voiced = new StringBuilder();
    for (TtsAudio c : a.chunks) {
      if (c.audio().length > 0) {
        c.alignment().chars().forEach(voiced::append);
      }
    }
    assertTrue(text.contentEquals(voiced),
        voiced.length() + " characters carried by audio of " + text.length());
    return a;
  }

  @Test
  void theYieldMarginFollowsTheTimeStartsTakeWithinItsBounds() {
    long ms = TimeUnit.MILLISECONDS.toNanos(1);
    try (TtsScheduler s = new TtsScheduler(id -> null, 0)) {
      assertEquals(TtsScheduler.YIELD_MARGIN_MILLIS * ms, s.yieldMarginNanos(), "untimed");
      s.started(40 * ms);
      assertEquals(TtsScheduler.MARGIN_STARTS * 40 * ms, s.yieldMarginNanos());
      for (int i = 0; i < 100; i++) {
        s.started(ms);
      }
      assertEquals(TtsScheduler.MIN_YIELD_MARGIN_MILLIS * ms, s.yieldMarginNanos(), "floor");
      for (int i = 0; i < 100; i++) {
        s.started(1_000 * ms); // a starved machine
      }
      assertEquals(TtsScheduler.YIELD_MARGIN_MILLIS * ms, s.yieldMarginNanos(), "ceiling");
      s.schedule(new Named("waiting"), 1_000);
      assertFalse(s.shouldYield(1_000 + s.yieldMarginNanos()));
      assertTrue(s.shouldYield(1_000 + s.yieldMarginNanos() + 1));
    }
  }

  @Test
  void aSentencePutAsideIsReleasedWhenItsSessionClosesOrTheSchedulerCloses() throws Exception {
    TtsScheduler s = new TtsScheduler(id -> voice(), 0);
    TtsScheduler.Turn handOver = new TtsScheduler.Turn() {
      @Override
      public Synthesizer synthesizer(String voiceId) throws Exception {
        return voice().newSynthesizer();
      }

      @Override
      public boolean shouldYield(long playoutEndNanos) {
        return true; // after every read
      }
    };
    RealTtsSession a = session(s, new Probe());
    RealTtsSession b = session(s, new Probe());
    a.send("Alpha one two three. ");
    a.flush();
    b.send("Bravo one two three. ");
    b.flush();
    assertSame(a, s.take());
    a.runTurn(handOver); // starts its sentence, reads once, is queued again
    assertSame(b, s.take());
    b.runTurn(handOver);
    assertEquals(2, s.queued());
    assertEquals(2, started.size());
    a.close();
    assertSame(a, s.take());
    a.runTurn(handOver); // closed: its sentence is abandoned, not read on
    assertTrue(started.get(0).abandoned);
    assertEquals(1, Collections.frequency(log, "read Alpha"));
    s.close(); // b is still queued with its sentence half read
    assertTrue(started.get(1).abandoned);
    assertNull(s.take());
  }

  private RealTtsSession session(TtsScheduler s, Probe p) {
    return session(s, p, voice());
  }

  private RealTtsSession session(TtsScheduler s, Probe p, VoiceEngine v) {
    return new RealTtsSession(TtsRequest.builder("scripted").outputFormat(AudioFormat.PCM_16000)
        .build(), p, v, s, new SerialLane(Runnable::run), clock::get, () -> {});
  }

  private void record(String entry) {
    log.add(entry);
    Runnable h = hook;
    if (entry.equals(hookAt) && h != null) {
      hook = null;
      h.run();
    }
  }

  private void advance(double ms) {
    clock.addAndGet((long) (ms * 1_000_000));
  }

  /** The scripted voice: 16 kHz, {@link #WORD_MS} of audio per word. */
  private VoiceEngine voice() {
    return voice(false);
  }

  /** The scripted voice; {@code cuts}: it asks for first phrases ({@link VoiceEngine#cutsFirstPhrase}). */
  private VoiceEngine voice(boolean cuts) {
    return new VoiceEngine() {
      @Override
      public boolean cutsFirstPhrase() {
        return cuts;
      }

      @Override
      public VoiceInfo info() {
        return new VoiceInfo("scripted", "Scripted", "premade", Map.of(), "test voice", 16_000);
      }

      @Override
      public int sampleRate() {
        return 16_000;
      }

      @Override
      public void load() {}

      @Override
      public Synthesizer newSynthesizer() {
        return (sentence, speed) -> {
          String name = sentence.split(" ")[0];
          List<SentenceTiming.Token> tokens = new ArrayList<>();
          String[] words = sentence.replaceAll("[.]", "").split(" ");
          for (int i = 0; i < words.length; i++) {
            SentenceTiming.Word w = new SentenceTiming.Word(words[i],
                new double[] {i * WORD_MS, (i + 1) * WORD_MS});
            tokens.add(new SentenceTiming.Token(words[i], List.of(w)));
          }
          advance(START_MS);
          Script script = new Script(name, words.length * WORD_MS * 32);
          started.add(script);
          record("start " + name);
          return script.audio(new SentenceTiming(tokens, words.length * WORD_MS));
        };
      }
    };
  }

  /** One started sentence of the scripted voice. */
  private final class Script {
    final String name;
    int left;
    volatile boolean abandoned;

    Script(String name, int bytes) {
      this.name = name;
      this.left = bytes;
    }

    Synthesizer.SentenceAudio audio(SentenceTiming timing) {
      return new Synthesizer.SentenceAudio() {
        @Override
        public SentenceTiming timing() {
          return timing;
        }

        @Override
        public int read(byte[] b, int off, int len) {
          if (left == 0) {
            return -1;
          }
          int n = Math.min(len, left);
          left -= n;
          advance(n / 32.0 / 10);
          record("read " + name);
          return n;
        }

        @Override
        public void abandon() {
          abandoned = true;
        }
      };
    }
  }

  /** A job of a tenant that is only queued, never run. */
  private record Keyed(String name, String tenant) implements TtsScheduler.Job {
    @Override
    public void runTurn(TtsScheduler.Turn turn) {}

    @Override
    public void dropped() {}
  }

  /** A job that is only queued, never run. */
  private record Named(String name) implements TtsScheduler.Job {
    @Override
    public void runTurn(TtsScheduler.Turn turn) {}

    @Override
    public void dropped() {}
  }

  private static final class Probe implements TtsListener {
    final CountDownLatch done = new CountDownLatch(1);
    final List<TtsAudio> chunks = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onFailure(SpeechError error) {
      onClosed(false);
    }

    @Override
    public void onClosed(boolean complete) {
      done.countDown();
    }

    @Override
    public void onAudio(TtsAudio audio) {
      chunks.add(audio);
    }

    long bytes() {
      return chunks.stream().mapToLong(c -> c.audio().length).sum();
    }

    String text() {
      StringBuilder sb = new StringBuilder();
      for (TtsAudio c : chunks) {
        for (int i = 0; i < c.alignment().size(); i++) {
          sb.append(c.alignment().chars().get(i));
        }
      }
      return sb.toString();
    }
  }
}
