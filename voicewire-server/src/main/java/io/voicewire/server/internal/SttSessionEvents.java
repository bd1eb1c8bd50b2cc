package io.voicewire.server.internal;

import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.SttParams;
import io.voicewire.protocol.SttResume;
import io.voicewire.protocol.SttServerMessage;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.Transcript;
import org.slf4j.Logger;

/**
 * The provider's events of one realtime STT session ({@link SttSessionCore} has the whole
 * story): {@code session_started} (the official shape, or with {@code voicewire_resume} for a
 * resumable session), partials (while parked only the latest is kept), committed transcripts
 * (held in the {@link SttCommitLog} of a resumable session, then sent; held only while parked)
 * and the provider's end.
 *
 * <p>Thread safe: the core's idiom (its monitor, effects after it).
 */
abstract class SttSessionEvents extends SttSessionCore {
  private static final String PARTIAL = "partial_transcript";

  SttSessionEvents(Services s, String id, String keyId, SttParams params, boolean resumable,
      SessionLimiter.Permit permit, SttSocket first, String fallbackReason, Logger log) {
    super(s, id, keyId, params, resumable, permit, first, fallbackReason, log);
  }

  // ---------------------------------------------------------------- provider events

  @Override
  public void onStarted(String sessionId) {
    locked(fx -> {
      if (attached != null && !startSent && !startPending
          && state.isAny(SttState.OPEN, SttState.FAILING)) {
        startSent = true;
        offer(resumable ? messages.started(id, new SttResume.Info(false, graceMillis,
            audioBytes, commits.sent(), fallbackReason, commitRequests))
            : messages.started(sessionId), fx);
      }
    });
  }

  @Override
  public void onPartial(Transcript partial) {
    String json = messages.partial(partial);
    long arrival = -1;
    Effects fx = new Effects();
    synchronized (this) {
      if (state.is(SttState.OPEN)) {
        arrival = uplink.arrivalOf(partial.audioEndMs());
        offer(json, fx);
      }
      holdPartial(json);
    }
    after(fx);
    recordSince(s.metrics.partial, arrival);
  }

  /** Records the latency since {@code startNanos} (-1: unknown); after the monitor. */
  private void recordSince(ServerMetrics.Latency latency, long startNanos) {
    if (startNanos >= 0) {
      latency.recordNanos(s.now() - startNanos);
    }
  }

  private void holdPartial(String json) {
    if (resumable && state.isAny(SttState.OPEN, SttState.PARKED)) {
      commits.partial(json);
    }
  }

  @Override
  public void onCommitted(Transcript committed) {
    SttMessages.Committed out = messages.committed(committed);
    long[] start = {-1};
    locked(fx -> {
      if (!state.isAny(SttState.OPEN, SttState.FAILING, SttState.PARKED)) {
        return;
      }
      long from = uplink.commitStart(committed.audioEndMs());
      if (attached != null) {
        start[0] = from;
      }
      if (!commit(out.json(), fx)
          || out.withTimestamps() != null && !commit(out.withTimestamps(), fx)) {
        return;
      }
      if (drainAtCommit && state.is(SttState.OPEN)) {
        move(fx);
      }
    });
    recordSince(s.metrics.commit, start[0]);
  }

  /** One commit message: held (resumable) and sent; false when the session ended (overflow). */
  private boolean commit(String json, Effects fx) {
    if (resumable && !commits.add(json, !state.is(SttState.PARKED))) {
      s.sttSessions.overflowed();
      end("more commit messages than sttResumeLogMessages (" + s.limits.sttResumeLogMessages()
          + ") or sttResumeLogBytes (" + s.limits.sttResumeLogBytes() + " bytes) while parked",
          fx);
      return false;
    }
    offer(json, fx);
    return true;
  }

  @Override
  public void onServerMessage(String messageType, String json) {
    if (PARTIAL.equals(messageType)) {
      passPartial(json);
      return;
    }
    locked(fx -> { // a relay's upstream message the provider interface does not model, as sent
      if (state.isAny(SttState.OPEN, SttState.FAILING)) {
        offer(json, fx);
      } else if (state.is(SttState.PARKED)) {
        log.debug("stt_realtime parked id={}: {} not held", id, messageType);
      }
    });
  }

  /** A relay's upstream partial, forwarded as received (rewritten only for no_verbatim). */
  private void passPartial(String json) {
    String out = json;
    if (messages.noVerbatim()) {
      try {
        out = messages.partial(Transcript.partial(
            ((SttServerMessage.Partial) SttServerMessage.decode(json)).text(), 0, 0));
      } catch (ProtocolException | ClassCastException e) {
        return; // unreadable: dropped, as the typed path drops it
      }
    }
    long arrival = -1;
    Effects fx = new Effects();
    synchronized (this) { // the partial's only turn on the monitor
      if (state.is(SttState.OPEN)) {
        arrival = uplink.latestArrival();
        offer(out, fx);
      }
      holdPartial(out);
    }
    after(fx);
    recordSince(s.metrics.partial, arrival);
  }

  @Override
  public void onClosed() {
    providerEnded(fx -> { // the provider ended the session on its own
      state.moveTo(SttState.CLOSING);
      attached.out().enqueueClose(CloseCodes.NORMAL, "");
    }, "the speech provider ended the session");
  }

  @Override
  public void onFailure(SpeechError error) {
    providerEnded(fx -> closeWith(error.code(), ClientText.safe(error.message()),
        Errors.closeCode(error.code()), false), "the speech provider failed");
  }

}
