package io.voicewire.client.internal.resume;

import io.voicewire.protocol.Query;
import io.voicewire.protocol.SttResume;

/**
 * One STT stream's side of resume by session id (the voicewire extension, docs/stt-resume.md,
 * vocabulary in {@link SttResume}): which server session the stream may re-attach to, how many
 * commit messages it received in that session, and the query parameters of the next connection
 * attempt.
 *
 * <ul>
 *   <li>A stream that {@link #enabled() may use the extension} asks every new session to be
 *       resumable ({@link SttResume#RESUMABLE});
 *   <li>a session becomes {@link #resumableId() resumable} only when its
 *       {@code session_started} carried {@link SttResume#FIELD} (a server that does not know the
 *       extension never gets the resume parameters);
 *   <li>the next attempt after a drop asks for that session ({@link SttResume#RESUME_SESSION},
 *       {@link SttResume#COMMITS_RECEIVED}); its {@code session_started} says whether the
 *       server still had it.
 * </ul>
 *
 * <p>Not thread safe: the owning stream calls it with its lock held.
 */
public final class SttSessionResume {
  private boolean enabled;
  private String sessionId;
  private long commitsReceived;
  private String attemptId;

  /** @param enabled the client's mode applies to its host and the stream may use it */
  public SttSessionResume(boolean enabled) {
    this.enabled = enabled;
  }

  /** True when this stream asks for resumable sessions. */
  public boolean enabled() {
    return enabled;
  }

  /** From now on this stream speaks the official protocol only. */
  public void disable() {
    enabled = false;
    forget();
  }

  /** The id of the resumable session the next attempt asks for, or null. */
  public String resumableId() {
    return sessionId;
  }

  /** Commit messages received in the resumable session. */
  public long commitsReceived() {
    return commitsReceived;
  }

  /**
   * The query parameters of the next connection attempt ({@code &}-prefixed, or empty), and
   * remembers whether that attempt is a resume ({@link #attemptIsResume()}).
   */
  public String nextAttemptQuery() {
    attemptId = sessionId;
    if (!enabled) {
      return "";
    }
    return "&" + new SttResume.Params(true, sessionId, sessionId == null ? 0 : commitsReceived)
        .addTo(Query.builder()).build();
  }

  /** True when the current attempt asked to resume a session. */
  public boolean attemptIsResume() {
    return attemptId != null;
  }

  /**
   * A {@code committed_transcript} or {@code committed_transcript_with_timestamps} of the
   * current session was received: each is one commit message.
   */
  public void commitReceived() {
    commitsReceived++;
  }

  /**
   * The last commit message counted was not handled (the connection dropped before its
   * {@code _with_timestamps} twin came): a re-attached session is asked to send it again.
   */
  public void commitUncounted() {
    commitsReceived = Math.max(0, commitsReceived - 1);
  }

  /** The next attempt starts a new session (e.g. to transcribe audio again from scratch). */
  public void forget() {
    sessionId = null;
    commitsReceived = 0;
  }

  /**
   * A {@code session_started} with {@code info} (its {@link SttResume#FIELD}, or null) arrived on
   * the current attempt. Returns the info when the server re-attached the session this attempt
   * asked for, else null: the session is a new one, resumable (its id is kept, the count starts
   * again) only when the field was there.
   */
  public SttResume.Info started(String sessionIdSent, SttResume.Info info) {
    if (!enabled) {
      info = null;
    }
    boolean resumed = info != null && info.resumed() && attemptId != null
        && attemptId.equals(sessionIdSent);
    attemptId = null;
    if (resumed) {
      return info;
    }
    sessionId = info != null && !sessionIdSent.isEmpty() ? sessionIdSent : null;
    commitsReceived = 0;
    return null;
  }
}
