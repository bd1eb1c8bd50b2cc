package io.voicewire.engine.local.internal;

import io.voicewire.testing.BenchSentences;
import java.util.Arrays;
import java.util.List;
import javax.sound.sampled.AudioInputStream;
import marytts.LocalMaryInterface;
import org.w3c.dom.Document;

/**
 * Where MaryTTS's first audio of a sentence goes (not a test: run it by hand, under JFR if
 * wanted). For each sentence of {@link BenchSentences#ALL}, whole and cut to its first
 * {@code --words} words, it times the three steps the engine's first chunk waits for: text →
 * {@code ACOUSTPARAMS} (front end, duration and F0 models), {@code ACOUSTPARAMS} → the audio
 * stream (HMM parameter generation for the whole utterance; the vocoder thread starts), and the
 * first 30 ms read from the stream; then the same for the first phrase the engine voices first
 * ({@link FirstPhrase}). Single thread, warm JIT (three warm-up passes).
 *
 * <pre>
 * mvn -o -q -pl voicewire-engine-local -am test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt
 * java -cp voicewire-engine-local/target/classes:voicewire-engine-local/target/test-classes:$(cat cp.txt) \
 *   io.voicewire.engine.local.internal.MaryFirstAudioProbe [--words 4]
 * </pre>
 */
public final class MaryFirstAudioProbe {
  private MaryFirstAudioProbe() {}

  public static void main(String[] args) throws Exception {
    int words = args.length > 1 && args[0].equals("--words") ? Integer.parseInt(args[1]) : 4;
    MaryVoice voice = MaryVoice.cmuSltHsmm();
    voice.load();
    LocalMaryInterface mary = new LocalMaryInterface();
    mary.setVoice("cmu-slt-hsmm");
    List<String> all = BenchSentences.ALL;
    for (int i = 0; i < 3; i++) {
      for (String s : all) {
        run(mary, s, voice.sampleRate());
      }
    }
    List<String> cut = all.stream().map(s -> String.join(" ",
        Arrays.asList(s.split(" ")).subList(0, Math.min(words, s.split(" ").length)))).toList();
    List<String> heads = all.stream().map(s -> FirstPhrase.cut(s) < 0 ? s
        : s.substring(0, FirstPhrase.cut(s))).toList();
    // interleaved, sentence by sentence, so that the machine's load weighs on the three alike
    String[] what = {"whole sentence", "first " + words + " words", "first phrase"};
    List<List<String>> texts = List.of(all, cut, heads);
    double[][][] t = new double[3][all.size()][];
    for (int i = 0; i < all.size(); i++) {
      for (int k = 0; k < 3; k++) {
        t[k][i] = run(mary, texts.get(k).get(i), voice.sampleRate());
      }
    }
    for (int k = 0; k < 3; k++) {
      report(what[k], t[k]);
    }
    System.exit(0);
  }

  private static void report(String what, double[][] t) {
    System.out.printf("%-16s front end p50 %5.1f ms | parameters p50 %5.1f ms | first 30 ms read"
        + " p50 %4.1f ms | first audio p50 %5.1f ms, max %5.1f ms | whole sentence p50 %5.1f ms%n",
        what, p50(t, 0), p50(t, 1), p50(t, 2), p50(t, 3), max(t, 3), p50(t, 4));
  }

  /** Returns {front end, parameters, first read, first audio, all audio} in ms. */
  private static double[] run(LocalMaryInterface mary, String text, int rate) throws Exception {
    long t0 = System.nanoTime();
    mary.setInputType("TEXT");
    mary.setOutputType("ACOUSTPARAMS");
    Document doc = mary.generateXML(text);
    long t1 = System.nanoTime();
    mary.setInputType("ACOUSTPARAMS");
    mary.setOutputType("AUDIO");
    AudioInputStream ais = mary.generateAudio(doc);
    long t2 = System.nanoTime();
    byte[] buf = new byte[4096];
    int n = ais.read(buf, 0, rate * 2 * MaryVoice.FIRST_READ_MILLIS / 1000);
    long t3 = System.nanoTime();
    while (n != -1) {
      n = ais.read(buf);
    }
    long t4 = System.nanoTime();
    return new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t3 - t0) / 1e6,
        (t4 - t0) / 1e6};
  }

  private static double p50(double[][] t, int k) {
    double[] v = Arrays.stream(t).mapToDouble(r -> r[k]).sorted().toArray();
    return v[v.length / 2];
  }

  private static double max(double[][] t, int k) {
    return Arrays.stream(t).mapToDouble(r -> r[k]).max().orElse(0);
  }
}
