package io.voicewire.server.internal;

import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.Query;
import io.voicewire.protocol.TtsClientMessage;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import java.util.List;

/**
 * The {@code multi-stream-input} socket (PROTOCOL.md §3): up to {@value #MAX_CONTEXTS} contexts,
 * each a {@link TtsContext} with its own provider session. Its lifecycle is {@link TtsState}; in short:
 * <pre>
 *   ADMITTING ──key accepted──▶ STREAMING ──close_socket──▶ ENDING ──every isFinal──▶ CLOSING
 *   STREAMING ──bad message──▶ DRAINING ──accepted text voiced──▶ CLOSING (error)
 *   STREAMING ──socket timeout / time limit / drain──▶ CLOSING (error)
 * </pre>
 * A context's failure or inactivity timeout is reported on that context (its {@code contextId});
 * the socket goes on. Reusing an id whose context is still ending finishes the old one first
 * ({@code isFinal}), so nothing of it can be mistaken for the new one. Thread safe (see
 * {@link TtsSocket}).
 *
 * <p>Public only because Jetty invokes listener methods reflectively; not an API.
 */
public final class MultiStreamInputSocket extends TtsSocket<TtsClientMessage> {
  /** Most live contexts on one multi-stream-input socket (ElevenLabs' limit). */
  static final int MAX_CONTEXTS = 5;

  private static final String DEFAULT_KEY = "\u0000default";

  MultiStreamInputSocket(Services s, String voiceId, Query query, Auth.Result handshakeAuth) {
    super(s, SessionKind.TTS_MULTI_STREAM_INPUT, voiceId, query, handshakeAuth, TtsWire.TTS);
  }

  @Override
  void onMessage(TtsClientMessage m, long now, Effects fx) {
    if (m.closeSocket()) {
      beginEnding(fx);
      return;
    }
    String idProblem = TtsBounds.contextIdProblem(m.contextId());
    if (idProblem != null) {
      clientError(ErrorCode.POLICY_VIOLATION, idProblem + " (MAX_CONTEXT_ID_BYTES)",
          CloseCodes.POLICY_VIOLATION, fx);
      return;
    }
    String key = m.contextId() == null ? DEFAULT_KEY : m.contextId();
    TtsContext c = contexts.get(key);
    if (m.closeContext()) {
      if (c != null) {
        c.closeContext(fx); // voices only what was flushed (AsyncAPI CloseContext)
      }
      return;
    }
    boolean hasText = m.text() != null;
    boolean keepAliveOnly = (!hasText || m.text().isBlank()) && !m.flush()
        && !m.tryTriggerGeneration() && !m.hasSettings();
    if (m.contextId() == null && c == null) {
      if (!hasText && !m.flush() && !m.tryTriggerGeneration() && !m.hasSettings()) {
        clientError(ErrorCode.INPUT_ERROR, "Message has neither 'text' nor 'context_id'",
            CloseCodes.INVALID_PAYLOAD, fx);
        return;
      }
      if (keepAliveOnly) {
        return; // connection keep-alive: creates no context
      }
    }
    if (c != null && c.state.is(TtsContext.State.ENDING)) {
      // the id is reused before its isFinal: finish the old context now
      cancelContext(c, true, fx);
      c = null;
    }
    if (c == null) {
      if (contexts.size() >= MAX_CONTEXTS) {
        clientError(ErrorCode.POLICY_VIOLATION, "Maximum simultaneous contexts exceeded (limit "
            + MAX_CONTEXTS + "): close a context before opening another",
            CloseCodes.POLICY_VIOLATION, fx);
        return;
      }
      c = openContext(key, DEFAULT_KEY.equals(key) ? null : key,
          m.applyTo(params.request()), now, fx);
    }
    // re-initialising an open context (InitialiseContext again) is allowed by the AsyncAPI
    // document; its settings go to the context's session with the text
    applyText(c, m, now, fx);
  }

  @Override
  void contextFailed(TtsContext c, SpeechError error, Effects fx) {
    // one context failed: report it on that context, the socket goes on
    int closeCode = Errors.closeCode(error.code());
    s.metrics.error(error.code().wireName());
    LOG.info("{} context error id={} context={} type={} message={}", kind.label, id, c.wireId,
        error.code().wireName(), Redact.forLog(error.message()));
    out().enqueueUrgent(errorJson(ClientText.safe(error.message()), error.code(), closeCode,
        c.wireId));
    contextGone(fx);
  }

  @Override
  long expireIdleContexts(long now, long next, Effects fx) {
    // only open contexts time out: one that is ending voices what it holds, then its isFinal
    List<TtsContext> open = contexts.values().stream()
        .filter(c -> c.state.is(TtsContext.State.OPEN)).toList();
    return closeIdle(open, c -> c.lastActivityNanos, c -> c.wireId, c -> {
      out().enqueueUrgent(errorJson(timeoutMessage(), ErrorCode.INPUT_TIMEOUT_EXCEEDED,
          CloseCodes.POLICY_VIOLATION, c.wireId));
      c.state.moveTo(TtsContext.State.DONE);
      contexts.remove(c.key, c);
      fx.add(c::closeSession);
    }, now, next);
  }
}
