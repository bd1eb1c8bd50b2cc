package io.voicewire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.voicewire.audio.Wav;
import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.server.VoicewireServer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.SourceDataLine;
import javax.sound.sampled.TargetDataLine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code speak --play} and {@code transcribe --mic} through the SDK's {@code javax.sound} player
 * and capture, with the sound card replaced by {@link FileMixer} (a mixer registered through the
 * javax.sound SPI: the played audio is recorded, the microphone plays a buffer).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class AudioCommandsTest extends CliHarness {
  /** Below this a sample counts as silence. */
  static final int SILENCE = 200;

  @AfterEach
  void unplug() {
    FileMixer.present = false;
  }

  @Test
  void withoutASoundCardBothSayWhatToDoInstead() {
    FileMixer.present = false;
    AudioFormat pcm = new AudioFormat(16000, 16, 1, true, false);
    assumeFalse(AudioSystem.isLineSupported(new DataLine.Info(SourceDataLine.class, pcm))
        || AudioSystem.isLineSupported(new DataLine.Info(TargetDataLine.class, pcm)),
        "this machine has a sound card");
    assertEquals(1, cli().execute("speak", "Hello.", "--play", "--server", "http://127.0.0.1:9"));
    assertTrue(err.toString().startsWith("voicewire: no sound output device to play pcm_24000 "
        + "(javax.sound: "), err.toString());
    assertTrue(err.toString().contains("write a WAV file instead with -o FILE"), err.toString());
    err.getBuffer().setLength(0);
    assertEquals(1, cli().execute("transcribe", "--mic", "--server", "http://127.0.0.1:9"));
    assertTrue(err.toString().startsWith("voicewire: no microphone to record pcm_16000 "
        + "(javax.sound: "), err.toString());
    assertTrue(err.toString().contains("voicewire transcribe FILE.wav"), err.toString());
  }

  /**
   * A file that cannot be written or read is said in one line that names it and what is wrong,
   * before any work: no engine is started, no server asked (the --server here listens nowhere).
   * Before, {@code speak} warmed an engine and spoke the whole text, then failed with the bare
   * path, and {@code transcribe} of a missing file said only its path.
   */
  @Test
  void fileProblemsAreSaidBeforeAnyWorkAndNameWhatIsWrong() {
    String nowhere = "http://127.0.0.1:9";
    java.nio.file.Path missing = dir.resolve("missing").resolve("out.wav");
    assertEquals(2, cli().execute("speak", "Hello.", "-o", missing.toString(), "--server",
        nowhere));
    assertTrue(err.toString().contains("cannot write " + missing + ": the directory "
        + missing.getParent() + " does not exist"), err.toString());
    err.getBuffer().setLength(0);
    assertEquals(2, cli().execute("speak", "Hello.", "-o", dir.toString(), "--server", nowhere));
    assertTrue(err.toString().contains(dir + " is a directory: give a file name"),
        err.toString());
    err.getBuffer().setLength(0);
    assertEquals(2, cli().execute("speak", "Hello.", "-o", dir.resolve("ok.wav").toString(),
        "--alignment-out", missing.toString(), "--server", nowhere));
    assertTrue(err.toString().contains("cannot write " + missing), err.toString());
    err.getBuffer().setLength(0);
    java.nio.file.Path none = dir.resolve("none.wav");
    assertEquals(1, cli().execute("transcribe", none.toString(), "--server", nowhere));
    assertEquals("voicewire: " + none + ": no such file or directory", err.toString().strip());
  }

  @Test
  void wrongCombinationsAreUsageErrors() {
    assertEquals(2, cli().execute("transcribe"));
    assertTrue(err.toString().contains("Missing required parameter: 'WAV' (or --mic)"),
        err.toString());
    err.getBuffer().setLength(0);
    assertEquals(2, cli().execute("transcribe", "in.wav", "--mic"));
    assertTrue(err.toString().contains("give a WAV file or --mic, not both"), err.toString());
    err.getBuffer().setLength(0);
    assertEquals(2, cli().execute("transcribe", "in.wav", "--seconds", "3"));
    assertTrue(err.toString().contains("--seconds needs --mic and a positive number: 3"),
        err.toString());
  }

  @Test
  @Tag("slow")
  void playsWhatItSpeaksAndTranscribesWhatTheMicrophoneHears() throws Exception {
    try (LocalSpeechProvider engine = LocalSpeechProvider.builder()
        .voices(List.of(LocalSpeechProvider.VOICE_KEVIN)).build();
        VoicewireServer s = VoicewireServer.create(c -> c.provider(engine))) {
      assertTrue(engine.awaitReady(300, TimeUnit.SECONDS));
      String url = "http://127.0.0.1:" + s.start(0);
      String text = "Hello from the voicewire command line.";
      Path wav = dir.resolve("hello.wav");
      assertEquals(0, cli().execute("speak", text, "-o", wav.toString(), "--voice", "kevin16",
          "--format", "pcm_16000", "--server", url), err.toString());
      byte[] spoken = speech(Wav.read(wav).pcm16le());

      FileMixer.install(new byte[0]);
      out.getBuffer().setLength(0);
      err.getBuffer().setLength(0);
      assertEquals(0, cli().execute("speak", text, "--play", "--voice", "kevin16", "--format",
          "pcm_16000", "--server", url), err.toString());
      byte[] played;
      synchronized (FileMixer.played) {
        played = FileMixer.played.toByteArray();
      }
      assertEquals(new AudioFormat(16000, 16, 1, true, false).toString(),
          FileMixer.playedFormat.toString());
      // the player also wrote silence while connecting, pre-rolling and finishing: compare the
      // speech between the first and the last sound with the WAV of the same text
      byte[] speech = speech(played);
      long spokenMillis = spoken.length / 32;
      long playedMillis = speech.length / 32;
      assertTrue(playedMillis >= spokenMillis - 40 && playedMillis < spokenMillis + 2000,
          "played " + playedMillis + " ms of speech, the WAV has " + spokenMillis + " ms");
      assertTrue(rms(speech) > 0.75 * rms(spoken) && rms(speech) < 1.25 * rms(spoken),
          "loudness: played rms " + rms(speech) + ", WAV rms " + rms(spoken));
      assertTrue(err.toString().contains("played ") && err.toString().contains("first audio ")
          && err.toString().contains("underruns "), "the latency line: " + err);
      assertTrue(out.toString().startsWith("played "), out.toString());

      FileMixer.install(played); // what the speakers played, into the microphone
      out.getBuffer().setLength(0);
      err.getBuffer().setLength(0);
      assertEquals(0, cli().execute("transcribe", "--mic", "--server", url), err.toString());
      assertTrue(err.toString().contains("listening: speak now"), err.toString());
      String[] lines = out.toString().split("\n");
      assertTrue(lines[lines.length - 1].toLowerCase(Locale.ROOT).contains("hello"),
          "stdout ends with what the microphone heard: " + out + "\n" + err);
    }
  }

  /** The audio from the first to the last sample louder than {@link #SILENCE}. */
  static byte[] speech(byte[] pcm16le) {
    int first = -1;
    int last = -1;
    for (int i = 0; i + 1 < pcm16le.length; i += 2) {
      if (Math.abs((short) ((pcm16le[i] & 0xff) | (pcm16le[i + 1] << 8))) > SILENCE) {
        first = first < 0 ? i : first;
        last = i;
      }
    }
    return first < 0 ? new byte[0] : Arrays.copyOfRange(pcm16le, first, last + 2);
  }

  static double rms(byte[] pcm16le) {
    double sum = 0;
    int n = pcm16le.length / 2;
    for (int i = 0; i < n; i++) {
      short v = (short) ((pcm16le[2 * i] & 0xff) | (pcm16le[2 * i + 1] << 8));
      sum += (double) v * v;
    }
    return n == 0 ? 0 : Math.sqrt(sum / n);
  }
}
