package io.voicewire.testing;

import io.voicewire.audio.Wav;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Recorded human speech for tests, built at test time from Debian's {@code pocketsphinx-testdata}
 * (LibriVox "Sense and Sensibility" sentences, the "cards" recordings and "go forward"; installed
 * by {@code ./voicewire test}): the clips, concatenated with silence gaps, as 16 kHz mono PCM16
 * with the reference transcript. Stateless.
 */
public final class HumanSpeech {
  /** Where Debian installs the recordings. */
  public static final Path DATA = Path.of("/usr/share/pocketsphinx/test/data");
  /** Silence between clips, ms (long enough for a VAD commit). */
  public static final int GAP_MILLIS = 700;

  private HumanSpeech() {}

  /**
   * The audio and what is said in it.
   *
   * @param pcm16k 16 kHz mono PCM16 little-endian
   * @param transcript the reference words, lower case
   */
  public record Speech(byte[] pcm16k, String transcript) {
    /** Length in ms. */
    public long millis() {
      return pcm16k.length / 32L;
    }
  }

  /** True when the recordings are installed. */
  public static boolean available() {
    return Files.isDirectory(DATA.resolve("librivox")) && Files.isDirectory(DATA.resolve("cards"));
  }

  /**
   * At least {@code minMillis} of speech: the LibriVox and cards clips and "go forward", in
   * order, repeated until long enough, each followed by {@link #GAP_MILLIS} of silence.
   */
  public static Speech atLeast(long minMillis) throws IOException {
    return build(minMillis, false);
  }

  /**
   * The first clips, in {@link #atLeast} order, until at least {@code minMillis} (at most one
   * pass): a shorter held-out file for tests that must stay quick.
   */
  public static Speech first(long minMillis) throws IOException {
    return build(minMillis, true);
  }

  private static Speech build(long minMillis, boolean stopEarly) throws IOException {
    if (!available()) {
      throw new IOException(DATA + " is missing: install the Debian package pocketsphinx-testdata "
          + "(./voicewire test does)");
    }
    List<String[]> clips = new ArrayList<>(); // {file, transcript}
    clips.addAll(transcribed(DATA.resolve("librivox"), "transcription"));
    clips.addAll(transcribed(DATA.resolve("cards"), "cards.transcription"));
    clips.add(new String[] {DATA.resolve("goforward.raw").toString(), "go forward ten meters"});
    ByteArrayOutputStream pcm = new ByteArrayOutputStream();
    StringBuilder text = new StringBuilder();
    byte[] gap = new byte[GAP_MILLIS * 32];
    pcm.writeBytes(gap);
    while (pcm.size() / 32 < minMillis) {
      for (String[] c : clips) {
        pcm.writeBytes(read(Path.of(c[0])));
        pcm.writeBytes(gap);
        text.append(c[1]).append(' ');
        if (stopEarly && pcm.size() / 32 >= minMillis) {
          break;
        }
      }
      if (stopEarly) {
        break;
      }
    }
    return new Speech(pcm.toByteArray(), text.toString().trim());
  }

  /**
   * One recording of {@link #DATA} ({@code name} relative to it, e.g. {@code "cards/004.wav"}) as
   * 16 kHz mono PCM16 little-endian.
   */
  public static byte[] clip(String name) throws IOException {
    return read(DATA.resolve(name));
  }

  private static byte[] read(Path p) throws IOException {
    if (p.toString().endsWith(".raw")) {
      return Files.readAllBytes(p); // 16 kHz mono PCM16 LE, headerless
    }
    Wav.WavAudio w = Wav.read(p);
    if (w.sampleRate() != 16000 || w.channels() != 1) {
      throw new IOException(p + ": expected 16 kHz mono, got " + w);
    }
    return w.pcm16le();
  }

  /** Lines {@code <s> words </s> (id)} of a Sphinx transcription file, with the clip of each id. */
  private static List<String[]> transcribed(Path dir, String file) throws IOException {
    List<String[]> out = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve(file))) {
      int open = line.lastIndexOf('(');
      if (open < 0) {
        continue;
      }
      String id = line.substring(open + 1, line.indexOf(')', open)).trim();
      String words = line.substring(0, open).replace("<s>", "").replace("</s>", "").trim()
          .replaceAll("\\s+", " ");
      Path wav = dir.resolve(id + ".wav");
      if (Files.isRegularFile(wav)) {
        out.add(new String[] {wav.toString(), words});
      }
    }
    return out;
  }
}
