package io.voicewire.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Node unit tests of the browser components ({@code src/test/js/unit}, {@code node --test}):
 * PCM16/base64, the resampler, the jitter buffer against the shared vectors, the TTS and STT
 * resume maths, the transcript model, and the sockets against a loopback WebSocket peer.
 */
@Timeout(180)
class NodeUnitTest {
  @Test
  void nodeUnitTestsPass() throws Exception {
    List<String> args = new ArrayList<>(List.of("--test-reporter=tap"));
    try (Stream<Path> files = Files.list(NodeScripts.MODULE.resolve("src/test/js/unit"))) {
      // explicit files: Node 20 takes directories, later versions take globs
      files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".test.js")).sorted()
          .forEach(n -> args.add("src/test/js/unit/" + n));
    }
    assertTrue(args.size() >= 8, "test files: " + args);
    NodeScripts.Run r = NodeScripts.node("--test", args, Map.of(), 150);
    r.assertSucceeded();
    Matcher pass = Pattern.compile("(?m)^# pass (\\d+)$").matcher(r.stdout());
    Matcher failed = Pattern.compile("(?m)^# fail (\\d+)$").matcher(r.stdout());
    assertTrue(pass.find() && Integer.parseInt(pass.group(1)) >= 40, "too few tests ran:\n" + r.stdout());
    assertTrue(failed.find() && failed.group(1).equals("0"), r.stdout());
  }
}
