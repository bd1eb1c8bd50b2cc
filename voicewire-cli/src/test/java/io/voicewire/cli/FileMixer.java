package io.voicewire.cli;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.locks.LockSupport;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.Line;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.SourceDataLine;
import javax.sound.sampled.TargetDataLine;
import javax.sound.sampled.spi.MixerProvider;

/**
 * For testing: a {@code javax.sound} mixer with a "speaker" that records what is played into
 * memory and a "microphone" that plays back a buffer, both at real time like a sound card. It is
 * registered as a {@link MixerProvider} in the test resources and made the default mixer by
 * {@link #install}, so the SDK's {@code PcmSink.line()} and {@code MicrophoneCapture.microphone}
 * run unchanged through {@code AudioSystem}. {@link #present} false hides it (a machine with no
 * sound card). Static state: one test at a time.
 */
public final class FileMixer extends BareLine implements Mixer {
  static final String NAME = "voicewire test mixer";
  static final Mixer.Info INFO = new Mixer.Info(NAME, "voicewire", "file sink and source", "1") {};

  /** Whether the device exists. */
  static volatile boolean present;
  /** Everything played, in the line's format. */
  static final ByteArrayOutputStream played = new ByteArrayOutputStream();
  /** The format the speaker was opened with. */
  static volatile AudioFormat playedFormat;
  /** What the microphone hears (PCM in the format it is opened with); then it ends. */
  static volatile byte[] heard = new byte[0];

  /** Makes this mixer the default for both line types, present, with fresh buffers. */
  static void install(byte[] microphoneAudio) {
    String id = Provider.class.getName() + "#" + NAME;
    System.setProperty("javax.sound.sampled.SourceDataLine", id);
    System.setProperty("javax.sound.sampled.TargetDataLine", id);
    synchronized (played) {
      played.reset();
    }
    playedFormat = null;
    heard = microphoneAudio;
    present = true;
  }

  /** The SPI entry. */
  public static final class Provider extends MixerProvider {
    @Override
    public Mixer.Info[] getMixerInfo() {
      return present ? new Mixer.Info[] {INFO} : new Mixer.Info[0];
    }

    @Override
    public Mixer getMixer(Mixer.Info info) {
      if (present && INFO.equals(info)) {
        return new FileMixer();
      }
      throw new IllegalArgumentException("no mixer " + info);
    }
  }

  private static Line.Info[] lineInfos(Class<?> type) {
    return present ? new Line.Info[] {new DataLine.Info(type, new AudioFormat[] {
        new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, AudioSystem.NOT_SPECIFIED, 16, 1, 2,
            AudioSystem.NOT_SPECIFIED, false)}, 32, 1 << 20)} : new Line.Info[0];
  }

  @Override
  public Mixer.Info getMixerInfo() {
    return INFO;
  }

  @Override
  public Line.Info[] getSourceLineInfo() {
    return lineInfos(SourceDataLine.class);
  }

  @Override
  public Line.Info[] getTargetLineInfo() {
    return lineInfos(TargetDataLine.class);
  }

  @Override
  public Line.Info[] getSourceLineInfo(Line.Info info) {
    return isLineSupported(info) && SourceDataLine.class.isAssignableFrom(info.getLineClass())
        ? getSourceLineInfo() : new Line.Info[0];
  }

  @Override
  public Line.Info[] getTargetLineInfo(Line.Info info) {
    return isLineSupported(info) && TargetDataLine.class.isAssignableFrom(info.getLineClass())
        ? getTargetLineInfo() : new Line.Info[0];
  }

  @Override
  public boolean isLineSupported(Line.Info info) {
    if (!present) {
      return false;
    }
    for (Line.Info i : getSourceLineInfo()) {
      if (info.matches(i)) {
        return true;
      }
    }
    for (Line.Info i : getTargetLineInfo()) {
      if (info.matches(i)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Line getLine(Line.Info info) throws LineUnavailableException {
    if (!isLineSupported(info)) {
      throw new IllegalArgumentException("not supported: " + info);
    }
    return SourceDataLine.class.isAssignableFrom(info.getLineClass()) ? new Speaker()
        : new Microphone();
  }

  @Override
  public int getMaxLines(Line.Info info) {
    return AudioSystem.NOT_SPECIFIED;
  }

  @Override
  public Line[] getSourceLines() {
    return new Line[0];
  }

  @Override
  public Line[] getTargetLines() {
    return new Line[0];
  }

  @Override
  public void synchronize(Line[] lines, boolean maintainSync) {
    throw new IllegalArgumentException("no synchronization");
  }

  @Override
  public void unsynchronize(Line[] lines) {}

  @Override
  public boolean isSynchronizationSupported(Line[] lines, boolean maintainSync) {
    return false;
  }

  @Override
  public Line.Info getLineInfo() {
    return new Line.Info(Mixer.class);
  }

  @Override
  public void open() {}

  @Override
  public void close() {}

  @Override
  public boolean isOpen() {
    return true;
  }

  /** A line moving bytes at the real-time rate of its format. */
  private abstract static class PacedLine extends BareLine implements DataLine {
    AudioFormat format;
    volatile boolean open;
    volatile boolean running;
    long startNanos;
    long bytes;

    public void open(AudioFormat f, int bufferSize) {
      format = f;
      open = true;
    }

    public void open(AudioFormat f) {
      open(f, (int) f.getFrameRate() * f.getFrameSize() / 10);
    }

    @Override
    public void open() {
      throw new IllegalStateException("open with a format");
    }

    /** Sleeps until {@code n} more bytes are due at real time. */
    void pace(int n) {
      if (startNanos == 0) {
        startNanos = System.nanoTime();
      }
      bytes += n;
      double bytesPerSecond = format.getFrameRate() * format.getFrameSize();
      long due = startNanos + (long) (bytes / bytesPerSecond * 1e9);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
    }

    @Override
    public void drain() {}

    @Override
    public void flush() {}

    @Override
    public void start() {
      running = true;
    }

    @Override
    public void stop() {
      running = false;
    }

    @Override
    public boolean isRunning() {
      return running;
    }

    @Override
    public boolean isActive() {
      return running;
    }

    @Override
    public AudioFormat getFormat() {
      return format;
    }

    @Override
    public int getBufferSize() {
      return 4096;
    }

    @Override
    public int available() {
      return 4096;
    }

    @Override
    public int getFramePosition() {
      return (int) getLongFramePosition();
    }

    @Override
    public long getLongFramePosition() {
      return format == null ? 0 : bytes / format.getFrameSize();
    }

    @Override
    public long getMicrosecondPosition() {
      return format == null ? 0 : (long) (getLongFramePosition() * 1e6 / format.getFrameRate());
    }

    @Override
    public float getLevel() {
      return -1;
    }

    @Override
    public void close() {
      open = false;
      running = false;
    }

    @Override
    public boolean isOpen() {
      return open;
    }

  }

  private static final class Speaker extends PacedLine implements SourceDataLine {
    @Override
    public Line.Info getLineInfo() {
      return lineInfos(SourceDataLine.class)[0];
    }

    @Override
    public void open(AudioFormat f, int bufferSize) {
      super.open(f, bufferSize);
      playedFormat = f;
    }

    @Override
    public int write(byte[] b, int off, int len) {
      synchronized (played) {
        played.write(b, off, len);
      }
      pace(len);
      return len;
    }
  }

  private static final class Microphone extends PacedLine implements TargetDataLine {
    private int pos;

    @Override
    public Line.Info getLineInfo() {
      return lineInfos(TargetDataLine.class)[0];
    }

    @Override
    public int read(byte[] b, int off, int len) {
      byte[] src = heard;
      if (!open || pos >= src.length) {
        return -1; // the recording is over: the stream ends
      }
      int n = Math.min(len - len % format.getFrameSize(), src.length - pos);
      System.arraycopy(src, pos, b, off, n);
      pos += n;
      pace(n);
      return n;
    }
  }
}
