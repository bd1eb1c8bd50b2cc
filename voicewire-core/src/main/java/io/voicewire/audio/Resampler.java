package io.voicewire.audio;

import io.voicewire.audio.internal.PolyphaseResampler;

/**
 * A streaming sample-rate converter for mono float audio.
 *
 * <p>Conversion is band-limited interpolation with a Kaiser-windowed sinc filter (about 80 dB
 * stop-band attenuation, pass band to about 0.4 × the lower rate, stop band starting at the lower
 * Nyquist frequency), evaluated in polyphase form: for a rate ratio reduced to {@code L/M} there
 * is one precomputed set of taps per output phase. Tables are computed once per rate pair and
 * shared by every resampler of that pair. For ratios whose reduced {@code L} exceeds
 * {@value io.voicewire.audio.internal.PolyphaseResampler#MAX_EXACT_PHASES}, taps are linearly
 * interpolated between {@value io.voicewire.audio.internal.PolyphaseResampler#INTERPOLATED_PHASES}
 * phases.
 *
 * <p>Timing is exact and zero-delay: output sample {@code n} is the input signal at time
 * {@code n / toRate} seconds, and after {@link #flush()} a stream of {@code N} input samples has
 * produced exactly {@code ceil(N * toRate / fromRate)} output samples. To see far enough ahead, the
 * resampler holds back the last few milliseconds of input (half the filter length) until more
 * input or {@code flush()} arrives. Splitting the input into chunks of any sizes gives output
 * identical, sample for sample, to converting it in one call. When the rates are equal the
 * resampler copies its input.
 *
 * <p>Instances are not thread safe; use one per stream.
 *
 * <pre>{@code
 * Resampler r = Resampler.create(48_000, 16_000);
 * float[] out = r.process(chunk, 0, chunk.length);   // repeat per chunk
 * float[] tail = r.flush();                          // at the end of the stream
 * }</pre>
 */
public interface Resampler {

  /**
   * A resampler from {@code fromRate} to {@code toRate} samples per second.
   *
   * @throws IllegalArgumentException when a rate is not in 1–1,000,000
   */
  static Resampler create(int fromRate, int toRate) {
    return PolyphaseResampler.create(fromRate, toRate);
  }

  /** Converts the next piece of the stream; returns the output that is ready (maybe empty). */
  float[] process(float[] in, int off, int len);

  /**
   * Allocation-free variant of {@link #process(float[], int, int)}: writes the ready output into
   * {@code out} from {@code outOff}, which must have room for {@link #maxOutput(int) maxOutput(len)}
   * samples.
   *
   * @return the number of samples written
   */
  int process(float[] in, int off, int len, float[] out, int outOff);

  /** The most samples one {@code process} call with {@code inLen} input samples can return. */
  int maxOutput(int inLen);

  /**
   * Ends the stream: returns the remaining output (the held-back input, padded with silence),
   * then resets this resampler to its initial state, ready for a new stream.
   */
  float[] flush();

  /** Discards all state, as if newly created. */
  void reset();

  /** Input samples per second. */
  int fromRate();

  /** Output samples per second. */
  int toRate();

  /** Input samples held back for look-ahead, i.e. the algorithmic latency in input samples. */
  int latencySamples();
}
