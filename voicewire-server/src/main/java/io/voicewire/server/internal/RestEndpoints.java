package io.voicewire.server.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.voicewire.protocol.Json;
import io.voicewire.server.TokenStore;
import io.voicewire.server.TokenType;
import io.voicewire.speech.ModelInfo;
import io.voicewire.speech.VoiceInfo;
import io.voicewire.speech.VoiceSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small HTTP endpoints: voices and models (PROTOCOL.md §8.1, §8.2), single-use tokens (§6.2),
 * the demo token endpoint, health, readiness and metrics. Stateless; thread safe.
 */
final class RestEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger("io.voicewire.server.http");

  /** Languages by ISO 639-1 code, for the {@code languages} of {@code /v1/models}. */
  private static final Map<String, String> LANGUAGE_NAMES = Map.ofEntries(
      Map.entry("en", "English"), Map.entry("de", "German"), Map.entry("fr", "French"),
      Map.entry("es", "Spanish"), Map.entry("it", "Italian"), Map.entry("pt", "Portuguese"),
      Map.entry("nl", "Dutch"), Map.entry("pl", "Polish"), Map.entry("ja", "Japanese"),
      Map.entry("zh", "Chinese"), Map.entry("ko", "Korean"), Map.entry("ru", "Russian"),
      Map.entry("sv", "Swedish"), Map.entry("tr", "Turkish"), Map.entry("hi", "Hindi"),
      Map.entry("ar", "Arabic"), Map.entry("te", "Telugu"));

  private final Services s;

  RestEndpoints(Services s) {
    this.s = s;
  }

  void voices(Exchange ex) throws IOException, HttpProblem {
    ex.requireAuth(null, null);
    List<VoiceInfo> voices = s.provider.voices();
    ex.json(200, Json.write(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("voices");
      for (VoiceInfo v : voices) {
        writeVoice(g, v);
      }
      g.writeEndArray();
      g.writeEndObject();
    }));
  }

  void voice(Exchange ex) throws IOException, HttpProblem {
    ex.requireAuth(null, null);
    String id = ex.pathParam("voice_id");
    for (VoiceInfo v : s.provider.voices()) {
      if (v.voiceId().equals(id)) {
        ex.json(200, Json.write(g -> writeVoice(g, v)));
        return;
      }
    }
    throw HttpProblem.notFound("voice_not_found", "A voice with the voice_id '" + id
        + "' was not found");
  }

  private void writeVoice(JsonGenerator g, VoiceInfo v) throws IOException {
    VoiceSettings d = VoiceSettings.DEFAULT;
    g.writeStartObject();
    g.writeStringField("voice_id", v.voiceId());
    g.writeStringField("name", v.name());
    g.writeStringField("category", v.category());
    g.writeObjectFieldStart("labels");
    for (Map.Entry<String, String> e : v.labels().entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
    g.writeStringField("description", v.description());
    g.writeNullField("preview_url");
    g.writeArrayFieldStart("samples");
    g.writeEndArray();
    g.writeObjectFieldStart("settings");
    g.writeNumberField("stability", d.stability());
    g.writeNumberField("similarity_boost", d.similarityBoost());
    g.writeNumberField("style", d.style());
    g.writeBooleanField("use_speaker_boost", d.useSpeakerBoost());
    g.writeNumberField("speed", d.speed());
    g.writeEndObject();
    g.writeArrayFieldStart("high_quality_base_model_ids");
    for (ModelInfo m : s.provider.models()) {
      if (m.canDoTextToSpeech()) {
        g.writeString(m.modelId());
      }
    }
    g.writeEndArray();
    g.writeArrayFieldStart("available_for_tiers");
    g.writeEndArray();
    g.writeBooleanField("is_owner", false);
    g.writeBooleanField("is_legacy", false);
    g.writeBooleanField("is_mixed", false);
    g.writeNumberField("native_sample_rate", v.nativeSampleRate());
    g.writeEndObject();
  }

  void models(Exchange ex) throws IOException, HttpProblem {
    ex.requireAuth(null, null);
    List<ModelInfo> models = s.provider.models();
    ex.json(200, Json.write(g -> {
      g.writeStartArray();
      for (ModelInfo m : models) {
        g.writeStartObject();
        g.writeStringField("model_id", m.modelId());
        g.writeStringField("name", m.name());
        g.writeStringField("description", m.description());
        g.writeBooleanField("can_be_finetuned", false);
        g.writeBooleanField("can_do_text_to_speech", m.canDoTextToSpeech());
        g.writeBooleanField("can_do_voice_conversion", false);
        g.writeBooleanField("can_do_speech_to_text", m.canDoSpeechToText());
        g.writeBooleanField("can_use_style", false);
        g.writeBooleanField("can_use_speaker_boost", false);
        g.writeBooleanField("serves_pro_voices", false);
        g.writeNumberField("token_cost_factor", 1.0);
        g.writeBooleanField("requires_alpha_access", false);
        g.writeNumberField("max_characters_request_free_user", 40_000);
        g.writeNumberField("max_characters_request_subscribed_user", 40_000);
        g.writeNumberField("maximum_text_length_per_request", 40_000);
        g.writeArrayFieldStart("languages");
        for (String lang : m.languages()) {
          g.writeStartObject();
          g.writeStringField("language_id", lang);
          g.writeStringField("name",
              LANGUAGE_NAMES.getOrDefault(lang.toLowerCase(Locale.ROOT), lang));
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeObjectFieldStart("model_rates");
        g.writeNumberField("character_cost_multiplier", 1.0);
        g.writeEndObject();
        g.writeStringField("concurrency_group", "standard");
        g.writeEndObject();
      }
      g.writeEndArray();
    }));
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
    boolean ready = s.provider.isReady();
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
    TokenType type = TokenType.fromWire(typeName);
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
    ex.json(200, Json.write(g -> {
      g.writeStartObject();
      g.writeStringField("token", token);
      g.writeEndObject();
    }));
  }

  void health(Exchange ex) throws IOException {
    ex.json(200, "{\"status\":\"ok\"}");
  }

  /**
   * {@code GET /readyz}: 200 when the provider is ready and the server is not draining, else 503.
   * Reports the shared Redis's health, which does not change the status: without Redis a replica
   * still serves (tokens fail closed, limits fall back to this replica's own).
   */
  void ready(Exchange ex) throws IOException {
    boolean draining = s.drain.draining();
    boolean ready = s.provider.isReady() && !draining;
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
