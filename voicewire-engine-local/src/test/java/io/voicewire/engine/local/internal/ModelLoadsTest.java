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
 * these ears"). Both lanes are warmed up alike (the buzz alone); every engine starts each pass
 * from one cepstral-mean prior ({@link CmnPrior#DEFAULT}), checked below against the default
 * engine's warm-up.
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

  /**
   * Every engine starts each pass from one cepstral-mean prior, {@link CmnPrior#DEFAULT}: the
   * state the default engine's warm-up ends in, so the default engine decodes as it did when it
   * captured that state itself. Checked here by doing that warm-up on a third load: the buzz,
   * then the cmu-slt-hsmm voice's warm-up speech, synthesized as {@code LocalEngine} does. Fails
   * when the voice, the models or the warm-up text change: then the prior is printed here, to be
   * put in {@link CmnPrior#DEFAULT} (and measured: docs/engine.md).
   */
  @Test
  void theDefaultEnginesWarmUpEndsInTheFixedPrior() throws Exception {
    VoiceRegistry voices = new VoiceRegistry(List.of(VoiceRegistry.MARY_SLT));
    voices.loadAll(() -> false);
    VoiceEngine v = voices.awaitLoaded(VoiceRegistry.MARY_SLT);
    Synthesizer s = v.newSynthesizer();
    byte[] clip = null;
    for (int i = 0; i < 3; i++) { // as LocalEngine.startUp: the last of three rounds
      clip = LocalEngine.synthesizeAll(s, v.sampleRate(), LocalEngine.WARM_UP_TEXT);
    }
    DecoderLane lane = new DecoderLane(new ModelSet(RecognizerProfile.FAST.configResource(), 1), 0);
    lane.warmUp(clip);
    CmnPrior.State got = lane.cmn().current();
    System.err.println("after the default warm-up: sum " + java.util.Arrays.toString(got.sum())
        + ", mean " + java.util.Arrays.toString(got.mean()) + ", frames " + got.frames());
    assertEquals(CmnPrior.DEFAULT.frames(), got.frames(), "frames");
    for (int i = 0; i < got.sum().length; i++) {
      assertEquals(CmnPrior.DEFAULT.sum()[i], got.sum()[i],
          1e-9 * Math.abs(CmnPrior.DEFAULT.sum()[i]), "sum " + i);
      assertEquals(CmnPrior.DEFAULT.mean()[i], got.mean()[i],
          1e-9 * Math.abs(CmnPrior.DEFAULT.mean()[i]), "mean " + i);
    }
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
