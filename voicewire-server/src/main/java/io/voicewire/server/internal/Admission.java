package io.voicewire.server.internal;

import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.speech.ErrorCode;

/**
 * The outcome of a WebSocket's admission, decided before the socket's lock (it may ask the token
 * store and Redis) and applied under it ({@link SocketSession#bind}): a session permit for
 * {@code keyId}, or the error, message and close code of the refusal. Immutable.
 */
record Admission(String keyId, SessionLimiter.Permit permit, ErrorCode code, String message,
    int closeCode) {

  static Admission refused(ErrorCode code, String message, int closeCode) {
    return new Admission(null, null, code, message, closeCode);
  }

  boolean granted() {
    return permit != null;
  }

  /**
   * Credentials from the handshake: the parameter error, the refusal, or a permit for the key;
   * null when they may come in the first message ({@code keyInFirstMessage}) and did not come
   * at the handshake.
   */
  static Admission ofHandshake(Services s, ProtocolException paramError, Auth.Result auth,
      boolean keyInFirstMessage) {
    if (paramError != null) {
      return refused(paramError.code(), paramError.getMessage(), paramError.closeCode());
    }
    if (auth instanceof Auth.Denied d) {
      return refused(ErrorCode.AUTH_ERROR, d.message(), CloseCodes.POLICY_VIOLATION);
    }
    if (auth instanceof Auth.Ok ok) {
      return admit(s, ok.keyId());
    }
    if (keyInFirstMessage) {
      return null;
    }
    return refused(ErrorCode.AUTH_ERROR, Auth.missing().message(), CloseCodes.POLICY_VIOLATION);
  }

  /** Takes a session permit for {@code keyId}: may do one Redis round trip, never under a lock. */
  static Admission admit(Services s, String keyId) {
    SessionLimiter.Refusal[] why = new SessionLimiter.Refusal[1];
    SessionLimiter.Permit p = s.limiter.acquire(keyId, why);
    return p == null
        ? refused(why[0].code(), why[0].message(), CloseCodes.TRY_AGAIN_LATER)
        : new Admission(keyId, p, null, null, 0);
  }
}
