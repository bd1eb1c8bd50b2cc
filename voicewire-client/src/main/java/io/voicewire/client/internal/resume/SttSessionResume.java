package io.voicewire.client.internal.resume;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.Query;
import io.voicewire.protocol.internal.Json;

/**
 * One STT stream's side of resume by session id (the voicewire extension,
 * RESUME-PROTOCOL / docs/client.md): which server session the stream may re-attach to, how many
 * committed transcripts it received in that session, and the query parameters of the next
 * connection attempt.
 *
 * <ul>
 *   <li>A stream that {@link #enabled() may use the extension} asks every new session to be
 *       resumable ({@value #RESUMABLE}{@code =true});
 *   <li>a session becomes {@link #resumableId() resumable} only when its
 *       {@code session_started} carried {@value #FIELD} (a server that does not know the
 *       extension never gets the resume parameters);
 *   <li>the next attempt after a drop asks for that session ({@value #SESSION},
 *       {@value #COMMITS}); its {@code session_started} says whether the server still had it.
 * </ul>
 *
 * <p>Not thread safe: the owning stream calls it with its lock held.
 */
public final class SttSessionResume {
  /** Query parameter asking for a resumable session. */
  public static final String RESUMABLE = "voicewire_resumable";
  /** Query parameter naming the session to resume. */
  public static final String SESSION = "voicewire_resume_session";
  /** Query parameter: committed transcripts the client received in that session. */
  public static final String COMMITS = "voicewire_commits_received";
  /** The {@code session_started} field a resumable session carries. */
  public static final String FIELD = "voicewire_resume";

  /**
   * What {@code session_started}'s {@value #FIELD} said.
   *
   * @param resumed the server re-attached the session asked for
   * @param audioBytesReceived decoded input audio the session accepted since it began, bytes
   * @param commitsSent committed transcripts the session produced so far
   * @param graceMillis how long the server keeps the session after a drop, ms
   */
  public record Answer(boolean resumed, long audioBytesReceived, long commitsSent,
      long graceMillis) {}

  private final boolean enabled;
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

  /** The id of the resumable session the next attempt asks for, or null. */
  public String resumableId() {
    return sessionId;
  }

  /** Committed transcripts received in the resumable session. */
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
    Query.Builder q = Query.builder().add(RESUMABLE, "true");
    if (sessionId != null) {
      q.add(SESSION, sessionId).add(COMMITS, Long.toString(commitsReceived));
    }
    return "&" + q.build();
  }

  /** True when the current attempt asked to resume a session. */
  public boolean attemptIsResume() {
    return attemptId != null;
  }

  /**
   * A {@code committed_transcript} of the current session was received: each commit has
   * exactly one (its {@code _with_timestamps} twin is not counted).
   */
  public void commitReceived() {
    commitsReceived++;
  }

  /**
   * The last committed transcript counted was not handled (the connection dropped before its
   * timestamps came): a re-attached session is asked to send it again.
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
   * A {@code session_started} arrived on the current attempt. Returns what its {@value #FIELD}
   * said, or null when it has none (or an unreadable one): the session is then not resumable.
   * A session that was not resumed is a new one: its id becomes the resumable one and the count
   * of commits starts again.
   */
  public Answer started(String sessionIdSent, String json) {
    Answer a = enabled ? read(json) : null;
    boolean resumed = a != null && a.resumed() && attemptId != null
        && attemptId.equals(sessionIdSent);
    if (a != null && a.resumed() && !resumed) {
      a = null; // resumed, but not the session asked for: do not trust it
    }
    if (!resumed) {
      sessionId = a != null && !sessionIdSent.isEmpty() ? sessionIdSent : null;
      commitsReceived = 0;
    }
    attemptId = null;
    return a;
  }

  /** Reads {@value #FIELD} from a {@code session_started}; null when absent or unreadable. */
  static Answer read(String json) {
    try {
      JsonNode r = Json.object(Json.parseObject(json), FIELD);
      if (r == null) {
        return null;
      }
      return new Answer(Json.bool(r, "resumed", false), count(r, "audio_bytes_received"),
          count(r, "commits_sent"), count(r, "grace_ms"));
    } catch (ProtocolException e) {
      return null;
    }
  }

  private static long count(JsonNode o, String field) throws ProtocolException {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
      throw ProtocolException.input("field '" + field + "' must be a count");
    }
    return v.longValue();
  }
}
