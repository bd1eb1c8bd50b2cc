package io.voicewire.cli;

import io.voicewire.audio.AudioFormat;
import io.voicewire.audio.buffer.JitterBuffer;
import io.voicewire.audio.buffer.JitterStats;
import io.voicewire.client.audio.MicrophoneCapture;
import io.voicewire.client.audio.PcmSink;
import io.voicewire.client.audio.StreamingPlayer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The sound card for {@code speak --play} and {@code transcribe --mic}, through the SDK's
 * {@code javax.sound} player and capture, with the messages a person sees when there is none.
 */
final class AudioDevices {
  private AudioDevices() {}

  /**
   * Checks that there is a sound output for {@code format}, by opening it and closing it again
   * (commands check before warming up an engine, and start playing only when there is audio).
   *
   * @throws IOException with a message saying what to do when there is no sound output
   */
  static void checkSpeakers(AudioFormat format) throws IOException {
    PcmSink probe = PcmSink.line();
    try {
      probe.open(format);
    } catch (IOException e) {
      throw noSpeakers(format, e);
    }
    probe.close();
  }

  /**
   * Checks that there is a microphone for {@code format}, by opening it and closing it again.
   *
   * @throws IOException with a message saying what to do when there is no microphone
   */
  static void checkMicrophone(AudioFormat format) throws IOException {
    microphone(format).close();
  }

  private static IOException noSpeakers(AudioFormat format, IOException e) {
    return new IOException("no sound output device to play " + format.wireName()
        + " (javax.sound: " + cause(e) + "); write a WAV file instead with -o FILE", e);
  }

  /**
   * A started player on the default sound output, or, with {@code playTo}, on a raw PCM file
   * written at real time (the same player and jitter buffer, for machines without speakers).
   *
   * @throws IOException with a message saying what to do when there is no sound output
   */
  static StreamingPlayer player(AudioFormat format, Path playTo) throws IOException {
    if (playTo != null) {
      return StreamingPlayer.start(format, PcmSink.file(playTo));
    }
    try {
      return StreamingPlayer.start(format, PcmSink.line());
    } catch (IOException e) {
      throw noSpeakers(format, e);
    }
  }

  /**
   * The default microphone as a stream of raw audio in {@code format}.
   *
   * @throws IOException with a message saying what to do when there is no microphone
   */
  static InputStream microphone(AudioFormat format) throws IOException {
    try {
      return MicrophoneCapture.microphone(format);
    } catch (IOException e) {
      throw new IOException("no microphone to record " + format.wireName() + " (javax.sound: "
          + cause(e) + "); transcribe a recording instead: voicewire transcribe FILE.wav", e);
    }
  }

  private static String cause(IOException e) {
    Throwable c = e.getCause() != null ? e.getCause() : e;
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }

  /** The player's latency line: first audio, what is buffered against the target, underruns. */
  static String latencyLine(double firstAudioMillis, JitterStats s) {
    String verb = s.state() == JitterBuffer.State.ENDED ? "played" : "playing";
    return String.format(Locale.ROOT, "%s %.1f s · first audio %s · buffered %d ms (target %d ms,"
            + " jitter %d ms) · underruns %d", verb, s.playedMillis() / 1000.0,
        firstAudioMillis < 0 ? "…" : Math.round(firstAudioMillis) + " ms", s.bufferedMillis(),
        s.targetMillis(), s.jitterMillis(), s.underruns());
  }
}
