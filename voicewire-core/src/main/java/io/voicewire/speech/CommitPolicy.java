package io.voicewire.speech;

import io.voicewire.audio.AudioConverter;
import io.voicewire.audio.AudioFormat;
import io.voicewire.audio.vad.VadEvent;
import io.voicewire.audio.vad.SpeechEndpointer;
import io.voicewire.audio.vad.VoiceActivityDetector;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The protocol's commit rules (PROTOCOL.md §5.4), once, above any recognizer: with
 * {@code commit_strategy=vad} a segment is committed when the voice-activity detector (the
 * recognizer's {@link SttSession#endpointer}, by default the core {@link VoiceActivityDetector},
 * with the request's {@link VadParams}) reports the end of speech;
 * with either strategy a segment never covers more than {@link #AUTO_COMMIT_MILLIS} of audio (the
 * auto-commit, which commits only a segment with words). An engine then implements recognition
 * only: it returns false from {@link SttSession#appliesCommitRules()} and is wrapped here.
 *
 * <pre>{@code
 * SttSession s = CommitPolicy.apply(provider.openStt(request, listener));
 * s.sendAudio(chunk);   // the recognizer takes it; then the VAD sees it, and may commit
 * }</pre>
 *
 * <p>A commit decided for a chunk is made after the recognizer has taken the whole chunk, so the
 * committed segment ends at that chunk's end (its audio time as {@link SttSession#audioReceivedMs}
 * counts it). Refused chunks ({@code sendAudio} false) are not seen by the detector.
 *
 * <p>Thread safety: the session returned is thread safe. Its detector state is guarded by its own
 * lock, which is never held while the recognizer is called. Audio and commits of one session must
 * be sent by one thread at a time (as the protocol's reader does); close and cancel may come from
 * any thread.
 */
public final class CommitPolicy {
  /** The protocol's auto-commit: a segment never covers more audio than this. */
  public static final long AUTO_COMMIT_MILLIS = 90_000;
  /** The rate the detector runs at (input of other formats is converted first). */
  static final int VAD_SAMPLE_RATE = 16_000;

  private CommitPolicy() {}

  /**
   * {@code recognizer} with the commit rules applied, or {@code recognizer} itself when it
   * applies them already ({@link SttSession#appliesCommitRules()}: a relay, or a session this
   * method returned). Idempotent.
   */
  public static SttSession apply(SttSession recognizer) {
    return recognizer.appliesCommitRules() ? recognizer : new Committing(recognizer);
  }

  /** A recognizer under the commit rules. */
  private static final class Committing implements SttSession {
    private final SttSession inner;
    private final boolean vadCommits;
    private final ReentrantLock lock = new ReentrantLock();
    // guarded by lock
    private final AudioConverter converter;
    private final SpeechEndpointer vad;
    private long segmentStartMs;

    Committing(SttSession inner) {
      this.inner = inner;
      SttRequest r = inner.request();
      this.vadCommits = r.commitStrategy() == CommitStrategy.VAD;
      AudioFormat in = r.audioFormat();
      AudioFormat pcm = AudioFormat.PCM_16000;
      this.converter = in.equals(pcm) ? null : AudioConverter.create(in, pcm);
      this.vad = inner.endpointer(r.vad());
    }

    @Override
    public SttRequest request() {
      return inner.request();
    }

    @Override
    public boolean appliesCommitRules() {
      return true;
    }

    @Override
    public boolean sendAudio(byte[] audio) {
      if (!inner.sendAudio(audio)) {
        return false;
      }
      if (audio.length == 0) {
        return true; // a keep-alive
      }
      boolean speechEnded = false;
      lock.lock();
      try {
        List<VadEvent> events = vad.process(converter == null ? audio : converter.convert(audio));
        for (VadEvent e : events) {
          speechEnded |= e.type() == VadEvent.Type.SPEECH_END;
        }
      } finally {
        lock.unlock();
      }
      if (vadCommits && speechEnded) {
        commit();
      }
      long received = inner.audioReceivedMs();
      boolean auto;
      lock.lock();
      try {
        auto = received - segmentStartMs >= AUTO_COMMIT_MILLIS;
        if (auto) {
          segmentStartMs = received;
        }
      } finally {
        lock.unlock();
      }
      if (auto) {
        inner.commitIfSpeech();
      }
      return true;
    }

    @Override
    public boolean commit() {
      return segmentEnded(inner.commit());
    }

    @Override
    public boolean commitIfSpeech() {
      return segmentEnded(inner.commitIfSpeech());
    }

    /** A commit was asked of the recognizer: the next segment starts at the audio so far. */
    private boolean segmentEnded(boolean ok) {
      long received = inner.audioReceivedMs();
      lock.lock();
      try {
        segmentStartMs = received;
      } finally {
        lock.unlock();
      }
      return ok;
    }

    @Override
    public void previousText(String text) {
      inner.previousText(text);
    }

    @Override
    public long audioReceivedMs() {
      return inner.audioReceivedMs();
    }

    @Override
    public void close() {
      inner.close();
    }

    @Override
    public void cancel() {
      inner.cancel();
    }
  }
}
