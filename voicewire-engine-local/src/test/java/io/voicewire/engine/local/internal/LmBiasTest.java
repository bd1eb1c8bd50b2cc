package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import edu.cmu.sphinx.util.LogMath;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What keyterms and previous_text favour, and by how much. */
class LmBiasTest {
  @Test
  void keytermWordsGetTheKeytermBoostContextWordsTheSmallerOneStopWordsNone() {
    LmBias b = LmBias.of(List.of("Dashwood", "ten of clubs"), "He was NOT prudent, Elinor's"
        + " sister... and the Dashwood estate.");
    LogMath log = LogMath.getLogMath();
    assertEquals(log.linearToLog(LmBias.KEYTERM_BOOST), b.logBoost("dashwood"), 1e-3);
    assertEquals(log.linearToLog(LmBias.KEYTERM_BOOST), b.logBoost("of"), 1e-3);
    assertEquals(log.linearToLog(LmBias.CONTEXT_BOOST), b.logBoost("prudent"), 1e-3);
    assertEquals(log.linearToLog(LmBias.CONTEXT_BOOST), b.logBoost("elinor's"), 1e-3);
    assertEquals(0f, b.logBoost("the"));
    assertEquals(0f, b.logBoost("was"));
    assertEquals(0f, b.logBoost("unrelated"));
    assertTrue(b.words().containsAll(Set.of("ten", "clubs", "sister", "estate", "not")));
  }

  @Test
  void nothingToFavourIsNone() {
    assertSame(LmBias.NONE, LmBias.of(List.of(), null));
    assertSame(LmBias.NONE, LmBias.of(null, "the and of, ... !"));
    assertTrue(LmBias.NONE.isEmpty());
  }

  @Test
  void onlyTheEndOfALongContextIsRead() {
    String longText = "zebra " + "words ".repeat(LmBias.MAX_CONTEXT_CHARS) + "giraffe";
    LmBias b = LmBias.of(List.of(), longText);
    assertEquals(0f, b.logBoost("zebra"));
    assertTrue(b.logBoost("giraffe") > 0);
  }

  @Test
  void wordsAreSpelledAsTheDictionarySpellsThem() {
    assertEquals(List.of("don't", "stop", "me", "now", "3d"),
        LmBias.words("'Don't' -- STOP; me_now 3D"));
  }
}
