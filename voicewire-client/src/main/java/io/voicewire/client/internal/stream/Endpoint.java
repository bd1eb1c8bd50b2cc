package io.voicewire.client.internal.stream;

import io.voicewire.client.internal.ClientContext;
import io.voicewire.client.internal.Urls;
import io.voicewire.protocol.TokenType;
import io.voicewire.protocol.TtsParams;
import io.voicewire.speech.TtsRequest;

/**
 * Where a supervised stream connects, and what it names in logs and timeouts. Immutable.
 *
 * @param name the stream's name in logs, e.g. {@code "tts <voice>"}
 * @param pathAndQuery path and query of the WebSocket endpoint, without credentials
 * @param tokenType the single-use token type of the endpoint
 * @param finishTimeoutWhat what the finish timeout reports as missing, e.g. {@code "no isFinal"}
 */
record Endpoint(String name, String pathAndQuery, TokenType tokenType, String finishTimeoutWhat) {

  /**
   * A text-to-speech socket of {@code request}'s voice: {@code socket} is {@code stream-input}
   * or {@code multi-stream-input}; the query carries the request and the client's inactivity
   * timeout. Named {@code "<kind> <voice>"}.
   */
  static Endpoint tts(ClientContext ctx, TtsRequest request, String socket, String kind,
      String finishTimeoutWhat) {
    return new Endpoint(kind + " " + request.voiceId(), Urls.ttsPath(request.voiceId(), socket)
        + TtsParams.toQuery(request, ctx.ttsInactivityTimeoutSecs()), TokenType.TTS_WEBSOCKET,
        finishTimeoutWhat);
  }
}
