package io.voicewire.engine.local;

import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.Transcript;
import io.voicewire.speech.VadParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A canary tenant's commit latency beside a hostile tenant's realtime streams fed bursts of
 * speech (300 ms speech, 300 ms silence, one chunk each) as fast as the engine takes them, as the
 * soak's {@code stt-burst-flood} does through the server (not a test: run it by hand; see
 * docs/soak.md). Prints each canary commit's latency (commit sent → committed transcript) and
 * the model sets' load every 250 ms. Arguments: flood streams (default 3), seconds (default
 * 60), {@code vad} (default: the floods commit at each speech end, under the core {@link
 * io.voicewire.speech.CommitPolicy}) or {@code novad} (they never commit), canary streams
 * (default 1; the soak runs 3). Also prints each canary utterance's first partial latency (the
 * chunk where its speech starts sent → first partial with words).
 */
public final class FloodCanaryProbe {
  private FloodCanaryProbe() {}

  public static void main(String[] args) throws Exception {
    int floods = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    int canaries = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    io.voicewire.speech.CommitStrategy floodCommits = args.length > 2 && args[2].equals("novad")
        ? io.voicewire.speech.CommitStrategy.MANUAL : io.voicewire.speech.CommitStrategy.VAD;
    LocalSpeechProvider local = LocalSpeechProvider.builder().build();
    local.awaitReady(300, TimeUnit.SECONDS);
    byte[] speech = SpeechClips.pcm16k(local, LocalSpeechProvider.VOICE_SLT,
        "The quick brown fox jumps over the lazy dog.");
    byte[] burst = SpeechClips.concat(Arrays.copyOf(speech, 16_000 * 2 * 3 / 10),
        SpeechClips.silence(300));
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Thread> threads = new ArrayList<>();
    for (int f = 0; f < floods; f++) {
      threads.add(Thread.ofPlatform().daemon().name("flood-" + f).start(() -> {
        while (System.nanoTime() < end) {
          SttSession s = io.voicewire.speech.CommitPolicy.apply(local.openStt(
              SttRequest.builder().tenant("hostile")
                  .commitStrategy(floodCommits).build(),
              new SttListener() {}));
          outer:
          for (int b = 0; b < 200 && System.nanoTime() < end; b++) {
            while (!s.sendAudio(burst)) {
              if (System.nanoTime() >= end) {
                break outer;
              }
              sleep(5);
            }
          }
          s.cancel();
        }
      }));
    }
    Thread.ofPlatform().daemon().name("load").start(() -> {
      while (System.nanoTime() < end) {
        io.voicewire.engine.local.SttLoad l = local.sttLoad();
        System.out.printf("%d load decoding=%s busy=%s waiting=%s open=%d%n",
            System.currentTimeMillis() % 100_000, Arrays.toString(l.decoding()),
            Arrays.toString(l.busyShare()), Arrays.toString(l.meanWaiting()),
            local.engine().sttOpen());
        sleep(250);
      }
    });
    sleep(3000);
    List<Long> commits = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Long> partials = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> canaryThreads = new ArrayList<>();
    for (int c = 0; c < canaries; c++) {
      int n = c;
      canaryThreads.add(Thread.ofPlatform().daemon().name("canary-" + c).start(() -> {
        try {
          canary(local, n, speech, end, commits, partials);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
      sleep(1500 / canaries);
    }
    for (Thread t : canaryThreads) {
      t.join(TimeUnit.SECONDS.toMillis(seconds + 60));
    }
    System.out.println("canary commits (ms, sorted): " + sorted(commits));
    System.out.println("canary speech sent -> first partial (ms, sorted): " + sorted(partials));
    for (Thread t : threads) {
      t.join(30_000);
    }
    local.close();
  }

  /**
   * One canary: speaks the clip at real time (100 ms chunks, after 300 ms of silence), commits,
   * waits for the committed transcript, pauses 1 s, again until {@code end}.
   */
  private static void canary(LocalSpeechProvider local, int n, byte[] speech, long end,
      List<Long> commits, List<Long> partials) throws InterruptedException {
    LinkedBlockingQueue<Long> committed = new LinkedBlockingQueue<>();
    java.util.concurrent.atomic.AtomicLong firstPartial = new java.util.concurrent.atomic.AtomicLong();
    SttSession canary = local.openStt(SttRequest.builder().tenant("canary")
        .vad(new VadParams(0.3, 0.4, 100, 100)).build(), new SttListener() {
          @Override
          public void onPartial(Transcript t) {
            if (!t.text().isBlank()) {
              firstPartial.compareAndSet(0, System.nanoTime());
            }
          }

          @Override
          public void onCommitted(Transcript t) {
            committed.add(System.nanoTime());
          }

          @Override
          public void onFailure(io.voicewire.speech.SpeechError e) {
            System.out.println("canary-" + n + " failed: " + e);
          }
        });
    byte[] clip = SpeechClips.concat(SpeechClips.silence(300), speech);
    while (System.nanoTime() < end) {
      firstPartial.set(0);
      long speechSent = 0;
      for (int off = 0; off < clip.length; off += 3200) {
        if (off == 3200 * 3) {
          speechSent = System.nanoTime(); // the chunk where speech starts
        }
        canary.sendAudio(Arrays.copyOfRange(clip, off, Math.min(clip.length, off + 3200)));
        sleep(100);
      }
      long t0 = System.nanoTime();
      canary.commit();
      Long t1 = committed.poll(30, TimeUnit.SECONDS);
      long ms = t1 == null ? -1 : (t1 - t0) / 1_000_000;
      commits.add(ms);
      long fp = firstPartial.get();
      if (fp != 0) {
        partials.add((fp - speechSent) / 1_000_000);
      }
      System.out.println(System.currentTimeMillis() % 100_000 + " canary-" + n + " commit " + ms
          + " ms, first partial " + (fp == 0 ? "none" : (fp - speechSent) / 1_000_000 + " ms"));
      sleep(1000);
    }
    canary.cancel();
  }

  private static List<Long> sorted(List<Long> values) {
    synchronized (values) {
      List<Long> out = new ArrayList<>(values);
      out.sort(null);
      return out;
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
