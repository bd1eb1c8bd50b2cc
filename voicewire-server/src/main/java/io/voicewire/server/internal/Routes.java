package io.voicewire.server.internal;

import io.voicewire.protocol.TokenType;
import java.util.concurrent.ExecutorService;
import org.eclipse.jetty.server.Request;

/**
 * Every route of the server, in one place. WebSocket routes authenticate at the handshake (a
 * failure is reported on the open socket, see {@link SocketSession}); HTTP routes authenticate
 * in their handlers.
 */
final class Routes {
  private Routes() {}

  /** The router for {@code s}, running HTTP handlers on {@code executor}. */
  static Router build(Services s, ExecutorService executor) {
    RestEndpoints rest = new RestEndpoints(s);
    HttpTts tts = new HttpTts(s);
    BatchStt batch = new BatchStt(s);
    Router r = new Router(s, executor);

    // WebSockets (PROTOCOL.md §2, §3, §5)
    r.ws("/v1/text-to-speech/{voice_id}/stream-input", (rq, p, q) -> new StreamInputSocket(s,
        p.get("voice_id"), q, s.auth.authenticate(rq.getHeaders(), q,
            TokenType.TTS_WEBSOCKET.queryParam(), TokenType.TTS_WEBSOCKET, Request.getRemoteAddr(rq))));
    r.ws("/v1/text-to-speech/{voice_id}/multi-stream-input", (rq, p, q) ->
        new MultiStreamInputSocket(s, p.get("voice_id"), q, s.auth.authenticate(rq.getHeaders(), q,
            TokenType.TTS_WEBSOCKET.queryParam(), TokenType.TTS_WEBSOCKET, Request.getRemoteAddr(rq))));
    for (boolean multi : new boolean[] {false, true}) {
      r.ws(multi ? "/v1/text-to-dialogue/multi-stream-input" : "/v1/text-to-dialogue/stream-input",
          (rq, p, q) -> new DialogueSocket(s, multi, q, s.auth.authenticate(rq.getHeaders(), q,
              TokenType.TTS_WEBSOCKET.queryParam(), TokenType.TTS_WEBSOCKET,
              Request.getRemoteAddr(rq))));
    }
    r.ws("/v1/speech-to-text/realtime", (rq, p, q) -> new SttSocket(s, q,
        s.auth.authenticate(rq.getHeaders(), q, TokenType.REALTIME_SCRIBE.queryParam(),
            TokenType.REALTIME_SCRIBE,
            Request.getRemoteAddr(rq))));

    // HTTP text to speech (§4); a relay forwards each to the same endpoint upstream
    long json = s.limits.maxRequestBodyBytes();
    r.post("/v1/text-to-speech/{voice_id}/stream",
        RelayHttp.or(s, tts::stream, null, null, json));
    r.post("/v1/text-to-speech/{voice_id}/stream/with-timestamps",
        RelayHttp.or(s, tts::streamWithTimestamps, null, null, json));
    r.post("/v1/text-to-speech/{voice_id}", RelayHttp.or(s, tts::convert, null, null, json));
    r.post("/v1/text-to-speech/{voice_id}/with-timestamps",
        RelayHttp.or(s, tts::convertWithTimestamps, null, null, json));

    // batch speech to text (§8.3)
    r.post("/v1/speech-to-text", RelayHttp.or(s, batch::handle,
        TokenType.BATCH_SCRIBE.queryParam(), TokenType.BATCH_SCRIBE,
        s.limits.maxUploadBytes()));

    // voices, models, tokens (§8.1, §8.2, §6.2)
    r.get("/v1/voices", RelayHttp.or(s, rest::voices, null, null, 0));
    r.get("/v1/voices/{voice_id}", RelayHttp.or(s, rest::voice, null, null, 0));
    r.get("/v1/models", RelayHttp.or(s, rest::models, null, null, 0));
    r.post("/v1/single-use-token/{token_type}", rest::mintToken);
    r.get("/demo/token/{token_type}", rest::demoToken);
    r.get("/demo/info", rest::demoInfo);

    // operations
    r.get("/healthz", rest::health);
    r.get("/readyz", rest::ready);
    r.get("/metrics", rest::metrics);

    if (s.staticFolder != null) {
      r.statics(new StaticFiles(s.staticFolder, Routes.class.getClassLoader()));
    }
    return r;
  }
}
