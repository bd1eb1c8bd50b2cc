package io.voicewire.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the jcstress tests of this module ({@link JitterBufferStress}) in their own JVMs, as the
 * suite's gate: every configuration must pass, none may fail or error. Mode {@code quick} by
 * default; {@code -Djcstress.mode=default} or {@code tough} for a long hunt. Reports land in
 * {@code target/jcstress-results/}.
 *
 * <p>The suite runs every test in both JVM configurations jcstress finds (plain and C2 stress),
 * without its split per-actor compilation modes: 8 forked JVMs instead of 28 (85 s at load 6-9
 * on 2 cores, against 111 s for the 28).
 * {@code -Djcstress.splitCompilation=true} adds them back (each actor interpreted, C1 or C2 on
 * its own), as the full run before a release does (docs/testing.md).
 */
class JcstressTest {

  @Test
  @Tag("slow")
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void everyStressConfigurationPasses() throws Exception {
    String mode = System.getProperty("jcstress.mode", "quick");
    String split = Boolean.toString(Boolean.getBoolean("jcstress.splitCompilation"));
    String cp = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    Path work = Files.createDirectories(Paths.get("target", "jcstress-work"));
    Path results = Paths.get("target", "jcstress-results").toAbsolutePath();
    Path log = work.resolve("jcstress.log");
    Process p = new ProcessBuilder(List.of(java.toString(), "-cp", cp,
        "org.openjdk.jcstress.Main", "-m", mode, "-sc", split,
        "-t", "io\\.voicewire\\.stress\\..*", "-r", results.toString()))
        .directory(work.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    if (!p.waitFor(14, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("jcstress did not finish; see " + log.toAbsolutePath());
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), tail(out));
    Matcher m = Pattern.compile("Results: (\\d+) planned; (\\d+) passed, (\\d+) failed, "
        + "(\\d+) soft errs, (\\d+) hard errs").matcher(out);
    String last = null;
    while (m.find()) {
      last = m.group();
    }
    assertTrue(last != null, "no result line: " + tail(out));
    Matcher r = Pattern.compile("(\\d+) planned; (\\d+) passed, (\\d+) failed").matcher(last);
    assertTrue(r.find());
    assertTrue(Integer.parseInt(r.group(1)) > 0, last);
    assertEquals("0", r.group(3), "forbidden outcomes were observed: " + tail(out));
    assertTrue(out.contains("Failed tests: No matches."), tail(out));
    assertTrue(out.contains("Error tests: No matches."), tail(out));
    assertEquals(r.group(1), r.group(2), "every planned configuration passes: " + last);
    System.out.println("jcstress " + mode + " (split compilation " + split + "): " + last
        + " (report: " + results + File.separator + "index.html)");
  }

  private static String tail(String s) {
    return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
  }
}
