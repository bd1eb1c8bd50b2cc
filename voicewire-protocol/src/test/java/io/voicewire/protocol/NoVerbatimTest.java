package io.voicewire.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.voicewire.speech.Transcript;
import io.voicewire.speech.Word;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoVerbatimTest {
  @Test
  void fillerWordsAndTheirSpacingAreRemoved() {
    assertEquals("so I think we go", NoVerbatim.text("Um, so I uh think we, erm, go"));
    assertEquals("umbrella and errand", NoVerbatim.text("umbrella and errand"));
    Transcript t = new Transcript("uh hello", true, 0, 900, List.of(
        new Word("uh", 0.0, 0.2, "word", 0), new Word(" ", 0.2, 0.3, "spacing", 0),
        new Word("hello", 0.3, 0.9, "word", 0)), "en");
    Transcript out = NoVerbatim.apply(t);
    assertEquals("hello", out.text());
    assertEquals(List.of("hello"), out.words().stream().map(Word::text).toList());
    assertEquals("en", out.languageCode());
  }
}
