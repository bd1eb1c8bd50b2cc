package io.voicewire.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.client.contract.ElevenLabsDouble;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ElevenLabs' browser client for realtime STT ({@code Scribe} from {@code @elevenlabs/client},
 * as in {@link OfficialScribeClientTest}) in headless Chromium through the relay: a voicewire
 * server with API keys, whose provider relays to the strict ElevenLabs double
 * ({@code --backend elevenlabs}). The page holds a single-use token the relay minted; only the
 * relay holds the upstream key. Manual chunks with a {@code previousText}, every option the
 * double answers differently for (timestamps, entity detection) and {@code commit()}, which the
 * client sends as an empty chunk: the client's events carry the upstream's transcript, its
 * timestamped twin and its entities, no error event, and the double saw only what the official
 * API defines (the client's frames reach it as the client sent them).
 */
@Timeout(300)
class OfficialScribeClientRelayTest {
  static final String KEY = "relay-official-client-key";

  @Test
  void theOfficialBrowserClientTranscribesThroughTheRelayWithItsOwnEvents() throws Exception {
    NodeScripts.Run r;
    try (RelayToDouble relay = RelayToDouble.start(c -> c.apiKeys(List.of(KEY)))) {
      ElevenLabsDouble d = relay.upstream;
      Path dir = NodeScripts.MODULE.resolve("target/web-test");
      Files.createDirectories(dir);
      Path pcm = dir.resolve("official-scribe-relay.pcm");
      Files.write(pcm, new byte[16000 * 2]); // 1 s: the double answers audio, not its sound
      r = NodeScripts.node("src/test/js/browser/official-scribe.mjs", List.of(relay.base,
          pcm.toString(), KEY, pcm.toString(), "relay"), Map.of(), 200);
      NodeScripts.keep(r, "official-scribe-relay.out");
      r.assertSucceeded();
      d.assertNoViolations();
      List<ElevenLabsDouble.Seen> frames = d.seen("/v1/speech-to-text/realtime").stream()
          .filter(s -> s.body() != null).toList();
      assertTrue(frames.size() >= 2, "the client's chunk and its commit upstream: " + frames);
      assertEquals("Before this.", frames.get(0).body().path("previous_text").asText());
      assertTrue(frames.get(frames.size() - 1).body().path("commit").asBoolean(),
          frames.toString());
    }
    JsonNode relayed = r.result("relayed");
    assertEquals("[]", relayed.path("errors").toString(), "error events: " + relayed);
    assertEquals(1, relayed.path("committed").size(), relayed.toString());
    assertEquals(ElevenLabsDouble.TRANSCRIPT, relayed.path("committed").get(0).path("text")
        .asText());
    assertEquals(ElevenLabsDouble.TRANSCRIPT, relayed.path("timestamps").get(0).path("text")
        .asText());
    assertEquals(1, relayed.path("entities").size(), relayed.toString());
    assertEquals(List.of(ElevenLabsDouble.TRANSCRIPT), List.of(relayed.path("finals").get(0)
        .asText()));
    JsonNode config = relayed.path("events").get(0).path("d").path("config");
    assertEquals("[\"double\"]", config.path("keyterms").toString(), config.toString());
    assertEquals("[]", r.result("errors").path("errors").toString(), "browser errors");
  }
}
