package io.voicewire.bench.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AuditTest {
  @Test
  void identicalTextIsClean() {
    assertEquals(new Audit.Result(0, 0), Audit.chars("Hello there.", "Hello there."));
  }

  @Test
  void missingCharactersAreLost() {
    assertEquals(new Audit.Result(3, 0), Audit.chars("Hello there.", "Hello re."));
  }

  @Test
  void aSeamThatVoicesAPieceTwiceIsRepeated() {
    assertEquals(new Audit.Result(0, 2), Audit.chars("Hello there.", "Hello ththere."));
  }

  @Test
  void wordsIgnoreCaseAndPunctuation() {
    assertEquals(List.of("hello", "world", "it's"), Audit.split("Hello, WORLD! It's"));
    assertEquals(new Audit.Result(1, 1), Audit.words("open the door", "open a door"));
  }
}
