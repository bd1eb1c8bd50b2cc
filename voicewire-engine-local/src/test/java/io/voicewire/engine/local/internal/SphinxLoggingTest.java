package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.voicewire.engine.local.RecognizerProfile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An application embedding the engine sees no recognizer chatter on its console. Sphinx sets its
 * configuration's log level on a logger named after the configuration file and keeps no
 * reference to it; its components' loggers, created later when a lane allocates its recognizer,
 * are children of that logger only if it is still alive then. When the JDK had collected it in
 * between (a GC during start-up), every component logged at INFO: dictionary and unit loading,
 * a cepstral-mean line per utterance.
 */
@Timeout(120)
class SphinxLoggingTest {
  @Test
  void componentsCreatedAfterACollectionStillLogOnlyWarnings() throws Exception {
    ModelSet set = new ModelSet(RecognizerProfile.FAST.configResource(), 1);
    for (int i = 0; i < 3; i++) {
      System.gc(); // what start-up's allocation does at some moment on its own
    }
    new DecoderLane(set, 0); // looks the components up: their loggers are created now
    List<String> tooVerbose = new ArrayList<>();
    int components = 0;
    for (String name : Collections.list(LogManager.getLogManager().getLoggerNames())) {
      Logger l = LogManager.getLogManager().getLogger(name);
      if (l == null || !name.startsWith("voicewire-sphinx-") || !name.contains(".edu.cmu.sphinx.")) {
        continue;
      }
      components++;
      Level effective = effectiveLevel(l);
      if (effective.intValue() < Level.WARNING.intValue()) {
        tooVerbose.add(name + " at " + effective);
      }
    }
    assertFalse(components == 0, "no component logger found: the naming changed");
    assertEquals(List.of(), tooVerbose);
  }

  private static Level effectiveLevel(Logger l) {
    for (Logger x = l; x != null; x = x.getParent()) {
      if (x.getLevel() != null) {
        return x.getLevel();
      }
    }
    return Level.INFO;
  }
}
