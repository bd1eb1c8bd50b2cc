package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import edu.cmu.sphinx.decoder.search.WordPruningBreadthFirstSearchManager;
import edu.cmu.sphinx.linguist.lextree.LexTreeLinguist;
import io.voicewire.engine.local.RecognizerProfile;
import io.voicewire.testing.HumanSpeech;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two loads of the models decode alike: a server after a restart, another replica, or the other
 * model copy of one engine. Sphinx freezes each lexical-tree node's successors in the order of a
 * {@code HashMap} keyed by identity hash codes, different at every load, and the order breaks
 * ties in the beams (docs/engine.md, "The same words from every load of the models"). Each load
 * is now put in a canonical order when its linguist is allocated ({@link LexTreeOrder}):
 * ordering it again moves nothing, both loads' trees have one fingerprint (without the ordering
 * at allocation, 35,000 nodes move), and both give the same words on the two held-out clips that
 * changed between loads in {@code SttCostProbe} ("go forward ten meters" / "go forward ten
 * these ears"). Both lanes are warmed up alike (the buzz alone): the cepstral-mean prior comes
 * from the warm-up speech ({@link CmnPrior}), which is the same for engines of one
 * configuration.
 */
@Timeout(300)
class ModelLoadsTest {
  private static DecoderLane first;
  private static DecoderLane second;

  @BeforeAll
  static void loadTwice() {
    first = load();
    second = load();
  }

  private static DecoderLane load() {
    DecoderLane lane = new DecoderLane(new ModelSet(RecognizerProfile.FAST.configResource(), 1), 0);
    lane.warmUp(null); // the buzz alone, and the default prior
    return lane;
  }

  @Test
  void bothTreesAreInOneOrder() throws ReflectiveOperationException {
    LexTreeOrder.Result a = orderAgain(first);
    LexTreeOrder.Result b = orderAgain(second);
    System.err.println("first load: " + a + ", second load: " + b);
    assertTrue(a.nodes() > 100_000, "walked only " + a.nodes() + " nodes");
    assertEquals(0, a.reordered(), "nodes not in the canonical order after allocation");
    assertEquals(0, a.ties(), "siblings the canonical order cannot tell apart");
    assertEquals(a, b, "two loads of the models");
  }

  @Test
  void bothLoadsGiveTheSameWords() throws Exception {
    assumeTrue(HumanSpeech.available(), "pocketsphinx-testdata is not installed");
    List<byte[]> clips = List.of(HumanSpeech.clip("goforward.raw"),
        HumanSpeech.clip("librivox/sense_and_sensibility_01_austen_64kb-0930.wav"));
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    for (byte[] clip : clips) {
      a.add(words(first, clip));
      b.add(words(second, clip));
    }
    System.err.println("first load: " + a + ", second load: " + b);
    assertTrue(a.stream().noneMatch(String::isBlank), "no words: " + a);
    assertEquals(a, b, "the words of two loads of the models");
  }

  /** Orders the lane's lexical tree once more. */
  private static LexTreeOrder.Result orderAgain(DecoderLane lane)
      throws ReflectiveOperationException {
    Field f = WordPruningBreadthFirstSearchManager.class.getDeclaredField("linguist");
    f.setAccessible(true);
    return LexTreeOrder.canonicalize((LexTreeLinguist) f.get(lane.search()));
  }

  /** The words of {@code pcm} with 300 ms of silence around it, as a session's pass. */
  private static String words(DecoderLane lane, byte[] pcm) {
    byte[] silence = new byte[300 * 32];
    AudioPipe pipe = new AudioPipe(pcm.length + 2 * silence.length);
    pipe.write(silence);
    pipe.write(pcm);
    pipe.write(silence);
    pipe.finish();
    StringBuilder out = new StringBuilder();
    lane.serve(DecoderLane.outsideSessions(pipe,
        text -> out.append(out.isEmpty() || text.isBlank() ? "" : " ").append(text),
        error -> {
          throw new IllegalStateException(error);
        }), new DecodeCost(1));
    return out.toString().strip();
  }
}
