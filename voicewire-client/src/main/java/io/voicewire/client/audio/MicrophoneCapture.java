package io.voicewire.client.audio;

import io.voicewire.audio.AudioFormat;
import io.voicewire.client.internal.Logs;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.TargetDataLine;
import org.slf4j.Logger;

/**
 * Captures audio as PCM16 (or μ-law) chunks of {@code chunkMillis} and hands each to a consumer,
 * typically {@code sttStream::sendAudio}, on its own thread {@code "VoiceClient capture"}.
 *
 * <pre>{@code
 * SttStream stt = client.newSttStream(SttRequest.builder().build(), listener);
 * try (MicrophoneCapture mic = MicrophoneCapture.start(MicrophoneCapture.microphone(
 *     AudioFormat.PCM_16000), AudioFormat.PCM_16000, 100, stt::sendAudio)) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Sources: the default microphone through {@code javax.sound} ({@link #microphone}), or any
 * {@link InputStream} of raw audio in the format, paced at real time like a microphone, for
 * headless use and tests ({@link #paced}). Overflow policy (live uplink audio): a chunk the
 * consumer does not take (returns false, e.g. a full network queue) is dropped and counted in
 * {@link #droppedChunks()}; capture goes on with fresh audio rather than building up lag.
 */
public final class MicrophoneCapture implements AutoCloseable {
  private static final Logger log = Logs.get(MicrophoneCapture.class);

  /** Receives chunks; returns whether it took the chunk. */
  @FunctionalInterface
  public interface ChunkConsumer {
    /** Takes {@code chunk} (the consumer may keep it); false when it could not. */
    boolean accept(byte[] chunk);
  }

  private final InputStream source;
  private final int chunkBytes;
  private final ChunkConsumer consumer;
  private final Thread thread;
  private final CountDownLatch done = new CountDownLatch(1);
  private final AtomicLong chunks = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean stopped;
  private volatile IOException error;

  private MicrophoneCapture(InputStream source, int chunkBytes, ChunkConsumer consumer) {
    this.source = source;
    this.chunkBytes = chunkBytes;
    this.consumer = consumer;
    this.thread = Thread.ofPlatform().name("VoiceClient capture").daemon(true)
        .unstarted(this::run);
  }

  /**
   * Starts capturing from {@code source} (raw audio in {@code format}) in chunks of
   * {@code chunkMillis}, handing each to {@code consumer}.
   */
  public static MicrophoneCapture start(InputStream source, AudioFormat format, int chunkMillis,
      ChunkConsumer consumer) {
    Objects.requireNonNull(source, "source == null");
    Objects.requireNonNull(format, "format == null");
    Objects.requireNonNull(consumer, "consumer == null");
    if (chunkMillis <= 0) {
      throw new IllegalArgumentException("chunkMillis <= 0: " + chunkMillis);
    }
    int bytes = Math.max(format.frameSize(), format.bytesForMillis(chunkMillis));
    MicrophoneCapture c = new MicrophoneCapture(source, bytes, consumer);
    c.thread.start();
    return c;
  }

  /** The default microphone as a stream of raw audio in {@code format} (PCM16 or μ-law, mono). */
  public static InputStream microphone(AudioFormat format) throws IOException {
    javax.sound.sampled.AudioFormat f = LineSink.toJavaSound(format);
    try {
      TargetDataLine line = AudioSystem.getTargetDataLine(f);
      line.open(f);
      line.start();
      return new AudioInputStream(line);
    } catch (LineUnavailableException | IllegalArgumentException e) {
      throw new IOException("no microphone for " + format + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code in} delivered at real time for {@code format}, like a microphone: each read returns
   * only once the audio it holds "has been spoken".
   */
  public static InputStream paced(InputStream in, AudioFormat format) {
    Objects.requireNonNull(in, "in == null");
    return new InputStream() {
      private final long start = System.nanoTime();
      private long delivered;

      @Override
      public int read() throws IOException {
        byte[] b = new byte[1];
        int n = read(b, 0, 1);
        return n < 0 ? -1 : b[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n <= 0) {
          return n;
        }
        delivered += n;
        long due = start + (long) (format.millisForBytes(delivered) * 1_000_000L);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          try {
            Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
          }
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
  }

  private void run() {
    try {
      while (!stopped) {
        byte[] chunk = source.readNBytes(chunkBytes);
        if (chunk.length == 0) {
          return;
        }
        chunks.incrementAndGet();
        if (!consumer.accept(chunk)) {
          dropped.incrementAndGet(); // live audio: drop it, keep up with the speaker
        }
        if (chunk.length < chunkBytes) {
          return;
        }
      }
    } catch (IOException e) {
      if (!stopped) {
        error = e;
        log.warn("capture failed: {}", e.toString());
      }
    } finally {
      done.countDown();
    }
  }

  /** Waits until the source ended (or capture stopped). False on timeout. */
  public boolean awaitEnd(long timeout, TimeUnit unit) throws InterruptedException {
    return done.await(timeout, unit);
  }

  /** Chunks captured. */
  public long chunks() {
    return chunks.get();
  }

  /** Chunks the consumer did not take (dropped). */
  public long droppedChunks() {
    return dropped.get();
  }

  /** The source's failure, or null. */
  public IOException error() {
    return error;
  }

  /** Stops capturing and closes the source. Idempotent. */
  @Override
  public void close() {
    stopped = true;
    try {
      source.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    try {
      done.await(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
