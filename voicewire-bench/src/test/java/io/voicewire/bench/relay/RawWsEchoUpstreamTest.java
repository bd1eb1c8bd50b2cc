package io.voicewire.bench.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.voicewire.client.SttStream;
import io.voicewire.client.VoiceClient;
import io.voicewire.protocol.SttClientMessage;
import io.voicewire.protocol.SttServerMessage;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.Transcript;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The raw echo upstream is protocol-correct for the relay: the Java SDK's {@code SttStream} (what
 * the voicewire relay uses upstream) and the JDK WebSocket client get the answers the real server
 * with {@code io.voicewire.testing.EchoSpeechProvider} gives.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RawWsEchoUpstreamTest {
  static byte[] chunk(long seq) {
    byte[] pcm = new byte[640];
    for (int b = 0; b < 8; b++) {
      pcm[b] = (byte) (seq >>> (56 - 8 * b));
    }
    pcm[100] = 42;
    return pcm;
  }

  @Test
  void theSdkSttStreamGetsPartialsCommitsAndPongs() throws Exception {
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    SttStream.Listener listener = new SttStream.Listener() {
      @Override
      public void onStarted(String sessionId) {
        events.add("started");
      }

      @Override
      public void onPartial(Transcript partial) {
        events.add(partial);
      }

      @Override
      public void onCommitted(Transcript committed) {
        events.add(committed);
      }

      @Override
      public void onClosed() {
        events.add("closed");
      }

      @Override
      public void onFailure(SpeechError error) {
        events.add(error);
      }
    };
    try (RawWsEchoUpstream up = RawWsEchoUpstream.start(0);
        VoiceClient client = VoiceClient.builder().baseUrl("http://127.0.0.1:" + up.port())
            .apiKey("any").pingInterval(Duration.ofMillis(100)).build()) {
      SttRequest req = SttRequest.builder().modelId("scribe_v2_realtime")
          .commitStrategy(CommitStrategy.MANUAL).includeTimestamps(true).build();
      SttStream s = client.newSttStream(req, listener);
      assertEquals("started", events.poll(10, TimeUnit.SECONDS));
      Set<String> want = new HashSet<>();
      for (long i = 100; i < 110; i++) {
        assertTrue(s.sendAudio(chunk(i)));
        want.add("seq " + i);
      }
      while (!want.isEmpty()) {
        Object e = events.poll(10, TimeUnit.SECONDS);
        assertNotNull(e, "partials missing: " + want);
        Transcript t = assertInstanceOf(Transcript.class, e);
        assertTrue(want.remove(t.text()), "unexpected " + t);
      }
      assertTrue(s.commit());
      Transcript c = assertInstanceOf(Transcript.class, events.poll(10, TimeUnit.SECONDS));
      assertTrue(c.committed());
      // the heartbeat pings every 100 ms and drops the connection on a missing pong: wait for
      // several pongs, then the same connection still answers
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (s.metrics().roundTripMicros().count() < 5 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(s.metrics().roundTripMicros().count() >= 5, "pongs answered");
      assertTrue(s.sendAudio(chunk(7)));
      Transcript late = assertInstanceOf(Transcript.class, events.poll(10, TimeUnit.SECONDS));
      assertEquals("seq 7", late.text());
      assertEquals(1, s.metrics().connections());
      assertEquals(0, s.metrics().reconnects());
      assertTrue(s.end());
      List<Object> rest = new ArrayList<>();
      Object e;
      while (!"closed".equals(e = events.poll(10, TimeUnit.SECONDS))) {
        assertNotNull(e, "no close after end(): " + rest);
        assertInstanceOf(Transcript.class, e, "only transcripts before the close");
        rest.add(e);
      }
    }
  }

  @Test
  void theJdkClientSeesTheServersMessages() throws Exception {
    BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    try (RawWsEchoUpstream up = RawWsEchoUpstream.start(0)) {
      WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + up.port()
              + "/v1/speech-to-text/realtime?model_id=scribe_v2_realtime&language_code=en"),
              new WebSocket.Listener() {
                final StringBuilder b = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                  b.append(data);
                  if (last) {
                    texts.add(b.toString());
                    b.setLength(0);
                  }
                  w.request(1);
                  return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                  texts.add("close " + code);
                  return null;
                }
              }).get(10, TimeUnit.SECONDS);
      SttServerMessage started = SttServerMessage.decode(texts.poll(10, TimeUnit.SECONDS));
      SttServerMessage.Started s = assertInstanceOf(SttServerMessage.Started.class, started);
      JsonNode config = new ObjectMapper().readTree(s.json()).path("config");
      assertEquals("en", config.path("language_code").asText());
      assertEquals("scribe_v2_realtime", config.path("model_id").asText());
      ws.sendText(SttClientMessage.audio(chunk(1L << 40), 16000).encode(), true)
          .get(10, TimeUnit.SECONDS);
      assertEquals(new SttServerMessage.Partial("seq " + (1L << 40)).encode(),
          texts.poll(10, TimeUnit.SECONDS));
      // another key order takes the parser path; a commit with audio answers both
      ws.sendText("{\"commit\": true, \"message_type\": \"input_audio_chunk\", \"audio_base_64\": \""
          + java.util.Base64.getEncoder().encodeToString(chunk(3)) + "\"}", true)
          .get(10, TimeUnit.SECONDS);
      assertEquals(new SttServerMessage.Partial("seq 3").encode(), texts.poll(10, TimeUnit.SECONDS));
      assertEquals(new SttServerMessage.Committed("").encode(), texts.poll(10, TimeUnit.SECONDS));
      // fragmented by the client: the JDK sends the parts as continuation frames
      String msg = SttClientMessage.audio(chunk(9), 16000).encode();
      ws.sendText(msg.substring(0, 100), false).get(10, TimeUnit.SECONDS);
      ws.sendText(msg.substring(100), true).get(10, TimeUnit.SECONDS);
      assertEquals(new SttServerMessage.Partial("seq 9").encode(), texts.poll(10, TimeUnit.SECONDS));
      ws.sendText("{not json", true).get(10, TimeUnit.SECONDS);
      SttServerMessage err = SttServerMessage.decode(texts.poll(10, TimeUnit.SECONDS));
      assertInstanceOf(SttServerMessage.Error.class, err);
      ws.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
      assertEquals("close 1000", texts.poll(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void otherPathsAreNotFound() throws Exception {
    try (RawWsEchoUpstream up = RawWsEchoUpstream.start(0);
        Socket sock = new Socket("127.0.0.1", up.port())) {
      sock.setSoTimeout(10_000);
      OutputStream o = sock.getOutputStream();
      o.write(("GET /v1/text-to-speech/x/stream-input HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream i = sock.getInputStream();
      String resp = new String(i.readAllBytes(), StandardCharsets.US_ASCII);
      assertTrue(resp.startsWith("HTTP/1.1 404"), resp);
    }
  }
}
