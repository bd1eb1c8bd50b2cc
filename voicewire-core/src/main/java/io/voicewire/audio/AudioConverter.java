package io.voicewire.audio;

import java.util.Arrays;
import java.util.Objects;

/**
 * Converts a stream of audio between two decodable formats (any {@code pcm_*} rate,
 * {@code ulaw_8000}, {@code alaw_8000}): decode to linear samples, resample with a
 * {@link Resampler} when the rates differ, encode.
 *
 * <p>The stream may be cut anywhere: a PCM chunk with an odd number of bytes leaves its last byte
 * pending until the next chunk completes the sample. Because the resampler looks ahead, the last
 * few milliseconds of a rate-changing stream come out of {@link #flush()}, which also drops a
 * still-pending half sample and resets the converter for a new stream. Same-rate conversions
 * (e.g. {@code ulaw_8000 → pcm_8000}) are sample-by-sample with no delay; identical formats are
 * copied.
 *
 * <p>This class is not thread safe; use one per stream.
 *
 * <pre>{@code
 * AudioConverter c = AudioConverter.create(AudioFormat.PCM_48000, AudioFormat.ULAW_8000);
 * byte[] ulaw = c.convert(pcmChunk);   // per chunk; may be empty
 * byte[] tail = c.flush();             // end of stream
 * }</pre>
 */
public final class AudioConverter {
  private final AudioFormat from;
  private final AudioFormat to;
  private final Resampler resampler; // null when the rates are equal
  private int pendingByte = -1;
  // scratch buffers, grown on demand and reused
  private short[] shorts = new short[0];
  private float[] floats = new float[0];
  private float[] resampled = new float[0];

  private AudioConverter(AudioFormat from, AudioFormat to) {
    this.from = from;
    this.to = to;
    this.resampler = from.sampleRate() == to.sampleRate()
        ? null : Resampler.create(from.sampleRate(), to.sampleRate());
  }

  /**
   * A converter from {@code from} to {@code to}.
   *
   * @throws IllegalArgumentException when either format is opaque (MP3, Opus)
   */
  public static AudioConverter create(AudioFormat from, AudioFormat to) {
    Objects.requireNonNull(from, "from == null");
    Objects.requireNonNull(to, "to == null");
    for (AudioFormat f : new AudioFormat[] {from, to}) {
      if (!f.isDecodable()) {
        throw new IllegalArgumentException("cannot convert " + f.wireName()
            + ": only pcm_*, ulaw_* and alaw_* are decodable");
      }
    }
    return new AudioConverter(from, to);
  }

  /** The input format. */
  public AudioFormat from() {
    return from;
  }

  /** The output format. */
  public AudioFormat to() {
    return to;
  }

  /** Converts the next chunk; returns what is ready (possibly empty, never null). */
  public byte[] convert(byte[] chunk) {
    Objects.requireNonNull(chunk, "chunk == null");
    int n = decode(chunk);
    if (resampler == null) {
      return encodeShorts(n);
    }
    floats = grow(floats, n);
    for (int i = 0; i < n; i++) {
      floats[i] = shorts[i] / Pcm16.SCALE;
    }
    resampled = grow(resampled, resampler.maxOutput(n));
    int m = resampler.process(floats, 0, n, resampled, 0);
    return encodeFloats(resampled, m);
  }

  /** Ends the stream: returns the resampler's tail and resets the converter. */
  public byte[] flush() {
    pendingByte = -1;
    if (resampler == null) {
      return new byte[0];
    }
    float[] tail = resampler.flush();
    return encodeFloats(tail, tail.length);
  }

  /** Decodes {@code chunk} (plus a pending byte) into {@link #shorts}; returns the count. */
  private int decode(byte[] chunk) {
    if (chunk.length == 0) {
      return 0;
    }
    if (!from.isPcm()) {
      shorts = grow(shorts, chunk.length);
      G711.decode(chunk, 0, chunk.length, shorts, 0, from.encoding() == AudioFormat.Encoding.ALAW);
      return chunk.length;
    }
    int total = chunk.length + (pendingByte >= 0 ? 1 : 0);
    int n = total >> 1;
    shorts = grow(shorts, n);
    int src = 0;
    int i = 0;
    if (pendingByte >= 0 && n > 0) {
      shorts[i++] = (short) (pendingByte | (chunk[0] << 8));
      src = 1;
      pendingByte = -1;
    }
    for (; i < n; i++, src += 2) {
      shorts[i] = (short) ((chunk[src] & 0xFF) | (chunk[src + 1] << 8));
    }
    if ((total & 1) != 0) {
      pendingByte = chunk[chunk.length - 1] & 0xFF;
    }
    return n;
  }

  private byte[] encodeShorts(int n) {
    if (to.isPcm()) {
      byte[] out = new byte[n * 2];
      for (int i = 0, j = 0; i < n; i++, j += 2) {
        out[j] = (byte) shorts[i];
        out[j + 1] = (byte) (shorts[i] >> 8);
      }
      return out;
    }
    byte[] out = new byte[n];
    G711.encode(shorts, 0, n, out, 0, to.encoding() == AudioFormat.Encoding.ALAW);
    return out;
  }

  private byte[] encodeFloats(float[] x, int n) {
    if (to.isPcm()) {
      byte[] out = new byte[n * 2];
      Pcm16.fromFloat(x, 0, n, out, 0);
      return out;
    }
    shorts = grow(shorts, n);
    for (int i = 0; i < n; i++) {
      shorts[i] = Pcm16.toShort(x[i]);
    }
    byte[] out = new byte[n];
    G711.encode(shorts, 0, n, out, 0, to.encoding() == AudioFormat.Encoding.ALAW);
    return out;
  }

  private static short[] grow(short[] a, int n) {
    return a.length >= n ? a : Arrays.copyOf(a, Math.max(n, a.length * 2));
  }

  private static float[] grow(float[] a, int n) {
    return a.length >= n ? a : Arrays.copyOf(a, Math.max(n, a.length * 2));
  }

  @Override
  public String toString() {
    return "AudioConverter[" + from + " -> " + to + "]";
  }
}
