package io.voicewire.audio.internal;

import io.voicewire.audio.Resampler;
import java.util.Arrays;
import java.util.Objects;

/** The resampler of equal rates: copies. Stateless, so thread safe. */
final class IdentityResampler implements Resampler {
  private final int rate;

  IdentityResampler(int rate) {
    this.rate = rate;
  }

  @Override
  public float[] process(float[] in, int off, int len) {
    Objects.requireNonNull(in, "in == null");
    Objects.checkFromIndexSize(off, len, in.length);
    return Arrays.copyOfRange(in, off, off + len);
  }

  @Override
  public int process(float[] in, int off, int len, float[] out, int outOff) {
    Objects.requireNonNull(in, "in == null");
    Objects.checkFromIndexSize(off, len, in.length);
    System.arraycopy(in, off, out, outOff, len);
    return len;
  }

  @Override
  public int maxOutput(int inLen) {
    return inLen;
  }

  @Override
  public float[] flush() {
    return new float[0];
  }

  @Override
  public void reset() {}

  @Override
  public int fromRate() {
    return rate;
  }

  @Override
  public int toRate() {
    return rate;
  }

  @Override
  public int latencySamples() {
    return 0;
  }
}
