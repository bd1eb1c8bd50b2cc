package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.client.ConnectionStatus.State;
import io.voicewire.server.Limits;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.TtsRequest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Capacity refusals (errors.json retry class {@code later}: {@code resource_exhausted},
 * {@code rate_limited}, close 1013, HTTP 429) against a real server whose key may hold one
 * session: the SDK reports {@link State#CAPACITY_REFUSAL}, waits {@link
 * ReconnectPolicy#capacityDelay} (1 s doubling to 30 s), does not count the refusals against
 * {@code maxAttempts}, and completes once admitted; refused for {@code capacityGiveUpAfter} in
 * a row, it fails naming the refusals.
 */
@Timeout(120)
class CapacityRetryTest {
  static final String KEY = "capacity-key";

  static ServerHarness server() throws Exception {
    return new ServerHarness(new CodedSpeechProvider(12, 0), 11, c -> c.apiKeys(List.of(KEY))
        .limits(Limits.DEFAULTS.toBuilder().maxSessionsPerKey(1).build()));
  }

  static TtsRequest tts() {
    return ResumeIntegrationTest.tts();
  }

  static void await(String what, BooleanSupplier p) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!p.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not within 60 s: " + what);
      Thread.sleep(20);
    }
  }

  static List<ConnectionStatus> refusals(RecordingTtsListener l) {
    return l.statuses.stream().filter(s -> s.state() == State.CAPACITY_REFUSAL).toList();
  }

  /** Opens a stream that takes the key's one session slot and keeps it until closed. */
  static TtsStream holdTheSlot(VoiceClient client) throws InterruptedException {
    RecordingTtsListener holder = new RecordingTtsListener();
    TtsStream held = client.newTtsStream(tts(), holder);
    held.send("Holding the slot. ");
    held.flush();
    await("the holder's audio", () -> !holder.audio.isEmpty());
    return held;
  }

  @Test
  void refusedForCapacityRetriesLaterWithoutCountingAttemptsAndCompletesOnceAdmitted()
      throws Exception {
    try (ServerHarness h = server();
        VoiceClient client = VoiceClient.builder().baseUrl(h.directUrl()).apiKey(KEY)
            .reconnectPolicy(ReconnectPolicy.DEFAULT.withMaxAttempts(1))
            .random(new Random(5)).build()) {
      TtsStream held = holdTheSlot(client);
      RecordingTtsListener l = new RecordingTtsListener();
      TtsStream s = client.newTtsStream(tts(), l);
      s.send("Admitted at last. ");
      s.end();
      // two refusals in a row: with maxAttempts 1 a counted failure would have failed the stream
      await("two capacity refusals", () -> refusals(l).size() >= 2);
      held.close(); // the slot is free: the next attempt is admitted
      l.await(60).assertCompleted();
      assertTrue(l.statuses.stream().noneMatch(x -> x.state() == State.RECONNECTING),
          l.statuses.toString());
      List<ConnectionStatus> r = refusals(l);
      for (int i = 0; i < r.size(); i++) {
        ConnectionStatus c = r.get(i);
        assertEquals(i + 1, c.attempt(), r.toString());
        long cap = ReconnectPolicy.capacityDelay(i + 1, 0).toMillis();
        assertTrue(c.retryDelay().toMillis() >= cap / 2 && c.retryDelay().toMillis() <= cap,
            "refusal " + (i + 1) + " waits " + c.retryDelay());
        assertTrue(c.message().contains("maxSessionsPerKey") || c.message().contains("key"),
            "the server's refusal: " + c.message());
      }
      assertTrue(l.audio.size() > 0);
    }
  }

  @Test
  void refusedForCapacityGiveUpAfterInARowFailsNamingTheRefusals() throws Exception {
    try (ServerHarness h = server();
        VoiceClient client = VoiceClient.builder().baseUrl(h.directUrl()).apiKey(KEY)
            .reconnectPolicy(ReconnectPolicy.DEFAULT
                .withCapacityGiveUpAfter(Duration.ofMillis(1500)))
            .random(new Random(6)).build()) {
      TtsStream held = holdTheSlot(client);
      RecordingTtsListener l = new RecordingTtsListener();
      TtsStream s = client.newTtsStream(tts(), l);
      s.send("Never admitted. ");
      s.end();
      l.await(60);
      held.close();
      assertEquals(ErrorCode.RESOURCE_EXHAUSTED, l.failure.code(), l.failure.toString());
      assertTrue(l.failure.message().matches("gave up after \\d+ capacity refusals in \\d+ ms "
          + "\\(limit 1500 ms\\); last error: .*"), l.failure.message());
      assertTrue(refusals(l).size() >= 2, l.statuses.toString());
      l.assertExhausted();
    }
  }

  @Test
  void theCapacityDelayDoublesFromOneSecondToThirtyWithJitter() {
    assertEquals(Duration.ofSeconds(1), ReconnectPolicy.capacityDelay(1, 0));
    assertEquals(Duration.ofMillis(500), ReconnectPolicy.capacityDelay(1, 1.0));
    assertEquals(Duration.ofSeconds(4), ReconnectPolicy.capacityDelay(3, 0));
    assertEquals(Duration.ofSeconds(30), ReconnectPolicy.capacityDelay(6, 0));
    assertEquals(Duration.ofSeconds(30), ReconnectPolicy.capacityDelay(1000, 0));
    assertEquals(ReconnectPolicy.DEFAULT_CAPACITY_GIVE_UP_AFTER,
        ReconnectPolicy.DEFAULT.capacityGiveUpAfter());
  }
}
