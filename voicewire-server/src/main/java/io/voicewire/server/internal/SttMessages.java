package io.voicewire.server.internal;

import io.voicewire.protocol.NoVerbatim;
import io.voicewire.protocol.SttParams;
import io.voicewire.protocol.SttResume;
import io.voicewire.protocol.SttServerMessage;
import io.voicewire.speech.Transcript;

/**
 * The wire JSON of one realtime STT session's provider events under its query parameters:
 * {@code session_started}, the partials, and each committed transcript with its
 * {@code committed_transcript_with_timestamps} twin when the session asked for one. Scribe's
 * {@code no_verbatim=true} removes filler words from what is sent.
 *
 * <p>Immutable; encodes off the socket's lock.
 */
final class SttMessages {
  /** A committed transcript's messages: the plain one, and the twin or null. */
  record Committed(String json, String withTimestamps) {}

  private final SttParams params;

  /** @param params the session's parameters (null when they failed to parse: no events then) */
  SttMessages(SttParams params) {
    this.params = params;
  }

  String started(String sessionId) {
    return started(sessionId, null);
  }

  /** {@code session_started} with voicewire's resume field (null: the official shape). */
  String started(String sessionId, SttResume.Info resume) {
    return new SttServerMessage.SessionStarted(sessionId, params.request(),
        params.enableLogging(), resume).encode();
  }

  String partial(Transcript partial) {
    return new SttServerMessage.Partial(noVerbatim()
        ? NoVerbatim.text(partial.text()) : partial.text()).encode();
  }

  Committed committed(Transcript committed) {
    Transcript c = noVerbatim() ? NoVerbatim.apply(committed) : committed;
    String json = new SttServerMessage.Committed(c.text()).encode();
    // with include_language_detection alone the twin carries the language and no words
    String withTs = params.request().includeTimestamps()
        || params.request().includeLanguageDetection()
        ? new SttServerMessage.CommittedWithTimestamps(c.text(), c.languageCode(),
            params.request().includeTimestamps() ? c.words() : null).encode()
        : null;
    return new Committed(json, withTs);
  }

  boolean noVerbatim() {
    return params != null && Boolean.TRUE.equals(params.request().noVerbatim());
  }
}
