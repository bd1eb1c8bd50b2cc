package io.voicewire.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * The wire vocabulary of voicewire's extension of the realtime STT socket: <b>resume a session by
 * its id</b> after a lost connection (docs/stt-resume.md). A voicewire server keeps a session whose
 * connection was lost without the client's close frame <i>parked</i> for a short grace; a client
 * that reconnects with the session's id re-attaches to it, receives the committed transcripts it
 * missed and sends only the audio the server never received.
 *
 * <p>Everything is opt-in through query parameters the official API does not have
 * ({@link #RESUMABLE}, {@link #RESUME_SESSION}, {@link #COMMITS_RECEIVED}); the extra
 * {@link #FIELD} of {@code session_started} and the {@link #SESSION_ID_HEADER} upgrade header are
 * sent only to a client that opted in. Official clients see nothing of it.
 *
 * <p>Immutable constants and value types; thread safe.
 */
public final class SttResume {
  /** Query parameter of a first connection that wants a resumable session: {@code true}. */
  public static final String RESUMABLE = "voicewire_resumable";
  /** Query parameter of a reconnect: the {@code session_id} to resume (implies resumable). */
  public static final String RESUME_SESSION = "voicewire_resume_session";
  /**
   * Query parameter of a reconnect: how many {@code committed_transcript} and
   * {@code committed_transcript_with_timestamps} messages the client received in the session.
   */
  public static final String COMMITS_RECEIVED = "voicewire_commits_received";
  /** Upgrade response header with the session id (for a load balancer's stickiness). */
  public static final String SESSION_ID_HEADER = "X-Voicewire-Session-Id";
  /** The field of {@code session_started} a client that opted in receives. */
  public static final String FIELD = "voicewire_resume";
  /** Longest {@link #RESUME_SESSION} value, in characters (a server's ids are 32). */
  public static final int MAX_SESSION_ID_CHARS = 64;

  private SttResume() {}

  /**
   * The extension's query parameters of one connection.
   *
   * @param resumable whether the client opted in ({@link #RESUMABLE} or {@link #RESUME_SESSION})
   * @param resumeSession the session id to resume, or null (a first connection)
   * @param commitsReceived commit messages the client received in that session (0 without one)
   */
  public record Params(boolean resumable, String resumeSession, long commitsReceived) {
    /** A client that did not opt in. */
    public static final Params NONE = new Params(false, null, 0);

    /**
     * Reads the parameters; errors are {@code invalid_request} naming the parameter: a session id
     * longer than {@link #MAX_SESSION_ID_CHARS} or with characters other than letters, digits,
     * {@code -} and {@code _}; a missing, negative or non-integer {@link #COMMITS_RECEIVED} with
     * {@link #RESUME_SESSION}.
     */
    public static Params parse(Query q) throws ProtocolException {
      String id = q.get(RESUME_SESSION);
      boolean resumable = q.bool(RESUMABLE, false);
      if (id == null || id.isEmpty()) {
        if (q.get(COMMITS_RECEIVED) != null) {
          throw ProtocolException.invalidRequest("query parameter '" + COMMITS_RECEIVED
              + "' is allowed only with '" + RESUME_SESSION + "'");
        }
        return resumable ? new Params(true, null, 0) : NONE;
      }
      if (id.length() > MAX_SESSION_ID_CHARS || !id.chars().allMatch(SttResume::idChar)) {
        throw ProtocolException.invalidRequest("query parameter '" + RESUME_SESSION + "' must "
            + "be a session_id (at most " + MAX_SESSION_ID_CHARS + " letters, digits, - or _)");
      }
      Long n = q.longOrNull(COMMITS_RECEIVED);
      if (n == null || n < 0) {
        throw ProtocolException.invalidRequest("query parameter '" + COMMITS_RECEIVED
            + "' (a count >= 0) is required with '" + RESUME_SESSION + "'");
      }
      return new Params(true, id, n);
    }

    /** Whether this connection asks to resume a session. */
    public boolean resuming() {
      return resumeSession != null;
    }

    /** Adds these parameters to a query being built (nothing for {@link #NONE}). */
    public Query.Builder addTo(Query.Builder b) {
      if (resumeSession != null) {
        return b.add(RESUME_SESSION, resumeSession).add(COMMITS_RECEIVED, commitsReceived);
      }
      return resumable ? b.add(RESUMABLE, true) : b;
    }
  }

  private static boolean idChar(int c) {
    return c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_');
  }

  /**
   * The {@link #FIELD} object of {@code session_started}.
   *
   * @param resumed true when this connection re-attached to the session it named; false for a
   *     new session (a first connection, or a resume the server could not honour)
   * @param graceMs how long the server keeps the session parked after a lost connection
   * @param audioBytesReceived bytes of decoded input audio (in the session's
   *     {@code audio_format}) the server accepted into the session since it began: the client
   *     sends its audio from this offset on
   * @param commitsSent commit messages ({@code committed_transcript} and
   *     {@code committed_transcript_with_timestamps}) the session has produced so far
   * @param reason why a resume was not honoured (resumed false on a reconnect), or null
   * @param commitRequestsReceived the client's commit requests ({@code commit: true}) the server
   *     took into the session since it began, over all its connections (a throttled one is not
   *     taken): with it a client that lost its connection right after sending a commit knows
   *     whether the server has it; -1 when the server did not say (an older server)
   */
  public record Info(boolean resumed, long graceMs, long audioBytesReceived, long commitsSent,
      String reason, long commitRequestsReceived) {

    /** Without {@code commit_requests_received} (as an older server sends it). */
    public Info(boolean resumed, long graceMs, long audioBytesReceived, long commitsSent,
        String reason) {
      this(resumed, graceMs, audioBytesReceived, commitsSent, reason, -1);
    }

    /** Writes {@code "voicewire_resume": {...}} into the object being generated. */
    void write(JsonGenerator g) throws IOException {
      g.writeObjectFieldStart(FIELD);
      g.writeBooleanField("resumed", resumed);
      g.writeNumberField("grace_ms", graceMs);
      g.writeNumberField("audio_bytes_received", audioBytesReceived);
      g.writeNumberField("commits_sent", commitsSent);
      if (commitRequestsReceived >= 0) {
        g.writeNumberField("commit_requests_received", commitRequestsReceived);
      }
      if (reason != null) {
        g.writeStringField("reason", reason);
      }
      g.writeEndObject();
    }

    /**
     * The field of a decoded {@code session_started} object, or null when the server sent none
     * (an official server, or a client that did not opt in) or it is not an object with the
     * four members.
     */
    static Info from(JsonNode sessionStarted) {
      JsonNode r = sessionStarted == null ? null : sessionStarted.get(FIELD);
      if (r == null || !r.isObject() || !r.path("resumed").isBoolean()
          || !r.path("grace_ms").canConvertToLong()
          || !r.path("audio_bytes_received").canConvertToLong()
          || !r.path("commits_sent").canConvertToLong()) {
        return null;
      }
      JsonNode why = r.get("reason");
      JsonNode requests = r.get("commit_requests_received");
      return new Info(r.get("resumed").asBoolean(), r.get("grace_ms").asLong(),
          r.get("audio_bytes_received").asLong(), r.get("commits_sent").asLong(),
          why != null && why.isTextual() ? why.asText() : null,
          requests != null && requests.canConvertToLong() && requests.asLong() >= 0
              ? requests.asLong() : -1);
    }
  }
}
