package io.voicewire.engine.local.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded pool of TTS worker threads and its fair schedule.
 *
 * <p>A worker takes one session, synthesizes <em>one</em> sentence of it, and puts the session
 * back at the end of a queue if it has more: sessions take turns sentence by sentence, so one long
 * text never holds a worker for more than a sentence. There are two queues: a session whose
 * listener has less than {@link #URGENT_LEAD_MILLIS} of audio ahead of real time (every session
 * before its first audio, and after a pause) is served before any session that is ahead. A
 * session is in at most one queue at a time, so the queues are bounded by the number of open
 * sessions ({@code MAX_OPEN_TTS_SESSIONS} in the provider).
 *
 * <p>Each worker owns one synthesizer per voice, created on first use after the voice has loaded.
 * Thread safe.
 */
final class TtsScheduler implements AutoCloseable {
  /** A session with less audio than this ahead of its listener's real time is served first. */
  static final long URGENT_LEAD_MILLIS = 500;

  private final VoiceRegistry voices;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition nonEmpty = lock.newCondition();
  private final ArrayDeque<RealTtsSession> urgent = new ArrayDeque<>();
  private final ArrayDeque<RealTtsSession> normal = new ArrayDeque<>();
  private final List<Thread> threads = new ArrayList<>();
  private boolean closed;

  TtsScheduler(VoiceRegistry voices, int workers) {
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

  /** Queues a session that has work; it must not be queued or running already. */
  void schedule(RealTtsSession s, boolean isUrgent) {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      (isUrgent ? urgent : normal).add(s);
      nonEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Sessions waiting for a worker, for tests and metrics. */
  int queued() {
    lock.lock();
    try {
      return urgent.size() + normal.size();
    } finally {
      lock.unlock();
    }
  }

  private RealTtsSession take() throws InterruptedException {
    lock.lock();
    try {
      while (!closed && urgent.isEmpty() && normal.isEmpty()) {
        nonEmpty.await();
      }
      if (closed) {
        return null;
      }
      return urgent.isEmpty() ? normal.poll() : urgent.poll();
    } finally {
      lock.unlock();
    }
  }

  private void runWorker() {
    Map<String, Synthesizer> mine = new HashMap<>();
    try {
      RealTtsSession s;
      while ((s = take()) != null) {
        s.runOne(voiceId -> synthesizer(mine, voiceId));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Synthesizer synthesizer(Map<String, Synthesizer> mine, String voiceId)
      throws Exception {
    Synthesizer s = mine.get(voiceId);
    if (s == null) {
      VoiceEngine v = voices.awaitLoaded(voiceId);
      s = v.newSynthesizer();
      mine.put(voiceId, s);
    }
    return s;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      urgent.clear();
      normal.clear();
      nonEmpty.signalAll();
    } finally {
      lock.unlock();
    }
    for (Thread t : threads) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** What a worker gives a session: its synthesizer for a voice. */
  interface Synthesizers {
    Synthesizer forVoice(String voiceId) throws Exception;
  }
}
