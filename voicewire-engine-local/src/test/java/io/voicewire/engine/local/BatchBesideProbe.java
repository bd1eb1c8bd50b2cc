package io.voicewire.engine.local;

import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.Transcript;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What holding back decoding ahead of real time beside another key costs a batch transcription
 * (not a test: run it by hand; see docs/engine.md). One key's session is fed a long recording as
 * fast as the engine takes it, then committed; the time to its committed transcript is measured
 * alone, and beside another key's open realtime session that is silent (its key is not speaking,
 * so nothing holds the batch back: {@code DecodePace.holdsBack}), in turns. Arguments: seconds of
 * audio (default 30), rounds (default 3).
 */
public final class BatchBesideProbe {
  private BatchBesideProbe() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    LocalSpeechProvider local = LocalSpeechProvider.builder().build();
    local.awaitReady(300, TimeUnit.SECONDS);
    byte[] sentence = SpeechClips.concat(SpeechClips.pcm16k(local, LocalSpeechProvider.VOICE_SLT,
        "Please call me back tomorrow morning when you get home."), SpeechClips.silence(700));
    byte[] audio = new byte[seconds * 32_000];
    for (int at = 0; at < audio.length; at += sentence.length) {
      System.arraycopy(sentence, 0, audio, at, Math.min(sentence.length, audio.length - at));
    }
    for (int r = 0; r < rounds; r++) {
      awaitNoStt(local);
      double alone = transcribe(local, audio, "batch-" + r + "a");
      SttSession other = local.openStt(SttRequest.builder().tenant("other-" + r).build(),
          new SttListener() {});
      other.sendAudio(new byte[320]); // open, silent (a microphone between utterances)
      double silent = transcribe(local, audio, "batch-" + r + "b");
      other.cancel();
      awaitNoStt(local);
      System.out.printf(Locale.ROOT, "round %d: %d s of audio, alone %.1f s (%.1fx real time),"
              + " beside another key's silent session %.1f s (%.1fx real time), ratio %.2f%n", r,
          seconds, alone, seconds / alone, silent, seconds / silent, silent / alone);
    }
    local.close();
  }

  private static void awaitNoStt(LocalSpeechProvider local) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (local.engine().sttOpen() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /** Seconds from the first chunk to the committed transcript. */
  private static double transcribe(LocalSpeechProvider local, byte[] audio, String tenant)
      throws Exception {
    LinkedBlockingQueue<Transcript> committed = new LinkedBlockingQueue<>();
    SttSession s = local.openStt(SttRequest.builder().tenant(tenant).build(), new SttListener() {
      @Override
      public void onCommitted(Transcript t) {
        committed.add(t);
      }
    });
    long t0 = System.nanoTime();
    for (int at = 0; at < audio.length; ) {
      byte[] chunk = Arrays.copyOfRange(audio, at, Math.min(audio.length, at + 3_200));
      if (s.sendAudio(chunk)) {
        at += chunk.length;
      } else {
        Thread.sleep(5);
      }
    }
    s.commit();
    Transcript t = committed.poll(600, TimeUnit.SECONDS);
    double secs = (System.nanoTime() - t0) / 1e9;
    s.close();
    if (t == null) {
      throw new IllegalStateException("no committed transcript within 600 s");
    }
    return secs;
  }
}
