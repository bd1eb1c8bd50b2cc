package io.voicewire.audio.buffer;

import io.voicewire.audio.AudioFormat;
import io.voicewire.audio.G711;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The playout jitter buffer for one producer thread (the network) and one consumer thread (the
 * audio output). The algorithm is specified in {@code test-vectors/jitter/README.md}; this class
 * implements it over a preallocated ring.
 *
 * <h2>Threading</h2>
 * <p>Single producer, single consumer: {@link #offer} and {@link #end} must be called by one
 * thread at a time (the producer), {@link #read} by one thread at a time (the consumer); the
 * gauges and {@link #stats()} may be read from any thread. Offers and reads are wait-free and do
 * not allocate: the ring and the jitter window are allocated at construction.
 *
 * <p>Positions are sample counts that only grow. Under {@link OverflowPolicy#DROP_OLDEST} the
 * producer may overwrite audio the consumer has not read yet: it first publishes the new drop
 * position, then writes; the consumer copies, then re-reads the drop position and discards
 * (and re-reads from the new position) anything the producer may have overwritten meanwhile, so
 * a torn copy is never played.
 *
 * <h2>Usage</h2>
 * <pre>{@code
 * SpscJitterBuffer buf = new SpscJitterBuffer(
 *     JitterBufferConfig.of(AudioFormat.PCM_16000, OverflowPolicy.BACKPRESSURE), System::currentTimeMillis);
 * // network thread
 * if (!buf.offer(chunk)) { pauseReading(); retryLater(chunk); }
 * // audio thread, every 20 ms
 * buf.read(out, 0, 640);
 * }</pre>
 */
public final class SpscJitterBuffer implements JitterBuffer {
  /** Default bound on buffered audio (the ring's capacity), in milliseconds. */
  public static final int MAX_BUFFERED_MILLIS = 3000;
  /** Most arrivals the jitter window holds. */
  public static final int JITTER_WINDOW_ARRIVALS = 128;
  /** Oldest arrival the jitter window holds, relative to the newest, in milliseconds. */
  public static final int JITTER_WINDOW_MILLIS = 3000;

  private static final VarHandle HEAD;
  private static final VarHandle TAIL;
  private static final VarHandle DROP_TO;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      HEAD = l.findVarHandle(SpscJitterBuffer.class, "head", long.class);
      TAIL = l.findVarHandle(SpscJitterBuffer.class, "tail", long.class);
      DROP_TO = l.findVarHandle(SpscJitterBuffer.class, "dropTo", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final JitterBufferConfig config;
  private final LongSupplier clockMillis;
  private final int rate;
  private final int bps;
  private final byte silence;
  private final long capacitySamples;
  private final byte[] ring;

  // positions in samples; head: written by the consumer, tail and dropTo: by the producer
  @SuppressWarnings("unused")
  private long head;
  @SuppressWarnings("unused")
  private long tail;
  @SuppressWarnings("unused")
  private long dropTo;

  // producer-owned
  private volatile long mediaSamples;
  private final long[] winArrival = new long[JITTER_WINDOW_ARRIVALS];
  private final long[] winTransit = new long[JITTER_WINDOW_ARRIVALS];
  private int winStart;
  private int winSize;
  private volatile boolean ended;
  private volatile int jitterMillis;
  private volatile int targetMillis;
  private volatile long overruns;

  // consumer-owned
  private volatile State state = State.BUFFERING;
  private boolean started;
  private volatile long underruns;
  private volatile long underrunSamples;
  private volatile long playedSamples;

  /**
   * @param config the settings
   * @param clockMillis the clock for {@link #offer(byte[])}, in milliseconds
   */
  public SpscJitterBuffer(JitterBufferConfig config, LongSupplier clockMillis) {
    this.config = Objects.requireNonNull(config, "config == null");
    this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis == null");
    AudioFormat f = config.format();
    this.rate = f.sampleRate();
    this.bps = f.frameSize();
    this.silence = switch (f.encoding()) {
      case ULAW -> G711.ULAW_SILENCE;
      case ALAW -> G711.ALAW_SILENCE;
      default -> 0;
    };
    this.capacitySamples = (long) config.maxBufferedMillis() * rate / 1000;
    this.ring = new byte[Math.toIntExact(capacitySamples * bps)];
    this.targetMillis = clampTarget(0);
  }

  // ---------------------------------------------------------------- producer

  @Override
  public boolean offer(byte[] chunk) {
    Objects.requireNonNull(chunk, "chunk == null");
    return offer(chunk, 0, chunk.length, clockMillis.getAsLong());
  }

  @Override
  public boolean offer(byte[] chunk, int off, int len, long arrivalMillis) {
    long n = wholeSamples(chunk, off, len, "chunk == null", "chunk");
    if (n > capacitySamples) {
      throw new IllegalArgumentException("chunk of " + len + " bytes exceeds the capacity of "
          + capacitySamples * bps + " bytes (maxBufferedMillis=" + config.maxBufferedMillis() + ")");
    }
    if (ended) {
      return false;
    }
    if (n == 0) {
      return true;
    }
    long t = (long) TAIL.getOpaque(this);
    long d = (long) DROP_TO.getOpaque(this);
    long start = Math.max((long) HEAD.getAcquire(this), d);
    long buffered = t - start;
    if (buffered + n > capacitySamples) {
      overruns = overruns + 1;
      if (config.overflowPolicy() == OverflowPolicy.BACKPRESSURE) {
        return false;
      }
      long drop = buffered + n - capacitySamples;
      DROP_TO.setRelease(this, start + drop);
      VarHandle.storeStoreFence(); // the new drop position is visible before any overwrite
    }
    int pos = (int) (t % capacitySamples) * bps;
    int first = Math.min(len, ring.length - pos);
    System.arraycopy(chunk, off, ring, pos, first);
    System.arraycopy(chunk, off + first, ring, 0, len - first);
    long mediaBefore = mediaSamples;
    mediaSamples = mediaBefore + n;
    TAIL.setRelease(this, t + n);
    measure(arrivalMillis, mediaBefore);
    return true;
  }

  /** Jitter: the largest rise in relative transit over the window (see README step 5). */
  private void measure(long arrivalMillis, long mediaBefore) {
    long transit = arrivalMillis - mediaBefore * 1000 / rate;
    if (winSize > 0) {
      long last = winTransit[(winStart + winSize - 1) % JITTER_WINDOW_ARRIVALS];
      if (transit - last > config.maxDelayMillis()) {
        winSize = 0; // a pause of the stream, not jitter: start measuring afresh
      }
    }
    if (winSize == JITTER_WINDOW_ARRIVALS) {
      winStart = (winStart + 1) % JITTER_WINDOW_ARRIVALS;
      winSize--;
    }
    int slot = (winStart + winSize) % JITTER_WINDOW_ARRIVALS;
    winArrival[slot] = arrivalMillis;
    winTransit[slot] = transit;
    winSize++;
    while (winArrival[winStart] < arrivalMillis - JITTER_WINDOW_MILLIS) {
      winStart = (winStart + 1) % JITTER_WINDOW_ARRIVALS;
      winSize--;
    }
    long min = Long.MAX_VALUE;
    long jitter = 0;
    for (int i = 0; i < winSize; i++) {
      long r = winTransit[(winStart + i) % JITTER_WINDOW_ARRIVALS];
      min = Math.min(min, r);
      jitter = Math.max(jitter, r - min);
    }
    int j = (int) Math.min(jitter, Integer.MAX_VALUE / 2);
    jitterMillis = j;
    targetMillis = clampTarget(j);
  }

  private int clampTarget(int jitter) {
    return Math.max(config.minDelayMillis(), Math.min(config.maxDelayMillis(),
        jitter + config.safetyMillis()));
  }

  @Override
  public boolean end() {
    if (ended) {
      return false;
    }
    ended = true;
    return true;
  }

  // ---------------------------------------------------------------- consumer

  @Override
  public int read(byte[] dst, int off, int len) {
    long n = wholeSamples(dst, off, len, "dst == null", "read");
    boolean end = ended; // read before tail: audio offered before end() is then visible
    // the drop position before the tail: a drop position is published after the tail it is
    // computed from, so a tail read later is never behind it (read the other way round, an
    // overwrite between the two reads put the start past a stale tail: a negative copy, which
    // jcstress found in JitterBufferStress.DropOldest)
    long h = Math.max((long) HEAD.getOpaque(this), (long) DROP_TO.getAcquire(this));
    long t = (long) TAIL.getAcquire(this);
    State s = state;
    if (s == State.ENDED) {
      HEAD.setRelease(this, h);
      Arrays.fill(dst, off, off + len, silence);
      return 0;
    }
    if (s == State.BUFFERING) {
      long buffered = t - h;
      if (buffered * 1000 / rate >= targetMillis || (end && buffered > 0)) {
        s = State.PLAYING;
        started = true;
      } else {
        if (end) {
          state = State.ENDED;
        } else if (started) {
          underrunSamples = underrunSamples + n;
        }
        HEAD.setRelease(this, h);
        Arrays.fill(dst, off, off + len, silence);
        return 0;
      }
    }
    // PLAYING: copy, then make sure the producer did not overwrite what we copied
    long k;
    while (true) {
      k = Math.min(n, t - h);
      copyOut(h, k, dst, off);
      VarHandle.loadLoadFence();
      long d = (long) DROP_TO.getAcquire(this);
      if (d <= h) {
        break;
      }
      h = d;
      t = (long) TAIL.getAcquire(this);
    }
    h += k;
    HEAD.setRelease(this, h);
    playedSamples = playedSamples + k;
    int audioBytes = (int) (k * bps);
    if (k < n) {
      Arrays.fill(dst, off + audioBytes, off + len, silence);
      if (end) {
        s = State.ENDED;
      } else {
        underruns = underruns + 1;
        underrunSamples = underrunSamples + (n - k);
        s = State.BUFFERING;
      }
    } else if (end && h == t) {
      s = State.ENDED;
    }
    state = s;
    return audioBytes;
  }

  private void copyOut(long from, long samples, byte[] dst, int off) {
    int len = (int) (samples * bps);
    int pos = (int) (from % capacitySamples) * bps;
    int first = Math.min(len, ring.length - pos);
    System.arraycopy(ring, pos, dst, off, first);
    System.arraycopy(ring, 0, dst, off + first, len - first);
  }

  // ---------------------------------------------------------------- gauges

  @Override
  public State state() {
    return state;
  }

  @Override
  public int bufferedMillis() {
    long t = (long) TAIL.getAcquire(this);
    long h = Math.max((long) HEAD.getAcquire(this), (long) DROP_TO.getAcquire(this));
    return (int) (Math.max(0, t - h) * 1000 / rate);
  }

  @Override
  public int targetMillis() {
    return targetMillis;
  }

  /** The current jitter estimate in milliseconds. */
  public int jitterMillis() {
    return jitterMillis;
  }

  /** Underruns so far. */
  public long underruns() {
    return underruns;
  }

  /** Overruns so far. */
  public long overruns() {
    return overruns;
  }

  /**
   * Audio dropped by the overflow policy, in milliseconds: accepted minus played minus buffered,
   * so it counts exactly what was never played, even when the consumer raced the producer.
   */
  public long droppedMillis() {
    return droppedSamples() * 1000 / rate;
  }

  private long droppedSamples() {
    long played = playedSamples;
    long t = (long) TAIL.getAcquire(this);
    long h = Math.max((long) HEAD.getAcquire(this), (long) DROP_TO.getAcquire(this));
    return Math.max(0, mediaSamples - played - Math.max(0, t - h));
  }

  @Override
  public JitterStats stats() {
    return new JitterStats(state, underruns, overruns, droppedMillis(),
        underrunSamples * 1000 / rate, playedSamples * 1000 / rate, bufferedMillis(),
        targetMillis, jitterMillis);
  }

  @Override
  public JitterBufferConfig config() {
    return config;
  }

  @Override
  public String toString() {
    return "SpscJitterBuffer" + stats();
  }

  /**
   * The samples in {@code a[off, off + len)}, a caller's range; throws when it is out of bounds or
   * not a whole number of samples. Allocation-free unless it throws (the messages are constants
   * until then).
   */
  private long wholeSamples(byte[] a, int off, int len, String nullMessage, String what) {
    Objects.requireNonNull(a, nullMessage);
    Objects.checkFromIndexSize(off, len, a.length);
    if (len % bps != 0) {
      throw new IllegalArgumentException(what + " of " + len + " bytes is not a whole number of "
          + bps + "-byte samples");
    }
    return len / bps;
  }
}
