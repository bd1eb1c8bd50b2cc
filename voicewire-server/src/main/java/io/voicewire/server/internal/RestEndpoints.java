package io.voicewire.server.internal;

import io.voicewire.protocol.RestBodies;
import io.voicewire.protocol.TokenType;
import io.voicewire.protocol.internal.Json;
import io.voicewire.server.TokenStore;
import io.voicewire.speech.ModelInfo;
import io.voicewire.speech.VoiceInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small HTTP endpoints: voices and models (PROTOCOL.md §8.1, §8.2), single-use tokens (§6.2),
 * the demo token endpoint, health, readiness and metrics. Stateless; thread safe.
 */
final class RestEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger("io.voicewire.server.http");

  private final Services s;

  RestEndpoints(Services s) {
    this.s = s;
  }

  void voices(Exchange ex) throws IOException, HttpProblem {
    ex.requireAuth(null, null);
    ex.json(200, RestBodies.encodeVoices(s.provider.voices(), ttsModelIds()));
  }

  void voice(Exchange ex) throws IOException, HttpProblem {
    ex.requireAuth(null, null);
    String id = ex.pathParam("voice_id");
    for (VoiceInfo v : s.provider.voices()) {
      if (v.voiceId().equals(id)) {
        ex.json(200, RestBodies.encodeVoice(v, ttsModelIds()));
        return;
      }
    }
    throw HttpProblem.notFound("voice_not_found", "A voice with the voice_id '" + id
        + "' was not found");
  }

  /** The provider's TTS models: every voice's {@code high_quality_base_model_ids}. */
  private List<String> ttsModelIds() {
    return s.provider.models().stream().filter(ModelInfo::canDoTextToSpeech)
        .map(ModelInfo::modelId).toList();
  }

  void models(Exchange ex) throws IOException, HttpProblem {
    ex.requireAuth(null, null);
    ex.json(200, RestBodies.encodeModels(s.provider.models()));
  }

  /** {@code POST /v1/single-use-token/{token_type}}: needs an API key (or local-dev mode). */
  void mintToken(Exchange ex) throws IOException, HttpProblem {
    String keyId = ex.requireAuth(null, null);
    mint(ex, keyId);
  }

  /**
   * {@code GET /demo/token/{token_type}}: mints without a key, for the demo page. Enabled only
   * in local-development mode or when configured; a real application mints tokens behind its
   * own authentication instead.
   */
  void demoToken(Exchange ex) throws IOException, HttpProblem {
    if (!s.demoTokens) {
      throw HttpProblem.notFound("not_found", "The demo token endpoint is disabled on this "
          + "server (it is enabled in local-development mode or with demoTokens(true))");
    }
    mint(ex, s.devMode() ? Auth.LOCAL_KEY_ID : "demo");
  }

  /**
   * {@code GET /demo/info}: what the demo page needs to know before it can work, always 200 and
   * without a key (so that a page polling it logs no failed request): whether the engine is
   * ready, whether the server needs an API key, and whether {@code /demo/token} is served (then
   * also the voices, which the page cannot list with {@code /v1/voices} when keys are set).
   */
  void demoInfo(Exchange ex) throws IOException {
    boolean ready = s.ready();
    ex.json(200, Json.write(g -> {
      g.writeStartObject();
      g.writeBooleanField("ready", ready);
      g.writeStringField("provider", s.provider.name());
      g.writeBooleanField("requires_key", !s.devMode());
      g.writeBooleanField("demo_tokens", s.demoTokens);
      if (s.demoTokens) {
        // anyone may mint tokens here, so the voices are no secret; with keys the page has no
        // other way to list them (GET /v1/voices needs a key)
        g.writeArrayFieldStart("voices");
        for (VoiceInfo v : s.provider.voices()) {
          g.writeStartObject();
          g.writeStringField("voice_id", v.voiceId());
          g.writeStringField("name", v.name());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }));
  }

  private void mint(Exchange ex, String keyId) throws IOException, HttpProblem {
    String typeName = ex.pathParam("token_type");
    TokenType type = TokenType.fromWire(typeName).orElse(null);
    if (type == null) {
      throw new HttpProblem(422, "validation_error", "invalid_token_type",
          "token_type must be one of realtime_scribe, tts_websocket, batch_scribe: " + typeName,
          "path.token_type");
    }
    String refused = s.tokens.admitMint(keyId);
    if (refused != null) {
      throw new HttpProblem(429, "rate_limit_error", "rate_limit_exceeded", refused, null);
    }
    String token;
    try {
      token = s.tokens.issue(type, keyId);
    } catch (TokenStore.UnavailableException e) {
      throw new HttpProblem(503, "service_unavailable", "token_store_unavailable",
          e.getMessage() + "; try again shortly", null);
    }
    if (token == null) {
      throw new HttpProblem(429, "rate_limit_error", "too_many_tokens",
          "Too many unused single-use tokens; use or let some expire first", null);
    }
    LOG.info("token minted type={} key={}", type.wireName(), keyId);
    ex.json(200, RestBodies.encodeToken(token));
  }

  void health(Exchange ex) throws IOException {
    ex.json(200, "{\"status\":\"ok\"}");
  }

  /**
   * {@code GET /readyz}: 200 when the provider is ready, the server's warm-up (if any) has ended
   * and the server is not draining, else 503.
   * Reports the shared Redis's health, which does not change the status: without Redis a replica
   * still serves (tokens fail closed, limits fall back to this replica's own).
   */
  void ready(Exchange ex) throws IOException {
    boolean draining = s.drain.draining();
    boolean ready = s.ready() && !draining;
    ex.json(ready ? 200 : 503, Json.write(g -> {
      g.writeStartObject();
      g.writeStringField("status", draining ? "draining" : ready ? "ready" : "starting");
      g.writeStringField("provider", s.provider.name());
      if (s.redis != null) {
        g.writeStringField("redis", s.redis.up() ? "up" : "down");
      }
      g.writeEndObject();
    }));
  }

  void metrics(Exchange ex) throws IOException, HttpProblem {
    AddressFilter who = s.metricsAccess;
    if (who != null && !who.allows(org.eclipse.jetty.server.Request.getRemoteAddr(ex.request))) {
      throw HttpProblem.notFound("not_found", "No route for GET /metrics");
    }
    ex.send(200, "text/plain; version=0.0.4; charset=utf-8",
        s.metricsText().getBytes(StandardCharsets.UTF_8));
  }
}
