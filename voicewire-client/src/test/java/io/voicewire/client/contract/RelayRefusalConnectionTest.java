package io.voicewire.client.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.client.ClientTestAccess;
import io.voicewire.client.ElevenLabsProvider;
import io.voicewire.client.ReconnectPolicy;
import io.voicewire.client.VoiceClient;
import io.voicewire.client.contract.DoubleSelfTest.Frames;
import io.voicewire.server.Limits;
import io.voicewire.server.VoicewireServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A refused HTTP request leaves its keep-alive connection usable, or says it will not. The case
 * that broke ({@code RelayContractTest.relayedHttpTakesSessionPermitsLikeSockets}, about one
 * loaded run in 40): the relay refused a TTS request (429, no session permit) before its body had
 * arrived (the permit is taken first: it bounds the relayed bodies held in memory); Jetty then
 * closed the connection after the answer, which did not say so, and the JDK client sent its next
 * request on it and got no answer at all. Now a refusal given before a declared body was read
 * says {@code Connection: close}. Raw sockets, so that the body can be held back on purpose.
 */
@Timeout(60)
class RelayRefusalConnectionTest {
  ElevenLabsDouble d;
  VoiceClient upstream;
  ElevenLabsProvider provider;
  VoicewireServer relay;
  int port;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    d = ElevenLabsDouble.start();
    upstream = ClientTestAccess.relayUpstream(d.baseUrl(), ElevenLabsDouble.API_KEY)
        .reconnectPolicy(ReconnectPolicy.NEVER).build();
    provider = new ElevenLabsProvider(upstream);
    relay = VoicewireServer.create(c -> c.provider(provider)
        .apiKeys(List.of(RelayContractTest.RELAY_KEY))
        .limits(Limits.DEFAULTS.toBuilder().maxSessionsPerKey(1).build()));
    port = relay.start(0);
  }

  @AfterEach
  void stop() throws Exception {
    relay.close();
    provider.close();
    upstream.close();
    http.close();
    d.close();
    d.assertNoViolations();
  }

  @Test
  void aRelayedRequestRefusedForItsPermitBeforeItsBodySaysConnectionClose() throws Exception {
    Frames f = new Frames();
    WebSocket ws = http.newWebSocketBuilder().header("xi-api-key", RelayContractTest.RELAY_KEY)
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/text-to-speech/"
            + RelayContractTest.VOICE + "/stream-input"), f).get(10, TimeUnit.SECONDS);
    ws.sendText("{\"text\":\" \"}", true).get(5, TimeUnit.SECONDS);
    ws.sendText("{\"text\":\"Holding the permit. \",\"flush\":true}", true)
        .get(5, TimeUnit.SECONDS);
    ElevenLabsDouble.await(() -> f.texts.stream().anyMatch(t -> t.contains("audio")), 10);

    String body = "{\"text\":\"Permit.\"}";
    for (String path : List.of("/v1/text-to-speech/" + RelayContractTest.VOICE + "/stream",
        "/v1/speech-to-text")) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(head(path, RelayContractTest.RELAY_KEY, body.length())
            .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush(); // the headers alone: refused before the body
        Answer a = Answer.read(s.getInputStream());
        assertEquals(429, a.status, a.text);
        assertTrue(a.text.contains("concurrent_limit_exceeded"), a.text);
        assertTrue(a.says("connection", "close"), a.head);
      }
    }
    ws.sendText("{\"text\":\"\"}", true).get(5, TimeUnit.SECONDS);
    assertEquals(1000, f.closed.get(20, TimeUnit.SECONDS));
  }

  @Test
  void aRefusalBeforeADeclaredBodyIsReadSaysConnectionClose() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(head("/v1/text-to-speech/" + RelayContractTest.VOICE
          + "/stream", "not-a-key", 18).getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush(); // the body never comes
      Answer a = Answer.read(s.getInputStream());
      assertEquals(401, a.status, a.text);
      assertTrue(a.says("connection", "close"), a.head);
    }
  }

  private String head(String path, String key, int contentLength) {
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nxi-api-key: " + key
        + "\r\nContent-Type: application/json\r\nContent-Length: " + contentLength + "\r\n\r\n";
  }

  /** One HTTP/1.1 answer with a Content-Length body. */
  private record Answer(int status, String head, String text) {
    static Answer read(InputStream in) throws IOException {
      ByteArrayOutputStream h = new ByteArrayOutputStream();
      while (!h.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("the connection closed with no answer; read: " + h);
        }
        h.write(b);
      }
      String head = h.toString(StandardCharsets.US_ASCII);
      int length = 0;
      for (String line : head.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      byte[] body = in.readNBytes(length);
      return new Answer(Integer.parseInt(head.split(" ")[1]), head,
          new String(body, StandardCharsets.UTF_8));
    }

    boolean says(String header, String value) {
      for (String line : head.split("\r\n")) {
        int c = line.indexOf(':');
        if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase(header)
            && line.substring(c + 1).trim().equalsIgnoreCase(value)) {
          return true;
        }
      }
      return false;
    }
  }
}
