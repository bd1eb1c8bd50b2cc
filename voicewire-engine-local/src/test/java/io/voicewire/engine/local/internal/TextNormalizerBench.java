package io.voicewire.engine.local.internal;

import java.util.List;
import java.util.Locale;

/**
 * Throughput of {@link TextNormalizer} in characters per second, on plain prose and on a mix of
 * everything it handles. A benchmark, not a test: run its {@code main} (see docs/engine.md).
 */
public final class TextNormalizerBench {
  static final String PROSE = "The weather today will be sunny with a light breeze coming from "
      + "the west, and the evening should stay mild enough to sit outside for a while. ";
  static final List<String> MIXED = List.of(
      "The API returned HTTP 500 from NASA, so the CEO called IBM. ",
      "There are 1,234,567 people here, up 12.5% from 987,654 last year. ",
      "That costs $19.99, or €17.50 in Europe and £15 in London. ",
      "The meeting is on 2024-03-15 at 14:30, or 3/16/2024 at 9:05 am. ",
      "Visit https://www.example.com/docs/getting-started?lang=en for details. ",
      "Write to jane.doe@example.org today 😀👍 done ✓ ",
      "We ate crème brûlée in Zürich; hello is Привет and Tokyo is 東京. ",
      "# Notes\n- **Bold** and `code` with <break time=\"1s\"/> and &amp; getUserName() ",
      "Bell\u0007 and escape\u001B[31m red\u001B[0m with a zero\u200Bwidth space. ");

  private TextNormalizerBench() {}

  public static void main(String[] args) {
    String mixed = String.join("", MIXED);
    for (int round = 0; round < 3; round++) { // the first rounds warm the JIT up
      report("prose", PROSE, round);
      report("mixed", mixed, round);
    }
  }

  private static void report(String name, String text, int round) {
    long chars = 0;
    long sink = 0;
    long t0 = System.nanoTime();
    while (System.nanoTime() - t0 < 2_000_000_000L) {
      sink += TextNormalizer.normalize(text).spoken().length();
      chars += text.length();
    }
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "round %d %-5s %,12.0f chars/s (%d)%n", round, name,
        chars / s, sink % 10);
  }
}
