package io.voicewire.engine.local;

import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.testing.HumanSpeech;
import io.voicewire.testing.WordErrorRate;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Recognition cost and accuracy of one decoder configuration on recorded human speech (not a
 * test: run it by hand, once per configuration). The clips of Debian's {@code
 * pocketsphinx-testdata} are split in two: a DEVELOPMENT set, on which settings are chosen, and a
 * HELD-OUT set, which only checks that a setting chosen on the development set does not make
 * recognition worse:
 *
 * <ul>
 *   <li>development: LibriVox 0870 and 0890, cards 001, 002, 003;
 *   <li>held out: LibriVox 0880, 0920 and 0930, cards 004 and 005, "go forward".
 * </ul>
 *
 * <p>One stream, fed as fast as the engine takes it, manual commit per clip (300 ms of silence
 * around it); one short clip first warms the JIT further and is not counted. Prints
 * WER and process CPU seconds per second of audio for each set. A modified
 * {@code sphinx-beam5k.config.xml} earlier on the class path replaces the shipped one (that is
 * how settings are tried without a build); {@code -Dprobe.label=...} names the row.
 *
 * <pre>
 * java -cp DIR_WITH_CONFIG:voicewire-engine-local/target/classes:voicewire-engine-local/target/test-classes:$(cat cp.txt) \
 *   io.voicewire.engine.local.SttCostProbe
 * </pre>
 */
public final class SttCostProbe {
  private static final Path DATA = HumanSpeech.DATA;
  private static final String LV = "librivox/sense_and_sensibility_01_austen_64kb-";

  private SttCostProbe() {}

  record Clip(String id, byte[] pcm, String text) {}

  public static void main(String[] args) throws Exception {
    List<Clip> dev = List.of(lv("0870"), lv("0890"), card("001"), card("002"), card("003"));
    List<Clip> held = List.of(lv("0880"), lv("0920"), lv("0930"), card("004"), card("005"),
        new Clip("goforward", Files.readAllBytes(DATA.resolve("goforward.raw")),
            "go forward ten meters"));
    LocalSpeechProvider p = LocalSpeechProvider.builder()
        .voices(List.of(LocalSpeechProvider.VOICE_SLT)).sttDecoders(1).sttStreams(1).build();
    p.awaitReady(10, TimeUnit.MINUTES);
    run(p, List.of(card("001"))); // warm-up (the engine's own warm-up has decoded already)
    double[] d = run(p, dev);
    System.out.printf("dev: %.1f %% WER, %.2f CPU s per audio s%n", d[0], d[1]);
    double[] h = run(p, held);
    System.out.printf("| %s | %.1f %% | %.2f | %.1f %% | %.2f | %.1f |%n",
        System.getProperty("probe.label", "shipped"), d[0], d[1], h[0], h[1],
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    p.close();
    System.exit(0);
  }

  /** Returns {WER %, CPU s per audio s} over the clips. */
  private static double[] run(LocalSpeechProvider p, List<Clip> clips) throws Exception {
    var os = (com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean();
    int errors = 0;
    int words = 0;
    double audioS = 0;
    long cpu0 = os.getProcessCpuTime();
    for (Clip c : clips) {
      RecordingSttListener l = new RecordingSttListener();
      SttSession s = p.openStt(SttRequest.builder().build(), l);
      byte[] pcm = SpeechClips.concat(SpeechClips.silence(300), c.pcm(), SpeechClips.silence(300));
      for (int i = 0; i < pcm.length; i += 640) {
        while (!s.sendAudio(Arrays.copyOfRange(pcm, i, Math.min(pcm.length, i + 640)))) {
          Thread.sleep(5);
        }
      }
      s.commit();
      String hyp = l.nextCommitted(120).text();
      s.close();
      List<String> ref = WordErrorRate.words(c.text());
      errors += WordErrorRate.errors(ref, WordErrorRate.words(hyp));
      words += ref.size();
      audioS += pcm.length / 32000.0;
      System.err.printf("%s: %s%n", c.id(), hyp);
    }
    double cpuS = (os.getProcessCpuTime() - cpu0) / 1e9;
    return new double[] {100.0 * errors / words, cpuS / audioS};
  }

  private static Clip lv(String id) throws Exception {
    String line = Files.readAllLines(DATA.resolve("librivox/transcription")).stream()
        .filter(l -> l.contains("-" + id + ")")).findFirst().orElseThrow();
    return new Clip("librivox-" + id, wav(DATA.resolve(LV + id + ".wav")), ref(line));
  }

  private static Clip card(String id) throws Exception {
    String line = Files.readAllLines(DATA.resolve("cards/cards.transcription")).stream()
        .filter(l -> l.contains("(" + id + ")")).findFirst().orElseThrow();
    return new Clip("cards-" + id, wav(DATA.resolve("cards/" + id + ".wav")), ref(line));
  }

  private static String ref(String line) {
    return line.substring(0, line.lastIndexOf('(')).replace("<s>", "").replace("</s>", "").trim();
  }

  /** A WAV file as 16 kHz mono PCM16 little-endian. */
  private static byte[] wav(Path p) throws Exception {
    javax.sound.sampled.AudioFormat f16 = new javax.sound.sampled.AudioFormat(16_000f, 16, 1,
        true, false);
    try (var in = javax.sound.sampled.AudioSystem.getAudioInputStream(p.toFile());
        var pcm = javax.sound.sampled.AudioSystem.getAudioInputStream(f16, in)) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      for (int n; (n = pcm.read(buf)) != -1; ) {
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    }
  }
}
