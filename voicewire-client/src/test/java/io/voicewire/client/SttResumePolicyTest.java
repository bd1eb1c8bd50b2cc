package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.voicewire.client.internal.stream.RealSttStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Tier (a): the Java SDK's STT resume policy is exactly the shared one,
 * {@code test-vectors/stt-resume/policy.json}, which the browser client's tests also read.
 */
class SttResumePolicyTest {
  static final Path POLICY = Path.of("..", "test-vectors", "stt-resume", "policy.json");

  @Test
  void theSdkFollowsTheSharedPolicy() throws Exception {
    JsonNode p = new ObjectMapper().readTree(Files.readString(POLICY));
    assertEquals(p.get("forcedCommitReplayMillis").asLong(),
        RealSttStream.FORCED_COMMIT_REPLAY_MILLIS);
    assertEquals(p.get("quietSearchMillis").asLong(), RealSttStream.QUIET_SEARCH_MILLIS);
    assertEquals(p.get("quietWindowMillis").asLong(), RealSttStream.QUIET_WINDOW_MILLIS);
    assertEquals(p.get("replayCommitWaitMillis").asLong(),
        RealSttStream.REPLAY_COMMIT_WAIT_MILLIS);
    assertEquals(p.get("minCommitIntervalMillis").asLong(),
        RealSttStream.MIN_COMMIT_INTERVAL_MILLIS);
    assertEquals(p.get("maxReplaySeconds").asLong(),
        VoiceClient.DEFAULT_STT_REPLAY_LIMIT.toSeconds());
    assertEquals(p.get("wordGuardMillis").asLong(), RealSttStream.WORD_GUARD_MILLIS);
    assertEquals(p.get("shortConnectionMillis").asLong(), RealSttStream.SHORT_CONNECTION_MILLIS);
    assertEquals(8, p.size(), "a new policy number needs a check here");
  }
}
