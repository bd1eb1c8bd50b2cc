package io.voicewire.engine.local.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded pool of TTS worker threads and its schedule: <em>fair between tenants, then
 * earliest playback deadline first</em>, in turns smaller than a sentence.
 *
 * <p>Tenants first: the jobs of each tenant (a request's fairness key, {@link
 * io.voicewire.speech.TtsRequest#tenant()}) wait in their own queue, and a free worker serves the
 * tenant that holds the fewest workers, then has used the least worker time ({@link
 * TenantShares}: each turn is charged the wall time it held its worker). So a tenant with many
 * busy sessions gets no more of the workers than a tenant with one, and another tenant's session
 * waits at most one turn per worker before its own. With one tenant (callers without keys) the
 * schedule is the deadline order below, unchanged.
 *
 * <p>Within a tenant, every waiting job (a session with text to voice) has a deadline: the moment
 * its listener runs
 * out of audio or, when it has no audio in hand (before its first audio, after a pause), {@link
 * #FIRST_AUDIO_TARGET_MILLIS} after it became ready. A free worker takes the job with the earliest
 * deadline (ties in arrival order): the first sentence of a new session goes ahead of every
 * session with more than that target in hand, a session about to fall silent goes ahead of a new
 * one, and sessions that are playing take turns by how soon they would fall silent.
 *
 * <p>A turn is not a whole sentence: a job reads its sentence's audio piece by piece ({@link
 * TtsOutput#READ_BYTES}) and, after each piece, asks {@link Turn#shouldYield}; it hands the worker
 * over as soon as a waiting job's deadline is earlier than its own by more than a margin that
 * follows the time recent sentence starts took ({@link #MIN_YIELD_MARGIN_MILLIS} to {@link
 * #YIELD_MARGIN_MILLIS}). Its sentence is put aside, not lost: MaryTTS's vocoder thread waits
 * without using CPU and the job is queued again with its new deadline. So one long synthesis
 * never holds a worker while another session waits for its first audio; what a new session
 * still waits for is the part of a sentence that cannot be cut: the start (front end and
 * parameter generation) of the sentences the workers have already started, which {@link
 * FirstPhrase} shortens (docs/bench-engine.md has the profile).
 *
 * <p>A job is in the queue at most once, so the queue is bounded by the number of open sessions
 * ({@code MAX_OPEN_TTS_SESSIONS} in the provider). Each worker owns one synthesizer per voice,
 * created on first use after the voice has loaded. Thread safe.
 */
final class TtsScheduler implements AutoCloseable {
  /**
   * A session with less audio than this ahead of its listener's real time starts its next
   * sentence with small chunks again ({@link TtsOutput}).
   */
  static final long URGENT_LEAD_MILLIS = 500;
  /**
   * The yield margin's ceiling, and the margin before any start has been timed: how much later
   * than a waiting job's deadline the running job's own must be before it hands its worker over,
   * the audio it keeps in hand for its listener while another goes first. It
   * covers the waiting job's start (~50 ms of front end and parameters on an idle machine) a few
   * times over, so that a playing session does not fall silent while a new one starts on a busy
   * machine; a new session pays for it with the time the running one takes to make that much
   * audio (~25–50 ms at the vocoder's speed), not a whole sentence.
   */
  static final long YIELD_MARGIN_MILLIS = 250;
  /**
   * The margin once sentence starts have been timed: {@link #MARGIN_STARTS} times the recent
   * start's wall time (a moving average, {@link #started}), within [{@value
   * #MIN_YIELD_MARGIN_MILLIS}, {@link #YIELD_MARGIN_MILLIS}] ms. A start is the longest a waiting
   * job holds a worker before its first audio, so a playing session that keeps that much audio in
   * hand a few times over does not fall silent, and a new session waits for the running one's
   * ~2 reads on a quiet machine instead of 250 ms of its audio; on a starved machine starts take
   * longer and the margin grows back to its ceiling.
   */
  static final long MIN_YIELD_MARGIN_MILLIS = 80;
  /** How many recent starts' worth of audio a running job keeps in hand before it yields. */
  static final int MARGIN_STARTS = 3;
  /** Weight of a new start in the moving average of start times (1/8). */
  private static final int START_AVERAGE_SHIFT = 3;
  /**
   * The first-audio target: a session with nothing to play is due this long after it became
   * ready (its deadline in the queue, on the same scale as a playing session's).
   */
  static final long FIRST_AUDIO_TARGET_MILLIS = 75;

  /** What the scheduler runs: a session with text to voice. */
  interface Job {
    /**
     * Runs one turn on a worker: some audio of this job, until it has none left to make or
     * {@link Turn#shouldYield} says to hand over. The job queues itself again if it has more.
     */
    void runTurn(Turn turn);

    /** The scheduler is closing and will not run this queued job again: drop its work. */
    void dropped();

    /** The job's tenant (fairness key); null = the shared tenant. */
    default String tenant() {
      return null;
    }
  }

  /** What a worker gives a job for one turn. */
  interface Turn {
    /** The worker's synthesizer for a voice. */
    Synthesizer synthesizer(String voiceId) throws Exception;

    /**
     * True when a waiting job's deadline is more than the yield margin ({@link
     * #YIELD_MARGIN_MILLIS}, {@link #MIN_YIELD_MARGIN_MILLIS}) before {@code playoutEndNanos},
     * the moment the running job's listener would run out of audio.
     */
    boolean shouldYield(long playoutEndNanos);
  }

  /** Where a worker gets a voice's engine (the provider's {@link VoiceRegistry}). */
  interface Voices {
    /** The voice's engine once loaded; throws its loading failure. */
    VoiceEngine awaitLoaded(String voiceId) throws Exception;
  }

  /** A queued job: its tenant is read once, when it is queued. */
  record Entry(Job job, String tenant, long deadlineNanos, long seq) {}

  private final Voices voices;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition nonEmpty = lock.newCondition();
  private final TenantShares<Entry> queue = new TenantShares<>((a, b) -> {
    long d = a.deadlineNanos - b.deadlineNanos; // nanoTime values: compare by difference
    return d != 0 ? (d < 0 ? -1 : 1) : Long.compare(a.seq, b.seq);
  });
  private final List<Thread> threads = new ArrayList<>();
  /** Runs the delayed requeues of sessions paced by their listener ({@link #later}). */
  private final ScheduledThreadPoolExecutor delays = new ScheduledThreadPoolExecutor(1,
      r -> Thread.ofPlatform().daemon().name("voicewire-tts-pacing").unstarted(r));
  private long seq;
  private boolean closed;
  private long startAverageNanos = -1; // guarded by lock; -1 = no start timed yet

  TtsScheduler(Voices voices, int workers) {
    this.voices = voices;
    for (int i = 0; i < workers; i++) {
      Thread t = Thread.ofPlatform().daemon().name("voicewire-tts-worker-" + i)
          .unstarted(this::runWorker);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  int workers() {
    return threads.size();
  }

  /**
   * Queues a job that has work, to run by {@code deadlineNanos} ({@code System.nanoTime()} scale
   * of the engine's clock); it must not be queued or running already.
   */
  void schedule(Job job, long deadlineNanos) {
    boolean drop;
    lock.lock();
    try {
      drop = closed;
      if (!drop) {
        queue.add(job.tenant(), new Entry(job, job.tenant(), deadlineNanos, seq++));
        nonEmpty.signal();
      }
    } finally {
      lock.unlock();
    }
    if (drop) {
      job.dropped();
    }
  }

  /** Jobs waiting for a worker, for tests and metrics. */
  int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** The test of {@link Turn#shouldYield}. */
  boolean shouldYield(long playoutEndNanos) {
    if (playoutEndNanos == Long.MIN_VALUE) {
      return false; // no audio out yet: nothing to play while another goes first
    }
    lock.lock();
    try {
      Entry head = queue.peek();
      return head != null && head.deadlineNanos - (playoutEndNanos - yieldMarginNanosLocked()) < 0;
    } finally {
      lock.unlock();
    }
  }

  /** A sentence start (the work before its first audio) took {@code nanos} of wall time. */
  void started(long nanos) {
    lock.lock();
    try {
      startAverageNanos = startAverageNanos < 0 ? nanos
          : startAverageNanos + ((nanos - startAverageNanos) >> START_AVERAGE_SHIFT);
    } finally {
      lock.unlock();
    }
  }

  /** The yield margin now, ns ({@link #MIN_YIELD_MARGIN_MILLIS}). */
  long yieldMarginNanos() {
    lock.lock();
    try {
      return yieldMarginNanosLocked();
    } finally {
      lock.unlock();
    }
  }

  private long yieldMarginNanosLocked() {
    long max = TimeUnit.MILLISECONDS.toNanos(YIELD_MARGIN_MILLIS);
    return startAverageNanos < 0 ? max : Math.clamp(MARGIN_STARTS * startAverageNanos,
        TimeUnit.MILLISECONDS.toNanos(MIN_YIELD_MARGIN_MILLIS), max);
  }

  /**
   * Takes the fair tenant's job with the earliest deadline, waiting for one; null once closed.
   * The turn counts as its tenant's until {@link #turnEnded}.
   */
  Entry takeTurn() throws InterruptedException {
    lock.lock();
    try {
      while (!closed && queue.isEmpty()) {
        nonEmpty.await();
      }
      return closed ? null : queue.poll();
    } finally {
      lock.unlock();
    }
  }

  /** {@link #takeTurn}'s job, for tests that only look at the order. */
  Job take() throws InterruptedException {
    Entry e = takeTurn();
    return e == null ? null : e.job;
  }

  /** The turn {@code e} has ended after holding its worker {@code usedNanos}. */
  void turnEnded(Entry e, long usedNanos) {
    lock.lock();
    try {
      if (!closed) {
        queue.done(e.tenant, usedNanos);
      }
    } finally {
      lock.unlock();
    }
  }

  private void runWorker() {
    Map<String, Synthesizer> mine = new HashMap<>();
    Turn turn = new Turn() {
      @Override
      public Synthesizer synthesizer(String voiceId) throws Exception {
        Synthesizer s = mine.get(voiceId);
        if (s == null) {
          s = voices.awaitLoaded(voiceId).newSynthesizer();
          mine.put(voiceId, s);
        }
        return s;
      }

      @Override
      public boolean shouldYield(long playoutEndNanos) {
        return TtsScheduler.this.shouldYield(playoutEndNanos);
      }
    };
    try {
      Entry e;
      while ((e = takeTurn()) != null) {
        long start = System.nanoTime();
        try {
          e.job.runTurn(turn);
        } finally {
          turnEnded(e, System.nanoTime() - start);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs {@code requeue} after {@code delayMillis}, off the workers: a session whose listener has
   * enough audio waiting ({@link io.voicewire.speech.TtsListener#backlogMillis}) gives its worker
   * up and looks again then. Dropped once closed.
   */
  void later(Runnable requeue, long delayMillis) {
    try {
      delays.schedule(requeue, delayMillis, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closedAlready) {
      // the engine is closing: its sessions are dropped with it
    }
  }

  @Override
  public void close() {
    delays.shutdownNow();
    List<Entry> left;
    lock.lock();
    try {
      closed = true;
      left = queue.clear();
      nonEmpty.signalAll();
    } finally {
      lock.unlock();
    }
    left.forEach(e -> e.job.dropped());
    for (Thread t : threads) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
