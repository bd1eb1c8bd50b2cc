package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.client.internal.FakeVoice;
import io.voicewire.protocol.TimestampLine;
import io.voicewire.protocol.TokenType;
import io.voicewire.server.VoicewireServer;
import io.voicewire.speech.TtsRequest;
import java.io.InputStream;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tier (c): the REST endpoints against a real server. */
@Timeout(60)
class HttpEndpointsTest {
  CodedSpeechProvider provider;
  VoicewireServer server;
  VoiceClient client;
  String url;

  @BeforeEach
  void start() throws Exception {
    provider = new CodedSpeechProvider(12, 0);
    server = VoicewireServer.create(c -> c.provider(provider).apiKeys(List.of("k")));
    url = "http://127.0.0.1:" + server.start(0);
    client = VoiceClient.builder().baseUrl(url).apiKey("k").build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
    provider.close();
  }

  static TtsRequest request() {
    return TtsRequest.builder(CodedSpeechProvider.VOICE).outputFormat(FakeVoice.FORMAT).build();
  }

  @Test
  void streamSpeechReturnsTheAudioAsItIsMade() throws Exception {
    String text = "Streamed over plain HTTP. Chunk by chunk.";
    try (InputStream in = client.streamSpeech(request(), text)) {
      assertEquals(text, FakeVoice.decode(in.readAllBytes()).stripTrailing());
    }
  }

  @Test
  void withTimestampsTheAlignmentRunsFromTheStartOfTheRequest() throws Exception {
    String text = "Timed characters, line by line.";
    StringBuilder chars = new StringBuilder();
    java.io.ByteArrayOutputStream audio = new java.io.ByteArrayOutputStream();
    int[] last = {-1};
    try (Stream<TimestampLine> lines = client.streamSpeechWithTimestamps(request(), text)) {
      lines.forEach(l -> {
        audio.writeBytes(l.audio());
        if (l.alignment() != null) {
          for (int i = 0; i < l.alignment().size(); i++) {
            chars.append(l.alignment().chars().get(i));
            assertTrue(l.alignment().startMs(i) > last[0], "cumulative times");
            last[0] = l.alignment().startMs(i);
          }
        }
      });
    }
    assertEquals(text, chars.toString().stripTrailing());
    assertEquals(text, FakeVoice.decode(audio.toByteArray()).stripTrailing());
  }

  @Test
  void catalogAndTokens() throws Exception {
    assertEquals(CodedSpeechProvider.VOICE, client.voices().get(0).voiceId());
    assertTrue(client.models().stream().anyMatch(m -> m.canDoSpeechToText()));
    assertTrue(client.mintToken(TokenType.REALTIME_SCRIBE).startsWith("vwt_"));
  }

  @Test
  void errorStatusesCarryTheDecodedBody() throws Exception {
    try (VoiceClient anonymous = VoiceClient.builder().baseUrl(url).build()) {
      VoiceClientException e = assertThrows(VoiceClientException.class,
          () -> anonymous.mintToken(TokenType.TTS_WEBSOCKET));
      assertEquals(401, e.statusCode());
      assertTrue(e.isAuthError());
      assertEquals("invalid_api_key", e.error().code());
      assertTrue(e.getMessage().startsWith("HTTP 401 invalid_api_key: "), e.getMessage());
    }
    // a format the server does not name (every official one is served now)
    VoiceClientException unsupported = assertThrows(VoiceClientException.class,
        () -> client.streamSpeech(request().toBuilder().outputFormat(new io.voicewire.audio
            .AudioFormat(io.voicewire.audio.AudioFormat.Encoding.OPUS, 16_000, 32)).build(), "x")
            .readAllBytes());
    assertTrue(unsupported.statusCode() >= 400, unsupported.getMessage());
  }

  @Test
  void theBuilderValidatesWithExactMessages() {
    assertEquals("baseUrl must be an http or https URL: ftp://x",
        assertThrows(IllegalArgumentException.class,
            () -> VoiceClient.builder().baseUrl("ftp://x")).getMessage());
    assertEquals("finishTimeout <= 0: PT0S", assertThrows(IllegalArgumentException.class,
        () -> VoiceClient.builder().finishTimeout(java.time.Duration.ZERO)).getMessage());
    assertEquals("ttsInactivityTimeout must be in range [1s,180s]: PT3M1S",
        assertThrows(IllegalArgumentException.class, () -> VoiceClient.builder()
            .ttsInactivityTimeout(java.time.Duration.ofSeconds(181))).getMessage());
    VoiceClient.Builder derived = client.newBuilder();
    try (VoiceClient other = derived.build()) {
      assertEquals(client.baseUrl(), other.baseUrl());
    }
  }
}
