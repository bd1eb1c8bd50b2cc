package io.voicewire.client.audio;

import io.voicewire.audio.AudioFormat;
import java.io.IOException;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;

/** The default sound output: a {@code javax.sound.sampled} {@link SourceDataLine}. */
final class LineSink implements PcmSink {
  /** The line's own buffer, ms: small, the jitter buffer in front does the buffering. */
  static final int LINE_BUFFER_MILLIS = 100;

  private SourceDataLine line;

  @Override
  public void open(AudioFormat format) throws IOException {
    javax.sound.sampled.AudioFormat f = toJavaSound(format);
    try {
      line = AudioSystem.getSourceDataLine(f);
      line.open(f, Math.max(f.getFrameSize(), format.bytesForMillis(LINE_BUFFER_MILLIS)));
      line.start();
    } catch (LineUnavailableException | IllegalArgumentException e) {
      throw new IOException("no sound output for " + format + ": " + e.getMessage(), e);
    }
  }

  static javax.sound.sampled.AudioFormat toJavaSound(AudioFormat format) {
    return switch (format.encoding()) {
      case PCM_S16LE -> new javax.sound.sampled.AudioFormat(format.sampleRate(), 16, 1, true,
          false);
      case ULAW -> new javax.sound.sampled.AudioFormat(
          javax.sound.sampled.AudioFormat.Encoding.ULAW, format.sampleRate(), 8, 1, 1,
          format.sampleRate(), false);
      case ALAW -> new javax.sound.sampled.AudioFormat(
          javax.sound.sampled.AudioFormat.Encoding.ALAW, format.sampleRate(), 8, 1, 1,
          format.sampleRate(), false);
      default -> throw new IllegalArgumentException("cannot play " + format.wireName());
    };
  }

  @Override
  public void write(byte[] b, int off, int len) {
    line.write(b, off, len);
  }

  @Override
  public boolean pacesItself() {
    return true;
  }

  @Override
  public void close() {
    if (line != null) {
      line.drain();
      line.close();
    }
  }
}
