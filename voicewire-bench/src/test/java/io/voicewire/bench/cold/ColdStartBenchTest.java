package io.voicewire.bench.cold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import io.voicewire.bench.cold.ColdStartBench.Route;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bench cold} on the real product jar (built by voicewire-cli before this module): one
 * cold start of {@code serve} in its own JVM, a session on each route (stream-input,
 * multi-stream-input, HTTP streaming, dialogue) timed to first audio and a realtime STT session
 * (the text spoken by the server) timed to its first words, and the server process gone
 * afterwards. Checks that the benchmark measures; the figures are its output, not
 * asserted.
 */
@Timeout(300)
class ColdStartBenchTest {
  @Test
  void oneColdStartIsMeasuredAndLeavesNoServerBehind() throws Exception {
    Path jar = Path.of("../voicewire-cli/target/voicewire.jar");
    assertTrue(Files.isRegularFile(jar), "no " + jar + ": build voicewire-cli first (mvn install)");
    long[] r = ColdStartBench.oneStart(jar, 5, "Hello there.", "mp3_44100_128",
        List.of(Route.STREAM_INPUT, Route.MULTI_STREAM_INPUT, Route.HTTP_STREAM, Route.DIALOGUE,
            Route.STT), null);
    System.out.println("ready after " + r[0] + " ms, first audio "
        + Arrays.toString(Arrays.copyOfRange(r, 1, 6)) + " ms, STT commit " + r[10] + " ms");
    assertEquals(11, r.length);
    assertTrue(r[0] > 0, "time to ready measured: " + r[0]);
    for (int k = 1; k <= 5; k++) {
      assertTrue(r[k] > 0, "session " + k + "'s first audio measured: " + Arrays.toString(r));
    }
    assertEquals(-1, r[6], "no commit in a TTS session");
    assertTrue(r[10] >= 0, "the STT session's commit measured: " + Arrays.toString(r));
    assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count(),
        "the server's JVM ended with the start");
  }
}
