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
 * Recognition cost and accuracy of decoder settings on recorded human speech (not a test: run it
 * by hand). The clips of Debian's {@code pocketsphinx-testdata} are split in two: a DEVELOPMENT
 * set, on which settings are chosen, and a HELD-OUT set, which is only reported:
 *
 * <ul>
 *   <li>development: LibriVox 0870 and 0890, cards 001, 002, 003;
 *   <li>held out: LibriVox 0880, 0920 and 0930, cards 004 and 005, "go forward".
 * </ul>
 *
 * <p>Each argument is one setting, {@code label;name=value;name=value}, run one after the other
 * in this JVM with a fresh provider (FreeTTS voice only, one decoder, one stream): a {@code name}
 * without a dot is a Sphinx global property of the profile file ({@code absoluteBeamWidth},
 * {@code relativeBeamWidth}, {@code wordInsertionProbability}, {@code languageWeight}, ...), and
 * {@code component[property]} sets a component's property ({@code
 * acousticModelLoader[topGaussiansNum]}, {@code wordPruningLookaheadSearchManager_0[...]}); Sphinx
 * reads both from the system properties when it builds its configuration. No argument: the
 * shipped settings. For each setting: one stream, fed as fast as the engine takes it, a manual
 * commit per clip (300 ms of silence around it), one short clip first to warm the JIT; prints a
 * row with the WER and the process CPU seconds per second of audio of each set.
 *
 * <pre>
 * java -Xmx1g -cp voicewire-engine-local/target/classes:voicewire-engine-local/target/test-classes:$(cat cp.txt) \
 *   io.voicewire.engine.local.SttCostProbe shipped 'abs3k;absoluteBeamWidth=3000'
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
    System.out.println("| setting | dev WER | dev CPU s / audio s | held-out WER "
        + "| held-out CPU s / audio s | lanes' CPU s / audio s (all) | load avg |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (String setting : args.length == 0 ? new String[] {"shipped"} : args) {
      String[] parts = setting.split(";");
      List<String> names = new java.util.ArrayList<>();
      for (int i = 1; i < parts.length; i++) {
        String[] kv = parts[i].split("=", 2);
        System.setProperty(kv[0], kv[1]);
        names.add(kv[0]);
      }
      LocalSpeechProvider p = LocalSpeechProvider.builder()
          .voices(List.of(LocalSpeechProvider.VOICE_KEVIN)).sttDecoders(1).sttStreams(1).build();
      try {
        p.awaitReady(10, TimeUnit.MINUTES);
        run(p, List.of(card("001"))); // warm-up (the engine's own warm-up has decoded already)
        double[] d = run(p, dev);
        double[] h = run(p, held);
        System.out.printf("| %s | %.1f %% | %.3f | %.1f %% | %.3f | %.3f | %.1f |%n", setting,
            d[0], d[1], h[0], h[1], p.engine().sttCpuPerAudioSecond()[1],
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.flush();
      } finally {
        p.close();
        names.forEach(System::clearProperty);
      }
    }
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
      byte[] pcm = SpeechClips.concat(SpeechClips.silence(300), c.pcm(), SpeechClips.silence(300));
      String hyp = transcribe(p, SttRequest.builder().build(), null, pcm);
      List<String> ref = WordErrorRate.words(c.text());
      errors += WordErrorRate.errors(ref, WordErrorRate.words(hyp));
      words += ref.size();
      audioS += pcm.length / 32000.0;
      System.err.printf("%s: %s%n", c.id(), hyp);
    }
    double cpuS = (os.getProcessCpuTime() - cpu0) / 1e9;
    return new double[] {100.0 * errors / words, cpuS / audioS};
  }

  /**
   * {@code pcm} (16 kHz) through one session, fed in 20 ms chunks as fast as it takes them, then
   * a manual commit; returns the committed text once the session has ended.
   */
  static String transcribe(LocalSpeechProvider p, SttRequest request, String previousText,
      byte[] pcm) throws InterruptedException {
    RecordingSttListener l = new RecordingSttListener();
    SttSession s = p.openStt(request, l);
    if (previousText != null) {
      s.previousText(previousText);
    }
    for (int i = 0; i < pcm.length; i += 640) {
      while (!s.sendAudio(Arrays.copyOfRange(pcm, i, Math.min(pcm.length, i + 640)))) {
        if (l.failure() != null) {
          throw new IllegalStateException("session failed: " + l.failure());
        }
        Thread.sleep(5);
      }
    }
    s.commit();
    String hyp = l.nextCommitted(300).text();
    s.close();
    l.awaitTerminal(60); // the stream's slot is free again only after its terminal event
    return hyp;
  }

  static Clip lv(String id) throws Exception {
    String line = Files.readAllLines(DATA.resolve("librivox/transcription")).stream()
        .filter(l -> l.contains("-" + id + ")")).findFirst().orElseThrow();
    return new Clip("librivox-" + id, HumanSpeech.clip(LV + id + ".wav"), ref(line));
  }

  static Clip card(String id) throws Exception {
    String line = Files.readAllLines(DATA.resolve("cards/cards.transcription")).stream()
        .filter(l -> l.contains("(" + id + ")")).findFirst().orElseThrow();
    return new Clip("cards-" + id, HumanSpeech.clip("cards/" + id + ".wav"), ref(line));
  }

  private static String ref(String line) {
    return line.substring(0, line.lastIndexOf('(')).replace("<s>", "").replace("</s>", "").trim();
  }
}
