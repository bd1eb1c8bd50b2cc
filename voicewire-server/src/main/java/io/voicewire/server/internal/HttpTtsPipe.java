package io.voicewire.server.internal;

import io.voicewire.audio.AudioFormat;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsListener;
import io.voicewire.speech.TtsSession;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.EofException;

/**
 * The hand-over from the provider's thread to the request's virtual thread: a bounded queue of
 * {@link TtsAudio}, then one {@link SpeechError} or {@link #END}. Listener calls never block.
 *
 * <p>A streaming request's text reaches the session through {@link HttpTextFeed}, which
 * {@link #next} tops up as the client takes audio.
 *
 * <p>When the client disconnects ({@link ClientWatch}: Jetty's failure and close listeners, or
 * the probe {@link #next} runs every {@link #CLIENT_POLL_MILLIS}), {@link #clientGone} cancels the
 * provider session: the synthesis ends with the request, and the slot with the synthesis.
 *
 * <p>Thread safe: the provider's thread calls the listener methods, the request's thread
 * {@link #next} and {@link #streamStarted}, a Jetty thread may call {@link #clientGone}; they
 * meet in atomics and volatiles only.
 */
final class HttpTtsPipe implements TtsListener {
  static final Object END = new Object();
  /**
   * How often the request's thread probes its connection while it waits for audio: the longest a
   * disconnected client's synthesis goes on (plus the engine's own cancellation time).
   */
  static final long CLIENT_POLL_MILLIS = 200;
  /** The terminal event when the client disconnected: the request ends without an answer. */
  private static final SpeechError CLIENT_GONE = new SpeechError(ErrorCode.ERROR,
      "The client disconnected before the answer was complete");
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final AtomicLong queuedMillis = new AtomicLong();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final Services s;
  private final AudioFormat format;
  private final boolean slowClientLimit;
  private final WorkSlot slot;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile Object terminal;
  volatile TtsSession session;
  /** The request's client, probed by {@link #next}; set before the first call. */
  volatile ClientWatch client;
  /** Streaming: the text still to send, topped up by {@link #next}; set before the first call. */
  volatile HttpTextFeed feed;
  private long nextPollNanos; // request thread only
  /** When the request's thread last took audio from the queue (or the pipe was made). */
  private volatile long lastTakenNanos = System.nanoTime();
  /** Breaks the response's connection once it has started; see {@link #streamStarted}. */
  private volatile Runnable abort;
  /** The pipe's own overflow error, already counted in the metrics when it happened. */
  private volatile Object counted;

  /**
   * @param slowClientLimit whether a client reading the stream too slowly fails the request
   *     (streaming endpoints); otherwise only {@link HttpTts#MAX_CONVERT_AUDIO_BYTES} bounds the queue
   */
  HttpTtsPipe(Services s, AudioFormat format, boolean slowClientLimit, WorkSlot slot) {
    this.s = s;
    this.format = format;
    this.slowClientLimit = slowClientLimit;
    this.slot = slot;
  }

  private void ended() {
    if (ended.compareAndSet(false, true)) {
      slot.workStopped();
    }
  }

  /**
   * Queues {@code ms} / {@code bytes} more and says why the queue is now over its bounds, else
   * null. Whole-file endpoints: {@link HttpTts#MAX_CONVERT_AUDIO_BYTES}. Streaming endpoints: a
   * client reading too slowly. Audio above the mark is not enough for that: an engine far faster
   * than real time queues seconds of audio before the request's thread has written the first of
   * it. The client must also have taken none for {@link HttpTts#WRITE_STALL_MILLIS}, or the
   * queue must pass a hard bound ({@code maxQueuedBytes}, {@link HttpTts#MAX_QUEUED_CHUNKS}).
   */
  private String overflow(long ms, long bytes) {
    long q = queuedMillis.addAndGet(ms);
    long b = queuedBytes.addAndGet(bytes);
    if (!slowClientLimit) {
      return b > HttpTts.MAX_CONVERT_AUDIO_BYTES ? b + " bytes" : null;
    }
    if (b > s.limits.maxQueuedBytes()) {
      return b + " bytes of audio queued (maxQueuedBytes " + s.limits.maxQueuedBytes() + ")";
    }
    if (queue.size() >= HttpTts.MAX_QUEUED_CHUNKS) {
      return HttpTts.MAX_QUEUED_CHUNKS + " chunks queued (MAX_QUEUED_CHUNKS)";
    }
    long idle = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastTakenNanos);
    if (q > s.limits.maxQueuedAudioMillis() && q > ms && idle >= HttpTts.WRITE_STALL_MILLIS) {
      return "more than " + s.limits.maxQueuedAudioMillis() + " ms queued (maxQueuedAudioMillis)"
          + " and none taken for " + idle + " ms (WRITE_STALL_MILLIS "
          + HttpTts.WRITE_STALL_MILLIS + ")";
    }
    return null;
  }

  @Override
  public void onAudio(TtsAudio a) {
    if (terminal != null || a.audio().length == 0) {
      return;
    }
    HttpTextFeed f = feed;
    if (f != null) {
      f.progress();
    }
    long ms = HttpTts.audioMillis(format, a.audio().length);
    String over = overflow(ms, a.audio().length);
    if (over != null || !queue.offer(a)) {
      if (slowClientLimit) {
        SpeechError e = new SpeechError(ErrorCode.QUEUE_OVERFLOW, "The client is reading "
            + "audio too slowly: " + (over != null ? over : "the queue refused a chunk"));
        // counted here, not by the request thread: it may be blocked in a write to this very
        // client. Marked before it is published, so that the request thread never counts it.
        counted = e;
        s.metrics.error(ErrorCode.QUEUE_OVERFLOW.wireName());
        terminal = e;
      } else {
        terminal = new SpeechError(ErrorCode.INPUT_ERROR, "The audio would exceed "
            + HttpTts.MAX_CONVERT_AUDIO_BYTES + " bytes (MAX_CONVERT_AUDIO_BYTES): use the /stream "
            + "endpoint");
      }
      queue.clear();
      TtsSession ts = session;
      if (ts != null) {
        ts.close(); // stop generating for a client that is not reading
      }
      Runnable ab = abort; // read after terminal was written: see streamStarted
      if (ab != null) {
        ab.run();
      }
    }
  }

  /**
   * The response has started: from now on an overflow breaks the connection, since a request
   * thread blocked writing to a client that stopped reading would otherwise wait for the idle
   * timeout. Written before terminal is read, the mirror of onAudio: one of the two runs it.
   */
  void streamStarted(Runnable abortConnection) {
    abort = abortConnection;
    if (terminal != null && counted(terminal)) {
      abortConnection.run();
    }
  }

  boolean counted(Object error) {
    return error != null && error == counted;
  }

  /**
   * The client is gone (any thread; never blocks): the provider session is cancelled now, so
   * its work stops with the request and the slot follows ({@link WorkSlot}); the request's
   * thread stops waiting at its next {@link #next} poll.
   */
  void clientGone() {
    if (terminal == null) {
      terminal = CLIENT_GONE;
    }
    queue.clear();
    TtsSession ts = session;
    if (ts != null) {
      ts.close();
    }
  }

  /** The audio queued for the client, for the provider's pacing (no lock). */
  @Override
  public long backlogMillis() {
    return queuedMillis.get();
  }

  @Override
  public void onFlushed() {
    HttpTextFeed f = feed;
    if (f != null) {
      f.flushed();
    }
  }

  @Override
  public void onClosed(boolean complete) {
    ended();
    if (terminal == null) {
      terminal = complete ? END : new SpeechError(ErrorCode.ERROR,
          "The speech provider ended the session before all text was voiced");
    }
  }

  @Override
  public void onFailure(SpeechError error) {
    ended();
    if (terminal == null) {
      terminal = error;
    }
  }

  private void pollClient() {
    ClientWatch w = client;
    long now = System.nanoTime();
    if (w != null && now - nextPollNanos >= 0) {
      nextPollNanos = now + TimeUnit.MILLISECONDS.toNanos(CLIENT_POLL_MILLIS);
      w.poll();
    }
  }

  /**
   * The next event: audio, then the terminal event; waits on the request's thread.
   *
   * @throws EofException when the client disconnected ({@link #clientGone})
   */
  Object next() throws InterruptedException, HttpProblem, EofException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HttpTts.EVENT_TIMEOUT_MILLIS);
    while (true) {
      pollClient();
      HttpTextFeed f = feed;
      if (f != null && terminal == null) {
        f.topUp(session, queuedMillis.get());
      }
      Object t = terminal;
      if (t == CLIENT_GONE) {
        throw new EofException(CLIENT_GONE.message());
      }
      if (t instanceof SpeechError) {
        return t; // failures win over queued audio: the response is broken anyway
      }
      Object ev = queue.poll(10, TimeUnit.MILLISECONDS);
      if (ev instanceof TtsAudio a) {
        lastTakenNanos = System.nanoTime();
        queuedMillis.addAndGet(-HttpTts.audioMillis(format, a.audio().length));
        queuedBytes.addAndGet(-a.audio().length);
        return a;
      }
      if (t != null && queue.isEmpty()) {
        return t;
      }
      if (System.nanoTime() > deadline) {
        throw new HttpProblem(504, "server_error", "synthesis_timeout",
            "The speech provider produced nothing for " + HttpTts.EVENT_TIMEOUT_MILLIS + " ms", null);
      }
    }
  }
}
