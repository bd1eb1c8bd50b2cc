package io.voicewire.client.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.client.ElevenLabsProvider;
import io.voicewire.client.ReconnectPolicy;
import io.voicewire.client.VoiceClient;
import io.voicewire.client.contract.ElevenLabsDouble.Seen;
import io.voicewire.server.VoicewireServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The official {@code @elevenlabs/elevenlabs-js} (pinned in {@code voicewire-web/package.json})
 * driven through the relay to the strict double ({@code src/test/js/official-sdk-relay.cjs}): every
 * call the SDK makes through voicewire reaches the double on-contract, with the SDK's own
 * parameters and the official defaults (no model, no format) intact. Skipped only when
 * {@code node} or the installed SDK is missing.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class OfficialSdkRelayTest {

  @Test
  void theOfficialJsSdkThroughTheRelayStaysOnContract() throws Exception {
    Path module = Path.of("").toAbsolutePath();
    Path modules = module.resolveSibling("voicewire-web").resolve("node_modules");
    Assumptions.assumeTrue(Files.isDirectory(modules.resolve("@elevenlabs/elevenlabs-js")),
        "the official SDK is not installed (npm ci in voicewire-web)");
    try (ElevenLabsDouble d = ElevenLabsDouble.start();
        VoiceClient upstream = VoiceClient.builder().baseUrl(d.baseUrl())
            .apiKey(ElevenLabsDouble.API_KEY).reconnectPolicy(ReconnectPolicy.NEVER).build();
        ElevenLabsProvider provider = new ElevenLabsProvider(upstream)) {
      VoicewireServer relay = VoicewireServer.create(c -> c.provider(provider)
          .apiKeys(List.of("relay-key")));
      try {
        int port = relay.start(0);
        ProcessBuilder pb = new ProcessBuilder("node",
            module.resolve("src/test/js/official-sdk-relay.cjs").toString());
        pb.environment().put("NODE_PATH", modules.toString());
        pb.environment().put("BASE_URL", "http://127.0.0.1:" + port);
        pb.environment().put("API_KEY", "relay-key");
        pb.environment().put("VOICE_ID", DoubleHttp.VOICE_ID);
        pb.environment().put("TRANSCRIPT", ElevenLabsDouble.TRANSCRIPT);
        pb.environment().remove("ELEVENLABS_API_KEY");
        File out = File.createTempFile("node-out", ".txt");
        File err = File.createTempFile("node-err", ".txt");
        pb.redirectOutput(out).redirectError(err);
        Process proc;
        try {
          proc = pb.start();
        } catch (IOException e) {
          Assumptions.abort("node is not installed");
          return;
        }
        boolean done = proc.waitFor(180, TimeUnit.SECONDS);
        if (!done) {
          proc.destroyForcibly();
        }
        String so = Files.readString(out.toPath(), StandardCharsets.UTF_8);
        String se = Files.readString(err.toPath(), StandardCharsets.UTF_8);
        Files.deleteIfExists(out.toPath());
        Files.deleteIfExists(err.toPath());
        assertTrue(done, "node timed out:\n" + so + se);
        assertEquals(0, proc.exitValue(), "SDK script failed:\n" + so + "\n" + se
            + "\nviolations: " + d.violations());
        assertTrue(so.contains("\"check\":\"done\""), so);
      } finally {
        relay.close();
      }
      d.assertNoViolations();
      List<Seen> streams = d.seen("/v1/text-to-speech/" + DoubleHttp.VOICE_ID + "/stream");
      Seen defaults = streams.stream().filter(s -> s.kind().equals("HTTP")
          && s.path().endsWith("/stream") && !s.body().has("model_id")).findFirst()
          .orElseThrow();
      assertNull(defaults.query().get("output_format"), "the relay injected a format");
      Seen rt = d.seen("/v1/speech-to-text/realtime").get(0);
      assertEquals(List.of("true"), rt.query().get("no_verbatim"));
      assertNotNull(rt.query().get("entity_detection"));
    }
  }
}
