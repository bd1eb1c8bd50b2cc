package io.voicewire.client.internal.stream;

import io.voicewire.client.internal.Logs;
import io.voicewire.client.internal.transport.Connection;
import io.voicewire.protocol.ErrorPolicy.Retry;
import io.voicewire.protocol.JsonScan;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.SttResume;
import io.voicewire.protocol.SttServerMessage;
import io.voicewire.protocol.SttWords;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.Transcript;
import java.util.List;
import org.slf4j.Logger;

/**
 * An STT stream's side of each connection ({@link WireSession}) and what a drop means for it
 * ({@link ResumeState}): a new server session gets the ring from its start (the audio since the
 * last committed transcript); a session the server re-attached by id
 * ({@link io.voicewire.client.SttResumeMode}) gets only the audio it never received; server messages
 * are routed to the listener and to {@link SttCommits}; keep-alives; the end of the stream once
 * every commit was answered.
 *
 * <p>Not thread safe: every method runs with the stream's lock held.
 */
final class SttWire implements WireSession, ResumeState {
  private static final Logger log = Logs.get(RealSttStream.class);

  private final SttState st;
  private final ConnectionSupervisor sup;
  private final SttOutbox out;
  private final SttCommits commits;
  private final FinalAnswerWait answerWait = new FinalAnswerWait();
  private final SttAttach attach;

  SttWire(SttState st, ConnectionSupervisor sup, SttOutbox out, SttCommits commits) {
    this.st = st;
    this.sup = sup;
    this.out = out;
    this.commits = commits;
    this.attach = new SttAttach(st, sup, out);
  }

  @Override
  public String queryExtras() {
    return st.resume.nextAttemptQuery();
  }

  /**
   * A server that refuses the stream's first connection as a bad request (an HTTP 4xx other
   * than auth and rate limits, {@code invalid_request}, {@code policy_violation}) before any
   * session started may be a strict server that does not know the voicewire extension's
   * parameter: the stream drops the extension and tries again at once, once.
   */
  @Override
  public Failure reclassify(Failure f) {
    ErrorCode code = f.error().code();
    if (f.retryable() || st.started || !st.resume.enabled()
        || code != ErrorCode.INVALID_REQUEST && code != ErrorCode.POLICY_VIOLATION) {
      return f;
    }
    st.resume.disable();
    log.info("{}: refused ({}); trying again without the voicewire extension", sup.name,
        f.error().message());
    return new Failure(f.error(), Retry.NOW);
  }

  @Override
  public void onOpen(Connection c) {
    long now = sup.ctx.nanoClock().getAsLong();
    st.startedOnConn = false;
    st.connOpenedNanos = now;
    st.connCommits = 0;
    st.connOpen = true;
    st.serverErrorOnConn = false;
    st.retranscribe = false;
    st.resumedConn = false;
    st.lastInboundNanos = now;
    st.lastSendNanos = now;
    st.awaitingResume = st.resume.attemptIsResume();
    if (st.awaitingResume) {
      sup.metrics.resumesAttempted.increment();
      return; // session_started says whether the server still has the session
    }
    attach.startNewSession(now);
  }

  /**
   * Lock held: whether the next new session's replay gets forced commits. A drop this stream
   * caused itself (a new session on purpose, {@link Retry#NOW} without a close frame) keeps the
   * decision; the server's error message or close frame (1012, {@code queue_overflow},
   * {@code resource_exhausted}, …) clears it; a cut (lost without either) sets it when the
   * connection was short: younger than {@link RealSttStream#SHORT_CONNECTION_MILLIS}, no commit
   * received.
   */
  private void decideForcedCommits(Failure why) {
    boolean wasOpen = st.connOpen;
    st.connOpen = false;
    if (!wasOpen || why.closeCode() < 0 && why.retry() == Retry.NOW) {
      return; // a refused handshake, or a new session on purpose: the decision stands
    }
    long lived = sup.ctx.nanoClock().getAsLong() - st.connOpenedNanos;
    // a cut is a connection lost without the server's close frame: a server that closed (1012,
    // queue_overflow, resource_exhausted, ...) is reachable and the next session is not cut
    boolean cut = !st.serverErrorOnConn && (why.closeCode() < 0
        || why.closeCode() == io.voicewire.protocol.CloseCodes.ABNORMAL);
    st.forceCommits = cut && why.error().code() != ErrorCode.QUEUE_OVERFLOW
        && st.connCommits == 0 && lived < RealSttStream.SHORT_CONNECTION_MILLIS * 1_000_000L;
  }

  @Override
  public void onLost(Failure why) {
    decideForcedCommits(why);
    onLost();
  }

  @Override
  public void onLost() {
    boolean resumable = st.resume.resumableId() != null;
    if (!st.awaitingResume) {
      st.lostCommits.copyOf(st.pendingCommits);
    }
    st.awaitingResume = false;
    if (st.held != null && resumable) {
      // a re-attached session sends it again, with its timestamps (it is not counted); a new
      // session transcribes its audio again from the ring
      st.held = null;
      st.resume.commitUncounted();
    }
    if (st.held != null) {
      // its end is exact only if it answers a manual commit; otherwise forget it: the ring still
      // holds its audio and the next session transcribes it again
      if (st.request.commitStrategy() == CommitStrategy.MANUAL && !st.pendingCommits.isEmpty()) {
        SttServerMessage.Committed h = st.held;
        st.held = null;
        commits.deliverCommit(h.text(), null, List.of());
      } else {
        st.held = null;
      }
    }
    st.pendingCommits.clear();
  }

  @Override
  public void onMessage(Connection c, String text) {
    if (st.passThrough
        && RealSttStream.PARTIAL.equals(JsonScan.topLevelString(text, "message_type"))) {
      long now = sup.ctx.nanoClock().getAsLong();
      st.lastInboundNanos = now;
      if (st.held != null) {
        commits.releaseHeld();
      }
      partialSeen(now);
      // as received: no parse
      sup.events.offer(() -> st.listener.onServerMessage(RealSttStream.PARTIAL, text));
      afterMessage(now);
      return;
    }
    SttServerMessage m;
    try {
      m = SttServerMessage.decode(text);
    } catch (ProtocolException e) {
      log.debug("{}: ignoring an unreadable server message: {}", sup.name, e.getMessage());
      return;
    }
    long now = sup.ctx.nanoClock().getAsLong();
    st.lastInboundNanos = now;
    if (st.held != null && !(m instanceof SttServerMessage.CommittedWithTimestamps)) {
      commits.releaseHeld();
    }
    switch (m) {
      case SttServerMessage.Started s -> {
        st.startedOnConn = true;
        SttResume.Info a = st.resume.started(s.sessionId(), s.voicewireResume());
        if (st.awaitingResume) {
          st.awaitingResume = false;
          if (a != null) {
            attach.continueSession(a, now);
            if (sup.connection() == null) {
              return; // it could not be continued: a new session is on its way
            }
          } else {
            sup.metrics.resumesFellBack.increment();
            log.debug("{}: the server no longer had the session; a new one replays {} ms",
                sup.name, st.ms(st.ring.bytes()));
            attach.startNewSession(now);
          }
        }
        if (st.sentOnConn > 0) {
          sup.markHealthy();
        }
        if (!st.started) {
          st.started = true;
          String id = s.sessionId();
          sup.events.offer(() -> st.listener.onStarted(id));
        }
      }
      case SttServerMessage.Partial p -> {
        partialSeen(now);
        st.partialSinceCommit |= !p.text().isBlank();
        long start = st.haveHorizon ? st.ms(st.horizon) : st.ms(st.sessionBase);
        long end = Math.max(start, st.ms(st.sessionBase + st.sentOnConn));
        Transcript t = Transcript.partial(p.text(), start, end);
        // not progress: a partial may cover only replayed audio
        sup.events.offer(() -> st.listener.onPartial(t));
      }
      case SttServerMessage.Committed cm -> {
        st.connCommits++;
        st.resume.commitReceived();
        if (st.timestampsUnsupported) {
          commits.deliverCommit(cm.text(), null, List.of());
        } else {
          st.held = cm;
          st.heldSince = now;
        }
      }
      case SttServerMessage.CommittedWithTimestamps cw -> {
        st.resume.commitReceived();
        String t = st.held != null ? st.held.text() : cw.text();
        st.held = null;
        commits.deliverCommit(t, cw.languageCode(), cw.words());
      }
      case SttServerMessage.Error e -> {
        if (e.code() == ErrorCode.COMMIT_THROTTLED) {
          // the server ignored the commit it received last, which need not be our oldest
          // unanswered one (its answer may still be on its way): pace commits wider from now on
          st.commitIntervalNanos = Math.min(2 * st.commitIntervalNanos,
              RealSttStream.MAX_COMMIT_INTERVAL_MILLIS * 1_000_000L);
          if (st.request.commitStrategy() == CommitStrategy.MANUAL) {
            // the user's boundaries must stay exact, and which one was ignored is unknown: start
            // a new session now; it replays everything after the last answered commit, commits
            // included, paced wider
            st.resume.forget();
            sup.abandonLocked(new Failure(new SpeechError(ErrorCode.COMMIT_THROTTLED,
                e.error() == null ? "commit throttled" : e.error()), Retry.NOW));
            return;
          }
          // VAD: our commits are no boundaries; a later commit covers its audio, or one is added
          if (!st.pendingCommits.isEmpty()) {
            st.pendingCommits.removeFirst();
          }
          if (st.pendingCommits.isEmpty() && st.ring.after(st.sentSeq) == null) {
            st.ring.addCommit(now);
            st.lastCommitSentNanos = now;
          }
        } else {
          st.serverErrorOnConn = true; // the server ends this connection: no cut
          sup.serverError(new SpeechError(e.code(),
              e.error() == null ? e.messageType() : e.error()));
        }
      }
      case SttServerMessage.Other o -> {
        String json = SttWords.asRequested(o.messageType(), o.encode(),
            st.request.includeTimestamps(), st.request.includeLanguageDetection(),
            st.ms(st.sessionBase) / 1000.0);
        if (json != null) {
          sup.events.offer(() -> st.listener.onServerMessage(o.messageType(), json));
        }
      }
      default -> { }
    }
    afterMessage(now);
  }

  /** Lock held: a partial transcript arrived at {@code now}. */
  private void partialSeen(long now) {
    if (st.sentOnConn > 0) {
      sup.markAccepted(); // the server is transcribing audio we sent on this connection
    }
    if (st.partialClockStart != 0) {
      sup.metrics.partialLatencyNanos(now - st.partialClockStart);
      st.partialClockStart = 0;
    }
  }

  /** Lock held: what follows every server message. */
  private void afterMessage(long now) {
    if (st.retranscribe) {
      st.retranscribe = false;
      st.resume.forget(); // a new session: the resumed one would not transcribe the word again
      sup.abandonLocked(new Failure(new SpeechError(ErrorCode.ERROR,
          "a new session re-transcribes a word cut by a forced commit"), Retry.NOW));
      return;
    }
    if (st.replayHoldUntilNanos != 0 && st.pendingCommits.isEmpty()) {
      out.pump(now); // the replayed commit was answered: go on
    }
    maybeFinish(now);
  }

  /** Lock held: finishes once every commit was sent and answered (with VAD, and settled). */
  void maybeFinish(long now) {
    if (!st.endRequested || sup.isTerminal() || st.held != null || st.awaitingResume
        || !st.pendingCommits.isEmpty() && !finalAnswerOverdue(now)) {
      return;
    }
    if (sup.connection() == null || st.ring.after(st.sentSeq) != null) {
      return; // something is still to be sent
    }
    if (st.request.commitStrategy() == CommitStrategy.VAD
        && now - st.lastInboundNanos < RealSttStream.END_SETTLE_MILLIS * 1_000_000L) {
      // the answer to our last commit may be followed by a VAD commit's: wait until the
      // server has been quiet for a moment
      return;
    }
    sup.finishLocked(true, "");
  }

  /**
   * Lock held, VAD after end: when our final commit is still pending although the server has
   * read it and then been quiet long enough ({@link FinalAnswerWait}: a server holding our
   * uplink for back-pressure is not done) and has no uncommitted text (no partial since the last
   * commit), its answer was taken for a VAD commit's: finish.
   */
  private boolean finalAnswerOverdue(long now) {
    return st.request.commitStrategy() == CommitStrategy.VAD && st.pendingCommits.size() == 1
        && !st.forcedAt.contains(st.pendingCommits.firstOffset()) && !st.partialSinceCommit
        && st.ring.after(st.sentSeq) == null && answerWait.overdue(sup.connection(), now,
            st.lastInboundNanos, sup.ctx.finishTimeout().toNanos());
  }

  @Override
  public void onTick(Connection c, long nowNanos) {
    answerWait.observe(c, st.lastInboundNanos, !st.pendingCommits.isEmpty());
    if (st.held != null
        && nowNanos - st.heldSince >= RealSttStream.TIMESTAMPS_WAIT_MILLIS * 1_000_000L) {
      commits.releaseHeld();
    }
    out.pump(nowNanos);
    if (!st.endRequested && nowNanos - st.lastSendNanos >= sup.ctx.sttKeepAlive().toNanos()
        && st.ring.after(st.sentSeq) == null) {
      c.send(out.chunkMessage(new byte[0], false)); // keep-alive, PROTOCOL.md §5.4
      st.lastSendNanos = nowNanos;
    }
    maybeFinish(nowNanos);
  }

  @Override
  public String cannotResumeReason() {
    return null;
  }

  @Override
  public boolean completesOnDrop() {
    return st.endRequested && st.ring.bytes() == 0 && st.held == null;
  }

  @Override
  public boolean awaitingAcceptance() {
    return st.ring.bytes() > 0;
  }
}
