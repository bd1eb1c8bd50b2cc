package io.voicewire.bench.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The soak, briefly, against a real in-process server on the offline engine, every session
 * through the cutting proxy: its audits run and find nothing lost or repeated. Correctness only;
 * how fast is the benchmark's business ({@code docs/soak.md}). Its STT sessions commit manually,
 * so each commit must come back exactly once at its place even when a resume forced commits of its
 * own in a replay (they are joined into the user's segment).
 */
@Timeout(900)
class SoakSmokeTest {
  @Test
  void shortSoakLosesAndRepeatsNothing() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    SoakOptions o = SoakOptions.parse("--seconds", "10", "--sessions", "3", "--heap-every", "5",
        "--cut-fraction", "1");
    SoakReport r = new Soak(o, out).run();
    String report = buf.toString(StandardCharsets.UTF_8);
    System.out.println(report);
    SoakStats s = r.stats();
    assertTrue(s.get("tts.sessions") > 0 && s.get("stt.sessions") > 0
        && s.get("multi.sessions") > 0, "every kind of session ran:\n" + report);
    assertTrue(s.get("tts.chars") + s.get("multi.chars") > 0, "the TTS audit ran:\n" + report);
    assertTrue(s.get("stt.commits") + s.get("canary-stt.commits") > 0,
        "the STT audit ran:\n" + report);
    assertEquals(0, r.lostOrRepeated(), "lost or repeated content:\n" + report);
    assertTrue(report.contains("### Heap over time") && report.contains("### Errors by kind")
        && report.contains("### Latency over the whole run"), report);
  }

  /**
   * {@code --ab --ab-mirror}: the quiet phases run the flood's well-behaved twin on the
   * abusers' key, the abused ones the flood, and the canary is measured in both.
   */
  @Test
  void theMirrorRunsTheFloodsWellBehavedTwinInTheQuietPhases() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    SoakOptions o = SoakOptions.parse("--ab", "--ab-mirror", "--phase-seconds", "10",
        "--seconds", "20", "--sessions", "0", "--canaries", "2", "--abuse-clients", "1",
        "--abuse-kinds", "stt-burst-flood");
    SoakReport r = new Soak(o, out).run();
    String report = buf.toString(StandardCharsets.UTF_8);
    System.out.println(report);
    assertTrue(report.contains("| 1 | A mirror |") && report.contains("| 2 | B abused |"),
        report);
    assertTrue(report.contains("stt-burst-paced: "), "the twin ran in the quiet phase:\n"
        + report);
    assertTrue(report.contains("stt-burst-flood: "), "the flood ran in the abused phase:\n"
        + report);
    assertEquals(0, r.lostOrRepeated(), "lost or repeated content:\n" + report);
  }
}
