package io.voicewire.engine.local.internal;

import edu.cmu.sphinx.frontend.BaseDataProcessor;
import edu.cmu.sphinx.frontend.Data;
import edu.cmu.sphinx.frontend.DataProcessingException;
import edu.cmu.sphinx.frontend.DoubleData;

/**
 * A front-end stage that moves a pass's audio to its own range of sample numbers.
 *
 * <p>The tied-mixture acoustic model caches the Gaussian scores of the last frames by the frame's
 * first sample number. The lanes of a {@link ModelSet} share that model, and every pass starts at
 * sample 0, so without this a lane could be served the scores of another lane's frame with the
 * same number. Each pass gets {@link #STEP_SAMPLES} of sample numbers of its own; times (ms) move
 * with them, and {@link #offsetMs()} is subtracted from word times.
 *
 * <p>Confined to the thread of the lane that owns it.
 */
public final class SampleOffset extends BaseDataProcessor {
  /** Sample numbers reserved for one pass: one day of 16 kHz audio. */
  static final long STEP_SAMPLES = 16_000L * 86_400;

  private long offsetSamples;

  /** For Sphinx's configuration manager. */
  public SampleOffset() {}

  /** Sets the offset of the next pass: its sequence number times {@link #STEP_SAMPLES}. */
  void startPass(long sequence) {
    offsetSamples = sequence * STEP_SAMPLES;
  }

  /** The current offset in milliseconds of 16 kHz audio. */
  long offsetMs() {
    return offsetSamples / (DecoderPool.SAMPLE_RATE / 1000);
  }

  @Override
  public Data getData() throws DataProcessingException {
    Data d = getPredecessor().getData();
    if (d instanceof DoubleData dd && offsetSamples != 0) {
      return new DoubleData(dd.getValues(), dd.getSampleRate(),
          dd.getFirstSampleNumber() + offsetSamples);
    }
    return d;
  }
}
