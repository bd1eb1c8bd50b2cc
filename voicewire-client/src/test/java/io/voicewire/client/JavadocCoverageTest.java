package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The SDK's javadoc jar documents every public type: each public class, interface, record and enum
 * outside {@code internal} has a javadoc comment. (The javadoc build itself fails on errors;
 * this covers what doclint only warns about.)
 */
class JavadocCoverageTest {
  private static final Pattern PUBLIC_TYPE = Pattern.compile(
      "^\\s*public\\s+(?:(?:static|final|abstract|sealed|non-sealed)\\s+)*"
          + "(?:class|interface|record|enum|@interface)\\s+(\\w+)");

  @Test
  void everyPublicTypeHasAJavadocComment() throws IOException {
    Path src = Path.of("src/main/java/io/voicewire/client");
    List<String> undocumented = new ArrayList<>();
    int types = 0;
    try (Stream<Path> files = Files.walk(src)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> !src.relativize(p).startsWith("internal")).toList()) {
        List<String> lines = Files.readAllLines(f);
        for (int i = 0; i < lines.size(); i++) {
          Matcher m = PUBLIC_TYPE.matcher(lines.get(i));
          if (!m.find()) {
            continue;
          }
          types++;
          int j = i - 1;
          while (j >= 0 && lines.get(j).trim().startsWith("@")) {
            j--; // annotations sit between the comment and the declaration
          }
          if (j < 0 || !lines.get(j).trim().endsWith("*/")) {
            undocumented.add(src.relativize(f) + ": " + m.group(1));
          }
        }
      }
    }
    assertTrue(types > 20, "found the SDK's public types: " + types);
    assertEquals(List.of(), undocumented, "public types without javadoc");
  }
}
