package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #10, fair share between keys: the server opens every engine session with its key's id as
 * the engine's fairness key ({@code TtsRequest/SttRequest.tenant}), never the key, so that an
 * engine that shares its work per tenant (the local engine) shares it per key; a canary key's
 * sessions complete while another key floods. The local engine's own share is tested in
 * {@code TenantSharesTest}, {@code TtsSchedulingTest}, {@code ModelTurnsTest} and {@code
 * LocalSttCapacityTest} (module voicewire-engine-local).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FairKeyTest {
  /** The key id the server derives from a key: {@code key-} and 8 hex digits of its SHA-256. */
  static String keyId(String key) throws Exception {
    byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    return "key-" + HexFormat.of().formatHex(h).substring(0, 8);
  }

  @Test
  void eachKeysSessionsCarryItsIdAsTheFairnessKeyAndTheCanaryCompletesBesideAFlood()
      throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.builder().sttDelayPerChunkMillis(5).build();
    List<WsClient> abusers = new ArrayList<>();
    try {
      SocketBoundsTest.withCanary(p, b -> { }, f -> {
        for (int i = 0; i < 3; i++) { // TTS sockets that send text and never read
          WsClient c = f.connect(SocketBoundsTest.SINGLE, SocketBoundsTest.ABUSER_H);
          abusers.add(c);
          c.send("{\"text\":\" \"}");
          c.send("{\"text\":\"" + "Nobody reads this. ".repeat(40) + "\",\"flush\":true}");
        }
        for (int i = 0; i < 3; i++) { // STT sockets flooding audio
          WsClient c = f.connect(SocketBoundsTest.STT, SocketBoundsTest.ABUSER_H);
          abusers.add(c);
          assertEquals("session_started", c.next().path("message_type").asText());
          SocketBoundsTest.flood(c, 200);
        }
      });
    } finally {
      abusers.forEach(c -> c.ws.abort());
    }
    String abuser = keyId(SocketBoundsTest.ABUSER);
    String canary = keyId(SocketBoundsTest.CANARY);
    List<String> seen = List.copyOf(p.tenants);
    assertEquals(Set.of(abuser, canary), Set.copyOf(seen), "fairness keys: " + seen);
    assertEquals(6, seen.stream().filter(abuser::equals).count(), seen.toString());
    assertEquals(2, seen.stream().filter(canary::equals).count(), "the canary's TTS and STT");
    for (String t : seen) {
      assertFalse(t.contains(SocketBoundsTest.ABUSER) || t.contains(SocketBoundsTest.CANARY),
          "a key reached the engine: " + t);
    }
  }

  @Test
  void withoutKeysEverySessionIsOfTheSharedTenant() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (ServerFixture f = ServerFixture.start(p)) {
      Canary.start(f, java.util.Map.of()).assertCompleted();
      assertEquals(2, p.tenants.size());
      p.tenants.forEach(t -> assertEquals("null", t, "dev mode has no tenant"));
      assertNull(p.lastTtsRequest.tenant());
      assertTrue(p.lastSttRequest.tenant() == null);
    }
  }
}
