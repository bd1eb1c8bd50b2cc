package io.voicewire.client.internal.http;

import io.voicewire.client.VoiceClientException;
import io.voicewire.client.internal.Urls;
import io.voicewire.protocol.HttpError;
import io.voicewire.protocol.HttpQuery;
import io.voicewire.protocol.HttpTtsBody;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.Query;
import io.voicewire.protocol.RestBodies;
import io.voicewire.protocol.TimestampLine;
import io.voicewire.protocol.TokenType;
import io.voicewire.speech.HttpRelay;
import io.voicewire.speech.ModelInfo;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.VoiceInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/** The REST endpoints an SDK touches (PROTOCOL.md §4, §6.2, §8). Thread safe. */
public final class HttpApi {
  private final HttpClient http;
  private final URI baseUrl;
  private final String apiKey;
  private final Duration timeout;

  public HttpApi(HttpClient http, URI baseUrl, String apiKey, Duration timeout) {
    this.http = http;
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
    this.timeout = timeout;
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    HttpRequest.Builder b = HttpRequest.newBuilder(Urls.resolve(baseUrl, pathAndQuery))
        .timeout(timeout);
    if (apiKey != null) {
      b.header("xi-api-key", apiKey);
    }
    return b;
  }

  private static <T> HttpResponse<T> check(HttpResponse<T> r, java.util.function.Function<T,
      String> body) throws VoiceClientException {
    if (r.statusCode() / 100 != 2) {
      throw new VoiceClientException(HttpError.decode(r.statusCode(), body.apply(r.body())));
    }
    return r;
  }

  private static String readAll(InputStream in) {
    try (in) {
      byte[] b = in.readNBytes(64 * 1024);
      return new String(b, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private String sendForString(HttpRequest req) throws IOException {
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      return check(r, s -> s).body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** {@code POST /v1/single-use-token/{type}} → the token. */
  public String mintToken(TokenType type) throws IOException {
    String body = sendForString(request("/v1/single-use-token/" + type.wireName())
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    try {
      return RestBodies.decodeToken(body);
    } catch (ProtocolException e) {
      throw new IOException("unreadable token response: " + e.getMessage(), e);
    }
  }

  /** {@code GET /v1/voices}. */
  public List<VoiceInfo> voices() throws IOException {
    String body = sendForString(request("/v1/voices").GET().build());
    try {
      return RestBodies.decodeVoices(body);
    } catch (ProtocolException e) {
      throw new IOException("unreadable voices response: " + e.getMessage(), e);
    }
  }

  /** {@code GET /v1/models} (a bare JSON array). */
  public List<ModelInfo> models() throws IOException {
    String body = sendForString(request("/v1/models").GET().build());
    try {
      return RestBodies.decodeModels(body);
    } catch (ProtocolException e) {
      throw new IOException("unreadable models response: " + e.getMessage(), e);
    }
  }

  /** One request to {@code pathAndQuery} with {@code body}, answered as it arrives. */
  public HttpRelay.Response forward(String method, String pathAndQuery, String contentType,
      byte[] body) throws IOException {
    HttpRequest.Builder b = request(pathAndQuery).method(method, body == null
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    try {
      HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      return new HttpRelay.Response(r.statusCode(),
          r.headers().firstValue("Content-Type").orElse(null), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private HttpRequest ttsRequest(TtsRequest r, String text, String suffix) {
    HttpTtsBody body = new HttpTtsBody(text, r.chose("model_id") ? r.modelId() : null,
        r.languageCode(), r.chose("voice_settings") ? r.voiceSettings() : null, r.seed(),
        r.previousText(), r.nextText(), r.applyTextNormalization(),
        r.pronunciationDictionaryLocators());
    String q = Query.builder()
        .add(HttpQuery.OUTPUT_FORMAT,
            r.chose("output_format") ? r.outputFormat().wireName() : null)
        .add(HttpQuery.ENABLE_LOGGING, r.enableLogging())
        .add(HttpQuery.OPTIMIZE_STREAMING_LATENCY, r.optimizeStreamingLatency())
        .build();
    return request(Urls.ttsPath(r.voiceId(), suffix) + q)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
  }

  /** {@code POST /v1/text-to-speech/{voice}/stream}: the audio bytes as they are generated. */
  public InputStream streamSpeech(TtsRequest r, String text) throws IOException {
    try {
      HttpResponse<InputStream> resp = http.send(ttsRequest(r, text, "stream"),
          HttpResponse.BodyHandlers.ofInputStream());
      return check(resp, HttpApi::readAll).body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * {@code POST /v1/text-to-speech/{voice}/stream/with-timestamps}: one decoded line per element;
   * close the stream when done.
   */
  public Stream<TimestampLine> streamSpeechWithTimestamps(TtsRequest r, String text)
      throws IOException {
    HttpResponse<Stream<String>> resp;
    try {
      resp = http.send(ttsRequest(r, text, "stream/with-timestamps"),
          HttpResponse.BodyHandlers.ofLines());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (resp.statusCode() / 100 != 2) {
      String body;
      try (Stream<String> lines = resp.body()) {
        body = String.join("\n", lines.limit(200).toList());
      }
      throw new VoiceClientException(HttpError.decode(resp.statusCode(), body));
    }
    return resp.body().filter(l -> !l.isBlank()).map(l -> {
      try {
        return TimestampLine.decode(l);
      } catch (ProtocolException e) {
        throw new UncheckedIOException(new IOException("unreadable timestamp line: "
            + e.getMessage(), e));
      }
    });
  }
}
