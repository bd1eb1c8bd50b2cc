package io.voicewire.bench.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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
    assertEquals(arrays.get("SERVE_JAVA_OPTS_DEFAULT"), RelayBench.SERVE_JVM_OPTIONS);
  }
}
