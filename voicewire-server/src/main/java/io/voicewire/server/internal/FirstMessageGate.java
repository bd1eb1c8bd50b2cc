package io.voicewire.server.internal;

import io.voicewire.protocol.CloseCodes;
import io.voicewire.speech.ErrorCode;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A TTS socket that opened without credentials and must present a key in its first message: it
 * holds one of {@code Limits.maxUnauthenticatedSockets} places until it {@link #pass passes}
 * (authenticated, refused or gone), and {@code onDeadline} runs if it has not after
 * {@code Limits.authDeadline}.
 *
 * <p>Thread safe: {@link #pass} is idempotent and may race with the deadline (the owner decides
 * under its own lock whether the deadline still matters).
 */
final class FirstMessageGate {
  private final SessionLimiter.Permit place;
  private final ScheduledFuture<?> deadline;

  private FirstMessageGate(SessionLimiter.Permit place, ScheduledFuture<?> deadline) {
    this.place = place;
    this.deadline = deadline;
  }

  /** Takes a place and arms the deadline, or returns null when every place is taken. */
  static FirstMessageGate enter(Services s, Runnable onDeadline) {
    SessionLimiter.Permit p = s.unauthenticated.tryAcquire("unauthenticated", new String[1]);
    if (p == null) {
      return null;
    }
    return new FirstMessageGate(p, s.timer.schedule(onDeadline,
        s.limits.authDeadline().toMillis(), TimeUnit.MILLISECONDS));
  }

  /** The message of a refused socket. */
  static String fullMessage(Services s) {
    return "Too many connections waiting to authenticate (limit "
        + s.limits.maxUnauthenticatedSockets() + " maxUnauthenticatedSockets): send credentials "
        + "at the handshake or try again later";
  }

  /** The message of a socket closed at the deadline. */
  static String deadlineMessage(Services s) {
    return "No credentials within the first-message deadline of "
        + s.limits.authDeadline().toMillis() + " ms (authDeadline)";
  }

  /** Leaves the gate: the place is returned and the deadline disarmed. Idempotent. */
  void pass() {
    deadline.cancel(false);
    place.release();
  }

  /**
   * The admission of a socket whose credentials come in its first message: the key from
   * {@code xi_api_key} or {@code authorization} (a {@code Bearer} prefix allowed) is checked and
   * a permit taken. May ask the token store and Redis: never call it under a lock.
   */
  static Admission admission(SocketSession socket, String apiKey,
      String authorization) {
    String key = apiKey;
    if (key == null || key.isBlank()) {
      key = stripBearer(authorization);
    }
    if (key == null || key.isBlank()) {
      return Admission.refused(ErrorCode.AUTH_ERROR, Auth.missing().message(),
          CloseCodes.POLICY_VIOLATION);
    }
    Auth.Result r = socket.s.auth.checkKey(key, socket.remote());
    if (r instanceof Auth.Denied d) {
      return Admission.refused(ErrorCode.AUTH_ERROR, d.message(),
          CloseCodes.POLICY_VIOLATION);
    }
    return Admission.admit(socket.s, ((Auth.Ok) r).keyId());
  }

  private static String stripBearer(String v) {
    if (v == null) {
      return null;
    }
    String t = v.trim();
    return t.toLowerCase(Locale.ROOT).startsWith("bearer ") ? t.substring(7).trim() : t;
  }
}
