package io.voicewire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue #11 keeps every main-source file of the product modules readable in one sitting: none is
 * over {@value #MAX_LINES} lines. Checked here, in the first module built, so that a file that
 * grows past it fails the build at once instead of waiting for a review to notice.
 */
class SourceSizeTest {
  static final int MAX_LINES = 450;
  static final List<String> PRODUCT_MODULES = List.of("voicewire-core", "voicewire-protocol",
      "voicewire-client", "voicewire-engine-local", "voicewire-server", "voicewire-cli",
      "voicewire-web");

  @Test
  void noMainSourceFileIsOverTheLimit() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<String> over = new ArrayList<>();
    int files = 0;
    for (String module : PRODUCT_MODULES) {
      Path main = root.resolve(module).resolve("src/main");
      if (!Files.isDirectory(main)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(main)) {
        for (Path f : walk.filter(p -> p.toString().endsWith(".java")
            || p.toString().endsWith(".js")).toList()) {
          files++;
          long lines;
          try (Stream<String> ls = Files.lines(f)) {
            lines = ls.count();
          }
          if (lines > MAX_LINES) {
            over.add(root.relativize(f) + ": " + lines);
          }
        }
      }
    }
    assertTrue(files > 200, "found the product's sources: " + files);
    assertEquals(List.of(), over, "main-source files over " + MAX_LINES + " lines");
  }
}
