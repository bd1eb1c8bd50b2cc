package io.voicewire.server.internal;

import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.Query;
import io.voicewire.protocol.TtsClientMessage;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;

/**
 * The {@code stream-input} socket (PROTOCOL.md §2): one utterance stream, one context opened by
 * the first message. Its lifecycle is {@link TtsState}; in short:
 * <pre>
 *   ADMITTING ──key accepted──▶ STREAMING ──{"text":""}──▶ ENDING ──isFinal──▶ CLOSING (1000)
 *   STREAMING ──bad message──▶ DRAINING ──accepted text voiced──▶ CLOSING (error)
 *   STREAMING ──provider failure / timeout / time limit──▶ CLOSING (error)
 * </pre>
 * A failure of the one context ends the socket. Thread safe (see {@link TtsSocket}).
 *
 * <p>Public only because Jetty invokes listener methods reflectively; not an API.
 */
public final class StreamInputSocket extends TtsSocket<TtsClientMessage> {
  private static final String KEY = "\u0000default";

  // guarded by this
  private boolean contextOpened;

  StreamInputSocket(Services s, String voiceId, Query query, Auth.Result handshakeAuth) {
    super(s, SessionKind.TTS_STREAM_INPUT, voiceId, query, handshakeAuth, TtsWire.TTS);
  }

  @Override
  void onMessage(TtsClientMessage m, long now, Effects fx) {
    TtsContext c = contexts.get(KEY);
    if (!contextOpened) {
      contextOpened = true;
      c = openContext(KEY, null, m.applyTo(params.request()), now, fx);
    } else {
      if (m.text() == null && !m.flush() && !m.tryTriggerGeneration()) {
        clientError(ErrorCode.INPUT_ERROR, "Message has no 'text': send {\"text\":\"...\"}, "
            + "{\"text\":\" \"} to keep the stream alive or {\"text\":\"\"} to end it",
            CloseCodes.INVALID_PAYLOAD, fx);
        return;
      }
      if (c == null || !c.state.is(TtsContext.State.OPEN)) {
        return;
      }
      // settings again on a later message: allowed unchanged by the AsyncAPI document (SendText
      // carries voice_settings); the session gets them with the text (a relay forwards them)
    }
    applyText(c, m, now, fx);
    if (m.text() != null && m.text().isEmpty() && state.is(TtsState.STREAMING)) {
      beginEnding(fx); // end of input: voice the rest, then isFinal, then close 1000
    }
  }

  @Override
  void contextFailed(TtsContext c, SpeechError error, Effects fx) {
    endNow(error.code(), ClientText.safe(error.message()), Errors.closeCode(error.code()), false,
        fx);
  }
}
