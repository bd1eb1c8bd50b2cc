package io.voicewire.audio.buffer;

import io.voicewire.audio.AudioFormat;
import java.util.Objects;

/**
 * Settings of a {@link JitterBuffer}. All durations are whole milliseconds.
 *
 * @param format the audio format (PCM, μ-law or A-law); silence is written in this encoding
 * @param minDelayMillis smallest target delay, the pre-roll of a steady stream (≥ 0)
 * @param maxDelayMillis largest target delay; also the step in arrival lateness above which a
 *     gap counts as a pause of the stream rather than jitter (≥ minDelayMillis)
 * @param safetyMillis added to the measured jitter to make the target (≥ 0)
 * @param maxBufferedMillis the bound on buffered audio (capacity), maxDelayMillis–60,000
 * @param overflowPolicy what happens to audio beyond the bound
 */
public record JitterBufferConfig(
    AudioFormat format, int minDelayMillis, int maxDelayMillis, int safetyMillis,
    int maxBufferedMillis, OverflowPolicy overflowPolicy) {

  /** Default smallest target delay. */
  public static final int DEFAULT_MIN_DELAY_MILLIS = 60;
  /** Default largest target delay. */
  public static final int DEFAULT_MAX_DELAY_MILLIS = 400;
  /** Default safety margin over the measured jitter. */
  public static final int DEFAULT_SAFETY_MILLIS = 20;
  /** Largest allowed {@code maxBufferedMillis}. */
  public static final int LIMIT_MAX_BUFFERED_MILLIS = 60_000;

  public JitterBufferConfig {
    Objects.requireNonNull(format, "format == null");
    Objects.requireNonNull(overflowPolicy, "overflowPolicy == null");
    if (!format.isDecodable()) {
      throw new IllegalArgumentException("cannot buffer " + format.wireName() + ": opaque format");
    }
    if (minDelayMillis < 0) {
      throw new IllegalArgumentException("minDelayMillis < 0: " + minDelayMillis);
    }
    if (maxDelayMillis < minDelayMillis) {
      throw new IllegalArgumentException("maxDelayMillis " + maxDelayMillis
          + " < minDelayMillis " + minDelayMillis);
    }
    if (safetyMillis < 0) {
      throw new IllegalArgumentException("safetyMillis < 0: " + safetyMillis);
    }
    if (maxBufferedMillis < maxDelayMillis || maxBufferedMillis > LIMIT_MAX_BUFFERED_MILLIS) {
      throw new IllegalArgumentException("maxBufferedMillis must be in range [" + maxDelayMillis
          + "," + LIMIT_MAX_BUFFERED_MILLIS + "]: " + maxBufferedMillis);
    }
  }

  /** The defaults for {@code format} with the given overflow policy. */
  public static JitterBufferConfig of(AudioFormat format, OverflowPolicy policy) {
    return new JitterBufferConfig(format, DEFAULT_MIN_DELAY_MILLIS, DEFAULT_MAX_DELAY_MILLIS,
        DEFAULT_SAFETY_MILLIS, SpscJitterBuffer.MAX_BUFFERED_MILLIS, policy);
  }

  /** A copy with other delay bounds. */
  public JitterBufferConfig withDelays(int minDelayMillis, int maxDelayMillis, int safetyMillis) {
    return new JitterBufferConfig(format, minDelayMillis, maxDelayMillis, safetyMillis,
        maxBufferedMillis, overflowPolicy);
  }

  /** A copy with another bound on buffered audio. */
  public JitterBufferConfig withMaxBufferedMillis(int maxBufferedMillis) {
    return new JitterBufferConfig(format, minDelayMillis, maxDelayMillis, safetyMillis,
        maxBufferedMillis, overflowPolicy);
  }
}
