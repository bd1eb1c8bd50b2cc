package io.voicewire.client.audio;

import io.voicewire.audio.AudioFormat;
import io.voicewire.client.SttStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Feeds raw audio from an {@link InputStream} into an {@link SttStream} in fixed-size chunks,
 * optionally paced at real time (as a microphone would deliver it). Blocking; use a virtual
 * thread. Stateless and thread safe.
 */
public final class AudioPump {
  /** Longest a pump waits for room in a full outgoing queue before giving up, ms. */
  public static final long MAX_BLOCKED_MILLIS = 10_000;

  private AudioPump() {}

  /**
   * Sends everything {@code in} yields, in chunks of {@code chunkMillis}; returns the bytes sent.
   * Stops early when the stream stops accepting.
   */
  public static long pump(InputStream in, SttStream stream, int chunkMillis, boolean realTime)
      throws IOException {
    Objects.requireNonNull(in, "in == null");
    Objects.requireNonNull(stream, "stream == null");
    if (chunkMillis <= 0) {
      throw new IllegalArgumentException("chunkMillis <= 0: " + chunkMillis);
    }
    AudioFormat f = stream.request().audioFormat();
    int chunk = Math.max(f.frameSize(), f.bytesForMillis(chunkMillis));
    long start = System.nanoTime();
    long sent = 0;
    while (true) {
      byte[] buf = in.readNBytes(chunk);
      int n = buf.length - buf.length % f.frameSize();
      if (n <= 0) {
        return sent;
      }
      if (realTime) {
        long dueNanos = start + (long) (f.millisForBytes(sent) * 1_000_000L);
        long wait = dueNanos - System.nanoTime();
        if (wait > 0) {
          sleepNanos(wait);
        }
      }
      long blockedSince = 0;
      while (!stream.sendAudio(buf, 0, n)) {
        if (stream.status().state().isTerminal()) {
          return sent;
        }
        long now = System.nanoTime();
        if (blockedSince == 0) {
          blockedSince = now;
        } else if (now - blockedSince > MAX_BLOCKED_MILLIS * 1_000_000L) {
          throw new IOException("the stream took no audio for " + MAX_BLOCKED_MILLIS + " ms");
        }
        sleepNanos(10_000_000L);
      }
      sent += n;
      if (n < buf.length) {
        return sent;
      }
    }
  }

  private static void sleepNanos(long nanos) throws IOException {
    try {
      Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
