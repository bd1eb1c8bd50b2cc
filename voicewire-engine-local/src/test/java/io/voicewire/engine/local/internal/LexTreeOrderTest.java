package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import edu.cmu.sphinx.decoder.search.WordPruningBreadthFirstSearchManager;
import edu.cmu.sphinx.linguist.lextree.LexTreeLinguist;
import io.voicewire.engine.local.RecognizerProfile;
import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two loads of the models search one lexical tree in one order. Sphinx freezes each node's
 * successors in the order of a {@code HashMap} keyed by identity hash codes, which differs at
 * every load; the words of a clip then depended on the model copy that decoded it. Each load
 * is put in the canonical order when its linguist is allocated ({@link LexTreeOrder}): ordering
 * it again moves nothing, and both loads' ordered trees have one fingerprint. (Without the
 * ordering at allocation, tens of thousands of nodes move, and the fingerprints differ.)
 */
@Timeout(300)
class LexTreeOrderTest {
  @Test
  void twoLoadsOfTheModelsHaveTheirTreeInOneOrder() throws Exception {
    LexTreeOrder.Result first = loadAndOrderAgain();
    LexTreeOrder.Result second = loadAndOrderAgain(); // the first set is garbage by now
    System.err.println("first load: " + first + ", second load: " + second);
    assertTrue(first.nodes() > 100_000, "walked only " + first.nodes() + " nodes");
    assertEquals(0, first.reordered(), "nodes not in the canonical order after allocation");
    assertEquals(0, first.ties(), "siblings the canonical order cannot tell apart");
    assertEquals(first, second, "two loads of the models");
  }

  /** Loads a model set, as a lane does, and orders its lexical tree once more. */
  private static LexTreeOrder.Result loadAndOrderAgain() throws ReflectiveOperationException {
    ModelSet set = new ModelSet(RecognizerProfile.FAST.configResource(), 1);
    DecoderLane lane = new DecoderLane(set, 0); // allocates the recognizer, so the linguist
    Field f = WordPruningBreadthFirstSearchManager.class.getDeclaredField("linguist");
    f.setAccessible(true);
    long start = System.nanoTime();
    LexTreeOrder.Result r = LexTreeOrder.canonicalize((LexTreeLinguist) f.get(lane.search()));
    System.err.printf("ordered again in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    return r;
  }
}
