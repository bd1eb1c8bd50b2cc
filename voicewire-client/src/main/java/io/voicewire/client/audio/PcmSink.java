package io.voicewire.client.audio;

import io.voicewire.audio.AudioFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a {@link StreamingPlayer} writes audio: a sound card ({@link #line()}), or, headless, a
 * memory buffer or a file. A sink that is not a device is paced by the player at real time, so
 * the jitter buffer behaves exactly as with a sound card.
 *
 * <p>Used by one player thread at a time; implementations need not be thread safe except
 * {@link MemorySink#bytes()}.
 */
public interface PcmSink extends AutoCloseable {
  /** Prepares for {@code format}. */
  void open(AudioFormat format) throws IOException;

  /** Writes audio; a device blocks until it has room (that paces the player). */
  void write(byte[] b, int off, int len) throws IOException;

  /** True when {@link #write} blocks at the device's rate; false when the player must pace. */
  boolean pacesItself();

  /** Waits until everything written was played (devices), then releases the sink. */
  @Override
  void close() throws IOException;

  /** The default sound output through {@code javax.sound.sampled}. */
  static PcmSink line() {
    return new LineSink();
  }

  /** A sink that keeps the audio in memory. */
  static MemorySink memory() {
    return new MemorySink();
  }

  /** A sink writing raw audio to {@code path}. */
  static PcmSink file(Path path) {
    return new PcmSink() {
      private OutputStream out;

      @Override
      public void open(AudioFormat format) throws IOException {
        out = Files.newOutputStream(path);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public boolean pacesItself() {
        return false;
      }

      @Override
      public void close() throws IOException {
        if (out != null) {
          out.close();
        }
      }
    };
  }

  /** Audio kept in memory, for tests and for saving later. {@link #bytes()} is thread safe. */
  final class MemorySink implements PcmSink {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    MemorySink() {}

    @Override
    public void open(AudioFormat format) {}

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      out.write(b, off, len);
    }

    @Override
    public boolean pacesItself() {
      return false;
    }

    @Override
    public void close() {}

    /** Everything written so far. */
    public synchronized byte[] bytes() {
      return out.toByteArray();
    }
  }
}
