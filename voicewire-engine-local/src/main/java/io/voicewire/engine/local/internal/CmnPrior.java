package io.voicewire.engine.local.internal;

import edu.cmu.sphinx.frontend.feature.LiveCMN;
import java.lang.reflect.Field;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cepstral-mean state of a decoder's {@link LiveCMN}: one prior, set at warm-up and restored
 * at the start of every job.
 *
 * <p>LiveCMN keeps a running mean of the cepstra across streams and never resets it: without this,
 * a session starts with the mean its decoder's <em>previous</em> session left behind. After a
 * μ-law telephone session that mean is far from a wideband microphone's: in a probe, four
 * sentences went from 15.6 % to 26.7 % WER after one μ-law session, and stayed worse for the next
 * session too; with the prior restored both were 15.6 %. Resetting the mean to nothing is no
 * better: LiveCMN then holds back the first 2 s of speech to estimate a new one, which delays
 * every first partial by 2 s. So every job starts from the same prior, {@link #DEFAULT}, and
 * adapts from there as usual. (A prior taken from the synthetic buzz that initializes the front
 * end made recognition several times worse.)
 *
 * <p>The prior is the same in every engine, whatever its voices and whether it warmed up: it is
 * the state LiveCMN reaches after the default engine's warm-up (the buzz, then the cmu-slt-hsmm
 * voice's warm-up speech), kept to the last bit, so the default engine decodes as it did when
 * each engine captured its own. Until 2026-12-07 an engine whose first voice was another (or
 * that did not warm up) started from another mean and heard the same audio differently
 * (held-out WER 34 % with the kevin16 voice's prior, 30 % with this one; docs/engine.md). A
 * rounded mean weighed as 300 frames was tried first and moved the first word of an utterance
 * (f1aceff, reverted): LiveCMN's running sum and its last published mean are not in step, and
 * both matter. {@code ModelLoadsTest} checks that the default warm-up still ends in this state.
 *
 * <p>LiveCMN has no API for this; its fields are read and written reflectively. If that is not
 * possible, the decoder works as before (one warning). Confined to its decoder thread.
 */
final class CmnPrior {
  private static final Logger LOG = LoggerFactory.getLogger(CmnPrior.class);

  private final LiveCMN cmn;
  private Field sum;
  private Field currentMean;
  private Field numberFrame;
  private Field initialList;
  private double[] savedSum;
  private double[] savedMean;
  private int savedFrames;

  CmnPrior(LiveCMN cmn) {
    this.cmn = cmn;
    try {
      sum = field("sum");
      currentMean = field("currentMean");
      numberFrame = field("numberFrame");
      initialList = field("initialList");
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("cannot reach LiveCMN's state; sessions share a running cepstral mean", e);
      sum = null;
    }
  }

  private static Field field(String name) throws NoSuchFieldException {
    Field f = LiveCMN.class.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }

  /**
   * LiveCMN's state: the running sum of the cepstra (13 MFCCs), the mean it last published, and
   * the frames the sum counts.
   */
  record State(double[] sum, double[] mean, int frames) {}

  /**
   * The prior: LiveCMN's state after the default engine's warm-up (the buzz, then the warm-up
   * sentences spoken by the cmu-slt-hsmm voice, 16 kHz), as printed by {@link #current()}.
   */
  static final State DEFAULT = new State(
      new double[] {19586.345154005354, 5085.740666340326, -275.3688850334618,
          1971.6448935643527, -2472.3277470442877, -1008.6445500738528, 494.58059199666394,
          -845.4475795351827, -982.1972957303539, 1720.7464022561244, -654.6348483628851,
          -1097.1476775010867, 170.88949324141964},
      new double[] {54.66271498372192, 16.285479800266902, -1.5694323631684344,
          3.316840384279994, -8.071977225342936, -2.64317134279315, 2.1746717333278087,
          -4.208508122246938, -4.633223570329154, 5.52384710846456, -0.8589723013649266,
          -3.4276934592767634, -0.5558393469829974},
      367);

  /** Uses {@link #DEFAULT} as the prior. */
  void useDefault() {
    savedSum = DEFAULT.sum().clone();
    savedMean = DEFAULT.mean().clone();
    savedFrames = DEFAULT.frames();
  }

  /** LiveCMN's state now, or null when it cannot be read; for tests. */
  State current() {
    if (sum == null) {
      return null;
    }
    try {
      double[] s = (double[]) sum.get(cmn);
      double[] m = (double[]) currentMean.get(cmn);
      return s == null || m == null ? null
          : new State(s.clone(), m.clone(), numberFrame.getInt(cmn));
    } catch (IllegalAccessException e) {
      LOG.warn("cannot read LiveCMN's state", e);
      return null;
    }
  }

  /** Puts the prior back (no-op when none was captured). */
  void restore() {
    if (sum == null || savedSum == null) {
      return;
    }
    try {
      sum.set(cmn, savedSum.clone());
      currentMean.set(cmn, savedMean.clone());
      numberFrame.setInt(cmn, savedFrames);
      ((List<?>) initialList.get(cmn)).clear();
    } catch (IllegalAccessException | RuntimeException e) {
      LOG.warn("cannot restore LiveCMN's state", e);
    }
  }

}
