package io.voicewire.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.voicewire.client.contract.ElevenLabsDouble;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Text-to-Dialogue in real headless Chromium through the relay ({@code --backend elevenlabs}:
 * the server with {@link ElevenLabsProvider}) to the strict ElevenLabs double: the same page
 * script as {@link BrowserDialogueTest} ({@code dialogue.mjs}: the browser's DialogueSocket and
 * Player, over {@code stream-input} and {@code multi-stream-input}, then the example page) plays
 * a dialogue of two voices whose turns are the upstream's. Each turn arrives in its voice, its
 * alignment accounts for exactly its text, the player plays all of it and nothing stale; the
 * double saw only official traffic, and each line was voiced upstream exactly once.
 */
@Timeout(300)
class BrowserDialogueRelayTest {
  @Test
  void aDialogueOfTwoVoicesPlaysThroughTheRelayOverBothSockets() throws Exception {
    NodeScripts.Run r;
    // the example page comes from another origin
    try (RelayToDouble relay = RelayToDouble.start(c -> c.allowedOrigins(List.of("*")))) {
      ElevenLabsDouble d = relay.upstream;
      r = NodeScripts.node("src/test/js/browser/dialogue.mjs", List.of(relay.base,
          new ObjectMapper().writeValueAsString(BrowserDialogueTest.SCRIPT)), Map.of(), 240);
      NodeScripts.keep(r, "dialogue-relay.out");
      d.assertNoViolations();
      // three dialogues (two sockets and the example page), their turns voiced upstream
      long lines = d.synthesised().size();
      assertTrue(lines >= 3 * 4, "the turns were voiced upstream: " + d.synthesised());
      assertEquals(3, d.seen("/v1/text-to-dialogue/").stream()
          .filter(x -> x.body() != null && x.body().has("voices")).count(),
          "one registration per dialogue, nothing re-sent");
    }
    // the double voices 10 ms per character: the shortest turn (25 characters) has 250 ms
    BrowserDialogueTest.assertDialogues(r, 200);
  }
}
