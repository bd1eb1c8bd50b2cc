package io.voicewire.engine.local.internal;

import edu.cmu.sphinx.frontend.feature.LiveCMN;
import java.lang.reflect.Field;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cepstral-mean state of a decoder's {@link LiveCMN}, captured after warm-up and restored at
 * the start of every job.
 *
 * <p>LiveCMN keeps a running mean of the cepstra across streams and never resets it: without this,
 * a session starts with the mean its decoder's <em>previous</em> session left behind. After a
 * μ-law telephone session that mean is far from a wideband microphone's: in a probe, four
 * sentences went from 15.6 % to 26.7 % WER after one μ-law session, and stayed worse for the next
 * session too; with the prior restored both were 15.6 %. Resetting the mean to nothing is no
 * better: LiveCMN then holds back the first 2 s of speech to estimate a new one, which delays
 * every first partial by 2 s. So every job starts from the same prior, the mean of the warm-up
 * speech (or, without speech to warm up with, {@link #DEFAULT_MEAN}: a prior taken from the
 * synthetic buzz that initializes the front end made recognition several times worse), and adapts
 * from there as usual.
 *
 * <p>LiveCMN has no API for this; its fields are read and written reflectively. If that is not
 * possible, the decoder works as before (one warning). Confined to its decoder thread; {@link
 * #adopt} reads another lane's prior once that lane has published it (through a future).
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
   * The cepstral mean (13 MFCCs) LiveCMN reached after the warm-up sentences spoken by the
   * cmu-slt-hsmm voice, 16 kHz: the prior when no speech was at hand for the warm-up.
   */
  static final double[] DEFAULT_MEAN = {54.66, 16.29, -1.57, 3.32, -8.07, -2.64, 2.17, -4.21,
      -4.63, 5.52, -0.86, -3.43, -0.56};
  /** Frames the default prior counts for: it weighs like 3 s of speech. */
  static final int DEFAULT_FRAMES = 300;

  /** Uses {@link #DEFAULT_MEAN} as the prior. */
  void useDefault() {
    savedMean = DEFAULT_MEAN.clone();
    savedSum = new double[DEFAULT_MEAN.length];
    for (int i = 0; i < savedSum.length; i++) {
      savedSum[i] = DEFAULT_MEAN[i] * DEFAULT_FRAMES;
    }
    savedFrames = DEFAULT_FRAMES;
  }

  /** Remembers the current mean as the prior. */
  void capture() {
    if (sum == null) {
      return;
    }
    try {
      double[] s = (double[]) sum.get(cmn);
      double[] m = (double[]) currentMean.get(cmn);
      if (s != null && m != null && m.length == DEFAULT_MEAN.length) {
        savedSum = s.clone();
        savedMean = m.clone();
        savedFrames = numberFrame.getInt(cmn);
      }
    } catch (IllegalAccessException e) {
      LOG.warn("cannot read LiveCMN's state", e);
    }
  }

  /** Takes {@code other}'s prior as this one's (another lane's, over the same models). */
  void adopt(CmnPrior other) {
    if (other.savedSum == null) {
      useDefault();
      return;
    }
    savedSum = other.savedSum.clone();
    savedMean = other.savedMean.clone();
    savedFrames = other.savedFrames;
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

  /** True once a prior is held, for tests. */
  boolean captured() {
    return savedSum != null;
  }
}
