package io.voicewire.bench.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The relay the benchmark measures runs with the JVM options {@code ./voicewire serve} uses. */
class RelayOptionsTest {
  private static final Pattern ARRAY = Pattern.compile("(?m)^(\\w+)=\\((.*)\\)\\s*$");

  @Test
  void theBenchRelaysRunWithTheLaunchersServeOptions() throws Exception {
    Path launcher = null;
    for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("voicewire")) && Files.isDirectory(d.resolve(".ci"))) {
        launcher = d.resolve("voicewire");
        break;
      }
    }
    assertNotNull(launcher, "the ./voicewire launcher above the module");
    Matcher m = ARRAY.matcher(Files.readString(launcher));
    java.util.Map<String, List<String>> arrays = new java.util.HashMap<>();
    while (m.find()) {
      List<String> words = new ArrayList<>();
      for (String w : m.group(2).trim().split("\\s+")) {
        Matcher ref = Pattern.compile("\"\\$\\{(\\w+)\\[@\\]\\}\"").matcher(w);
        if (ref.matches()) {
          words.addAll(arrays.get(ref.group(1))); // "${OTHER[@]}": that array's words
        } else {
          words.add(w);
        }
      }
      arrays.put(m.group(1), words);
    }
    assertEquals(arrays.get("SERVE_JAVA_OPTS_DEFAULT"), RelayProcesses.SERVE_JVM_OPTIONS);
  }

  @Test
  void aCollectorAskedForReplacesTheDefaultsInsteadOfClashingWithIt() {
    List<String> zgc = RelayProcesses.relayJvmOptions(List.of("-XX:+UseZGC", "-Dx=1"));
    assertFalse(zgc.contains("-XX:+UseG1GC"), zgc.toString());
    assertEquals(List.of("-XX:+UseZGC", "-Dx=1"), zgc.subList(zgc.size() - 2, zgc.size()));
    assertTrue(zgc.contains("-Xmx1g"), zgc.toString());
    assertEquals(RelayProcesses.SERVE_JVM_OPTIONS, RelayProcesses.relayJvmOptions(List.of()));
    assertEquals(RelayProcesses.SERVE_JVM_OPTIONS.size() + 1,
        RelayProcesses.relayJvmOptions(List.of("-Dvoicewire.relay.inlineSelectors=1")).size());
  }

  /** A relay JVM that refuses its options fails the run at once, with the JVM's own words. */
  @Test
  void aRelayThatExitsBeforeListeningIsReportedWithItsOutput() throws Exception {
    int port = RelayProcesses.freePort();
    Process p = RelayProcesses.startRelay(port, 1, List.of("-XX:+UseZGC", "-XX:+UseParallelGC"),
        System.getProperty("java.class.path"));
    try {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> RelayProcesses.awaitRelay(p, port, Duration.ofSeconds(60)));
      assertTrue(e.getMessage().contains("exited with code"), e.getMessage());
      assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("garbage collector"),
          e.getMessage());
    } finally {
      p.destroyForcibly();
    }
  }
}
