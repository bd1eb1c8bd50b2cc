package io.voicewire.engine.local.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sphinx4 decoding lanes shared by all STT sessions.
 *
 * <p>Loading the models takes seconds and about 150 MB of heap (acoustic model, dictionary,
 * language model, lexical tree), so they are loaded once per {@link ModelSet}, at start-up. Each
 * model set serves {@code lanesPerSet} lanes: a lane is a thread with its own search and front end
 * that decodes one {@link Job} (one stretch of speech) at a time, taking turns on its set's
 * models in short slices with the other lanes of the set. So as many streams decode at once as
 * there are lanes, all progressing together; the CPU they share is what bounds them, and the
 * engine admits no more streams than it has lanes. Each lane is warmed up with a clip of speech
 * before it serves, because the first utterance through a cold JVM decodes several times slower
 * than real time. A lane's decoding is a {@link DecoderLane}.
 *
 * <p>A job goes to a free lane of the model set with the fewest busy lanes, so the speaking
 * streams are spread evenly over the sets: a set decodes on one core at a time, and two streams
 * on one set while the other idles would lag where one on each keeps up. The sets measure their
 * load ({@link #load()}: busy share, lanes waiting), on which admission rests
 * ({@link RealtimeRoom}).
 *
 * <p>Jobs wait while every lane is busy, at most {@code maxWaiting} of them; a free lane takes the
 * job of the tenant ({@link Job#tenant()}) that holds the fewest lanes, then has used the least
 * lane time ({@link TenantShares}), in arrival order within a tenant. The lanes then take turns
 * on the models fairly between tenants too ({@link ModelTurns}).
 * {@link #submit} refuses more (the session then fails with {@code resource_exhausted}).
 * {@link #cancel} takes a job back that no lane has started.
 *
 * <p>Thread safe.
 */
final class DecoderPool implements AutoCloseable {
  /** The Sphinx sample rate: every job's pipe carries 16 kHz 16-bit mono PCM. */
  static final int SAMPLE_RATE = 16_000;

  private static final Logger LOG = LoggerFactory.getLogger(DecoderPool.class);
  /**
   * Sphinx4 logs through java.util.logging, at INFO by default. Components configured from a
   * file log under the file's name, which {@link ModelSet} holds at WARNING; the few that log
   * under their class names ({@code edu.cmu.sphinx...}) are held at WARNING here, so that the
   * level sticks (the JDK forgets the level of a logger nobody references).
   */
  private static final java.util.logging.Logger SPHINX_LOGGER =
      java.util.logging.Logger.getLogger("edu.cmu.sphinx");

  static {
    SPHINX_LOGGER.setLevel(java.util.logging.Level.WARNING);
  }

  /** A stretch of audio to decode; callbacks come from the decoder's thread. */
  interface Job {
    /** The audio, 16 kHz 16-bit mono PCM; its end ends the job. */
    AudioPipe audio();

    /** A decoder has taken the job. */
    default void started() {}

    /** The job's tenant (fairness key, {@link io.voicewire.speech.SttRequest#tenant()}). */
    default String tenant() {
      return null;
    }

    /** How urgent the job's decoding is: whether its session keeps to real time. */
    default DecodePace pace() {
      return DecodePace.UNLIMITED;
    }

    /** What the language model favours for this job (keyterms, context). */
    default LmBias bias() {
      return LmBias.NONE;
    }

    /**
     * The current best hypothesis of the utterance being decoded.
     *
     * @param lastWordEndMs end of its last word, ms from the start of {@link #audio()}, or -1
     */
    void partial(String text, long lastWordEndMs);

    /** An utterance was finished (Sphinx's own end-pointer or the end of the audio). */
    void utterance(String text, List<TimedWord> words);

    /** The whole audio has been decoded. */
    void done();

    /** Decoding failed; no further calls. */
    void failed(Throwable error);
  }

  /** A recognized word, times in ms from the start of the job's audio. */
  record TimedWord(String text, long startMs, long endMs, double confidence) {}

  private final List<ModelSet> sets = new ArrayList<>();
  private final int maxWaiting;
  private final CompletableFuture<byte[]> warmUpClip;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition hasJob = lock.newCondition();
  private record Queued(Job job, long seq, String tenant) {}

  private final TenantShares<Queued> queue =
      new TenantShares<>(java.util.Comparator.comparingLong(Queued::seq));
  private long seq; // guarded by lock
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicInteger warm = new AtomicInteger();
  private final AtomicInteger dead = new AtomicInteger();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final int size;
  private final DecodeCost cost;
  private int idle; // guarded by lock
  private int busy; // guarded by lock
  private final int[] idleIn; // idle lanes per set, guarded by lock
  private final int[] busyIn; // busy lanes per set, guarded by lock
  private boolean closed;

  /**
   * Starts {@code modelSets × lanesPerSet} lane threads; each allocates its recognizer (the first
   * of a set loads the set's models), decodes a synthetic buzz and {@code warmUpClip} (16 kHz PCM
   * of speech; may complete with null), then serves jobs.
   */
  DecoderPool(int modelSets, int lanesPerSet, int maxWaiting, String configResource,
      CompletableFuture<byte[]> warmUpClip) {
    this.size = modelSets * lanesPerSet;
    this.maxWaiting = maxWaiting;
    this.warmUpClip = warmUpClip;
    // a model set decodes on one thread at a time: the sets bound the cores decoding can use
    this.cost = new DecodeCost(Math.max(1,
        Math.min(Runtime.getRuntime().availableProcessors(), modelSets)));
    this.idleIn = new int[modelSets];
    this.busyIn = new int[modelSets];
    if (size == 0) {
      ready.complete(null);
    }
    for (int m = 0; m < modelSets; m++) {
      ModelSet set = new ModelSet(configResource, lanesPerSet);
      sets.add(set);
      for (int lane = 0; lane < lanesPerSet; lane++) {
        int l = lane;
        int s = m;
        threads.add(Thread.ofPlatform().daemon().name("voicewire-stt-decoder-" + m + "-" + l)
            .unstarted(() -> runDecoder(set, s, l)));
      }
    }
    threads.forEach(Thread::start);
  }

  /** The measured decoding cost of the sessions' speech. */
  DecodeCost cost() {
    return cost;
  }

  /**
   * Each model set's measured load: {@code [set][0]} the share of the recent wall clock its
   * models were held (its real-time factor), {@code [set][1]} the mean number of its lanes that
   * waited for a turn, {@code [set][2]} and {@code [set][3]} the same for the lanes of streams
   * within real time alone ({@link ModelTurns}, {@link DecodePace}).
   */
  double[][] load() {
    double[][] out = new double[sets.size()][];
    for (int i = 0; i < out.length; i++) {
      ModelTurns t = sets.get(i).turns();
      out[i] = new double[] {t.busyShare(), t.meanWaiting(), t.realTimeShare(),
          t.realTimeWaiting()};
    }
    return out;
  }

  /**
   * Whether one more speaking stream, costing {@code streamShare} of a core, fits in real time
   * on some model set by what the sets measured recently: the share its real-time streams held
   * it plus the stream's stays within {@code realtimeShare}. Decoding ahead of real time does
   * not count: it yields to the stream ({@link DecodePace}).
   */
  boolean hasRealtimeRoom(double streamShare, double realtimeShare) {
    for (ModelSet set : sets) {
      if (set.turns().realTimeShare() + streamShare <= realtimeShare) {
        return true;
      }
    }
    return false;
  }

  /** Copies of the models loaded. */
  int modelSets() {
    return sets.size();
  }

  /** Completes when every decoder is allocated and warmed (or has failed). */
  CompletableFuture<Void> ready() {
    return ready;
  }

  int size() {
    return size;
  }

  /** Decoders that are allocated and serving. */
  int live() {
    return warm.get() - dead.get();
  }

  /** Jobs waiting for a decoder. */
  int waiting() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Lanes working on a job, per model set. */
  int[] busyPerSet() {
    lock.lock();
    try {
      return busyIn.clone();
    } finally {
      lock.unlock();
    }
  }

  /** Decoders working on a job. */
  int busy() {
    lock.lock();
    try {
      return busy;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes back {@code job} if no lane has started it; returns false when a lane has (its audio
   * must then be ended so that the lane finishes) or it was never queued.
   */
  boolean cancel(Job job) {
    lock.lock();
    try {
      return queue.remove(q -> q.job == job);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues {@code job}. Returns false, taking nothing, when the pool is closed, has no decoder, or
   * {@code maxWaiting} jobs already wait for a busy decoder.
   */
  boolean submit(Job job) {
    lock.lock();
    try {
      if (closed || (dead.get() >= size)) {
        return false;
      }
      if (queue.size() >= idle + maxWaiting) {
        return false;
      }
      queue.add(job.tenant(), new Queued(job, seq++, job.tenant()));
      hasJob.signalAll(); // the lane to take it must be one of the least busy set's
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next job for a lane of model set {@code set}: only a lane of a set with the fewest busy
   * lanes (among the sets with an idle lane) takes a job, so that the speaking streams are spread
   * evenly over the model copies (each decodes on one core at a time).
   */
  private Queued take(int set) throws InterruptedException {
    lock.lock();
    try {
      idle++;
      idleIn[set]++;
      try {
        while (!closed && (queue.isEmpty() || !leastBusy(set))) {
          hasJob.await();
        }
      } finally {
        idle--;
        idleIn[set]--;
      }
      if (closed) {
        return null;
      }
      busy++;
      busyIn[set]++;
      Queued q = queue.poll();
      if (!queue.isEmpty()) {
        hasJob.signalAll();
      }
      return q;
    } finally {
      lock.unlock();
    }
  }

  private boolean leastBusy(int set) {
    for (int o = 0; o < busyIn.length; o++) {
      if (o != set && idleIn[o] > 0 && busyIn[o] < busyIn[set]) {
        return false;
      }
    }
    return true;
  }

  private void release(Queued q, int set, long usedNanos) {
    lock.lock();
    try {
      busy--;
      busyIn[set]--;
      if (!closed) {
        queue.done(q.tenant, usedNanos);
        if (!queue.isEmpty()) {
          hasJob.signalAll();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private void runDecoder(ModelSet set, int setIndex, int lane) {
    DecoderLane d = null;
    try {
      if (isClosed()) {
        return; // closed before this lane started: load nothing
      }
      d = new DecoderLane(set, lane);
      if (isClosed()) {
        return; // closed while loading: no warm-up
      }
      if (lane == 0) {
        try {
          d.warmUp(warmUpClip.get(2, TimeUnit.MINUTES));
        } finally {
          set.warmedUp().complete(null);
        }
      } else {
        // the set's first lane has warmed the JIT: only initialize the front end
        set.warmedUp().get(2, TimeUnit.MINUTES);
        d.warmUpFrontEnd();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception | LinkageError e) {
      if (isClosed()) {
        return;
      }
      if (d == null) {
        set.warmedUp().completeExceptionally(e);
        LOG.error("could not allocate a Sphinx4 recognizer", e);
        decoderDied(e);
        return;
      }
      LOG.warn("decoder warm-up failed; serving cold", e);
    }
    if (warm.incrementAndGet() == size) {
      ready.complete(null);
    }
    try {
      Queued q;
      while ((q = take(setIndex)) != null) {
        long start = System.nanoTime();
        try {
          d.serve(q.job, cost);
        } catch (Exception | LinkageError e) {
          // the lane's search starts afresh with the next job (Recognizer.recognize resets it)
          LOG.warn("decoding failed in lane {}", lane, e);
          q.job.failed(e);
        } finally {
          release(q, setIndex, System.nanoTime() - start);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void decoderDied(Throwable e) {
    if (dead.incrementAndGet() >= size) {
      ready.completeExceptionally(e);
      List<Job> orphans;
      lock.lock();
      try {
        orphans = queue.clear().stream().map(Queued::job).toList();
      } finally {
        lock.unlock();
      }
      orphans.forEach(j -> j.failed(e));
    } else if (warm.get() + dead.get() >= size) {
      ready.complete(null);
    }
  }

  private boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Fails the waiting jobs and ends every lane: a lane still loading stops after its models, one
   * waiting for its set's warm-up stops at once; {@link #ready()} fails if it had not completed.
   */
  @Override
  public void close() {
    List<Job> orphans;
    lock.lock();
    try {
      closed = true;
      orphans = queue.clear().stream().map(Queued::job).toList();
      hasJob.signalAll();
    } finally {
      lock.unlock();
    }
    IllegalStateException e = new IllegalStateException("the speech recognizer pool was closed");
    sets.forEach(set -> set.warmedUp().completeExceptionally(e));
    ready.completeExceptionally(e);
    orphans.forEach(j -> j.failed(e));
  }
}
