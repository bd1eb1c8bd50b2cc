package io.voicewire.audio.buffer;

import io.voicewire.audio.AudioFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A deliberately plain, single-threaded transcription of {@code test-vectors/jitter/README.md}
 * (steps 2–5), written from the document and not from {@link SpscJitterBuffer}: a growable FIFO
 * of bytes, a list for the window. The vector test checks that it and the real buffer agree on
 * every vector. Not for production: it allocates and is not thread safe.
 */
final class ReferenceJitterModel implements JitterBuffer {
  static final int WINDOW_ARRIVALS = 128;
  static final int WINDOW_MS = 3000;

  private final JitterBufferConfig config;
  private final LongSupplier clock;
  private final int sampleRate;
  private final int bytesPerSample;
  private final long capacity;
  private final byte silence;

  private byte[] fifo = new byte[0]; // buffered samples, oldest first
  private State state = State.BUFFERING;
  private boolean started;
  private boolean ended;
  private long media;
  private final List<long[]> window = new ArrayList<>(); // {arrival, transit}
  private int jitter;
  private int target;
  private long underruns;
  private long overruns;
  private long dropped;
  private long underrunSamples;
  private long played;

  ReferenceJitterModel(JitterBufferConfig config, LongSupplier clock) {
    this.config = config;
    this.clock = clock;
    AudioFormat f = config.format();
    this.sampleRate = f.sampleRate();
    this.bytesPerSample = f.frameSize();
    this.capacity = (long) config.maxBufferedMillis() * sampleRate / 1000;
    this.silence = switch (f.encoding()) {
      case ULAW -> (byte) 0xFF;
      case ALAW -> (byte) 0xD5;
      default -> 0;
    };
    this.target = clamp(0 + config.safetyMillis());
  }

  private int clamp(long x) {
    return (int) Math.max(config.minDelayMillis(), Math.min(config.maxDelayMillis(), x));
  }

  private long ms(long samples) {
    return samples * 1000 / sampleRate;
  }

  private long buffered() {
    return fifo.length / bytesPerSample;
  }

  @Override
  public boolean offer(byte[] chunk) {
    return offer(chunk, 0, chunk.length, clock.getAsLong());
  }

  @Override
  public boolean offer(byte[] chunk, int off, int len, long arrival) {
    if (len % bytesPerSample != 0) {
      throw new IllegalArgumentException("chunk of " + len + " bytes is not a whole number of "
          + bytesPerSample + "-byte samples");
    }
    long n = len / bytesPerSample;
    if (n > capacity) {
      throw new IllegalArgumentException("chunk of " + len + " bytes exceeds the capacity of "
          + capacity * bytesPerSample + " bytes (maxBufferedMillis=" + config.maxBufferedMillis() + ")");
    }
    // 1.
    if (ended) {
      return false;
    }
    // 2.
    if (n == 0) {
      return true;
    }
    // 3.
    if (buffered() + n > capacity) {
      overruns += 1;
      if (config.overflowPolicy() == OverflowPolicy.BACKPRESSURE) {
        return false;
      }
      long d = buffered() + n - capacity;
      fifo = Arrays.copyOfRange(fifo, (int) (d * bytesPerSample), fifo.length);
      dropped += d;
    }
    // 4.
    byte[] grown = Arrays.copyOf(fifo, fifo.length + len);
    System.arraycopy(chunk, off, grown, fifo.length, len);
    fifo = grown;
    // 5.1
    long transit = arrival - (media * 1000 / sampleRate);
    media += n;
    // 5.2
    if (!window.isEmpty() && transit - window.get(window.size() - 1)[1] > config.maxDelayMillis()) {
      window.clear();
    }
    // 5.3
    if (window.size() == WINDOW_ARRIVALS) {
      window.remove(0);
    }
    window.add(new long[] {arrival, transit});
    while (window.get(0)[0] < arrival - WINDOW_MS) {
      window.remove(0);
    }
    // 5.4
    long min = Long.MAX_VALUE;
    long rise = 0;
    for (long[] e : window) {
      min = Math.min(min, e[1]);
      rise = Math.max(rise, e[1] - min);
    }
    jitter = (int) rise;
    // 5.5
    target = clamp(jitter + config.safetyMillis());
    // 6.
    return true;
  }

  @Override
  public boolean end() {
    if (ended) {
      return false;
    }
    ended = true;
    return true;
  }

  @Override
  public int read(byte[] dst, int off, int len) {
    if (len % bytesPerSample != 0) {
      throw new IllegalArgumentException("read of " + len + " bytes is not a whole number of "
          + bytesPerSample + "-byte samples");
    }
    long n = len / bytesPerSample;
    Arrays.fill(dst, off, off + len, silence);
    // 1.
    if (state == State.ENDED) {
      return 0;
    }
    // 2.
    if (state == State.BUFFERING) {
      if (ms(buffered()) >= target || (ended && buffered() > 0)) {
        state = State.PLAYING;
        started = true;
      } else {
        if (ended) {
          state = State.ENDED;
        } else if (started) {
          underrunSamples += n;
        }
        return 0;
      }
    }
    // 3.
    long k = Math.min(n, buffered());
    int bytes = (int) (k * bytesPerSample);
    System.arraycopy(fifo, 0, dst, off, bytes);
    fifo = Arrays.copyOfRange(fifo, bytes, fifo.length);
    played += k;
    if (k < n) {
      if (ended) {
        state = State.ENDED;
      } else {
        underruns += 1;
        underrunSamples += n - k;
        state = State.BUFFERING;
      }
    } else if (ended && buffered() == 0) {
      state = State.ENDED;
    }
    return bytes;
  }

  @Override
  public State state() {
    return state;
  }

  @Override
  public JitterStats stats() {
    return new JitterStats(state, underruns, overruns, ms(dropped), ms(underrunSamples),
        ms(played), (int) ms(buffered()), target, jitter);
  }

  @Override
  public int bufferedMillis() {
    return (int) ms(buffered());
  }

  @Override
  public int targetMillis() {
    return target;
  }

  @Override
  public JitterBufferConfig config() {
    return config;
  }
}
