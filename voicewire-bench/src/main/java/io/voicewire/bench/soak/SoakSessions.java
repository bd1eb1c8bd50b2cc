package io.voicewire.bench.soak;

import io.voicewire.audio.AudioFormat;
import io.voicewire.client.ConnectionStatus;
import io.voicewire.client.MultiContextTts;
import io.voicewire.client.SttStream;
import io.voicewire.client.TtsStream;
import io.voicewire.client.VoiceClient;
import io.voicewire.protocol.ErrorPolicy;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.Transcript;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The three kinds of soak session, each run once per call on the calling (virtual) thread, with
 * its audit: TTS {@code stream-input} and multi-context TTS check that every character was
 * voiced exactly once (the alignment of all audio delivered, joined, equals the text sent); STT
 * realtime checks that each manual commit came back exactly once, at its place on the stream's
 * audio timeline, and that the committed words equal the words the same server committed for the
 * same clip on a clean connection.
 *
 * <p>Thread safe: sessions share only {@link SoakStats}.
 */
final class SoakSessions {
  /** Longest a session may take from open to its terminal event. */
  static final long SESSION_TIMEOUT_SECONDS = 300;
  /** Audio per STT message, ms (the guide recommends 0.1–1 s). */
  static final int STT_CHUNK_MILLIS = 100;
  /** Silence before and after the speech of each STT clip, ms. */
  static final int CLIP_PAD_MILLIS = 300;
  /** Bytes per millisecond of 16 kHz 16-bit mono PCM. */
  static final int PCM16K_BYTES_PER_MS = 32;

  /** Where a latency goes: called with the start of the interval, when it ends (now). */
  @FunctionalInterface
  interface Timing {
    void since(long startNanos);
  }

  /** A short recording for STT sessions with its transcript on a clean connection. */
  record Clip(String text, byte[] pcm16k, String reference) {}

  private final SoakStats stats;
  private final List<String> texts;
  private volatile List<Clip> clips = List.of();

  SoakSessions(SoakStats stats, List<String> texts) {
    this.stats = stats;
    this.texts = List.copyOf(texts);
  }

  void clips(List<Clip> c) {
    this.clips = List.copyOf(c);
  }

  static TtsRequest ttsRequest(String voice) {
    return VoiceClient.ttsRequest(voice).toBuilder().outputFormat(AudioFormat.PCM_16000).build();
  }

  static SttRequest sttRequest() {
    return SttRequest.builder().audioFormat(AudioFormat.PCM_16000)
        .commitStrategy(CommitStrategy.MANUAL).build();
  }

  String text(Random r) {
    int sentences = 1 + r.nextInt(3);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < sentences; i++) {
      sb.append(i == 0 ? "" : " ").append(texts.get(r.nextInt(texts.size())));
    }
    return sb.toString();
  }

  /** One {@code stream-input} utterance sent as LLM-style 1–6 character pieces. */
  void tts(VoiceClient client, String voice, Random r, Timing firstAudio, String kind)
      throws InterruptedException {
    String text = text(r);
    StringBuilder aligned = new StringBuilder();
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    AtomicLong firstAt = new AtomicLong();
    AtomicLong endAt = new AtomicLong();
    AtomicBoolean refused = new AtomicBoolean();
    TtsStream s = client.newTtsStream(ttsRequest(voice), new TtsStream.Listener() {
      @Override
      public void onStatus(ConnectionStatus st) {
        admission(kind, st, refused);
      }

      @Override
      public void onAudio(TtsAudio a) {
        if (firstAt.get() != 0) {
          firstAudio.since(firstAt.getAndSet(0));
        }
        if (a.alignment() != null) {
          aligned.append(a.alignment().text());
        }
      }

      @Override
      public void onClosed(boolean complete) {
        if (endAt.get() != 0 && kind.equals("tts")) {
          stats.ttsTotal.recordSinceNanos(endAt.get());
        }
        done.complete(complete);
      }

      @Override
      public void onFailure(SpeechError e) {
        failed(kind, e);
        done.complete(false);
      }
    });
    stats.inc(kind + ".sessions");
    firstAt.set(System.nanoTime());
    if (!sendInPieces(text, r, s::send)) {
      stats.error(kind + ":text_refused");
    }
    endAt.set(System.nanoTime());
    s.end();
    boolean complete = await(done, kind, s::cancel);
    stats.add(kind + ".reconnects", s.metrics().reconnects());
    auditChars(kind, text, aligned.toString(), complete);
  }

  /** One multi-context socket with 2–3 contexts fed in turns, then closed one by one. */
  void multi(VoiceClient client, String voice, Random r, int n) throws InterruptedException {
    CompletableFuture<Void> socketDone = new CompletableFuture<>();
    AtomicBoolean refused = new AtomicBoolean();
    MultiContextTts m = client.newMultiContextTts(ttsRequest(voice), new MultiContextTts.Listener() {
      @Override
      public void onStatus(ConnectionStatus st) {
        admission("multi", st, refused);
      }

      @Override
      public void onClosed() {
        socketDone.complete(null);
      }

      @Override
      public void onFailure(SpeechError e) {
        failed("multi", e);
        socketDone.complete(null);
      }
    });
    stats.inc("multi.sessions");
    int count = 2 + r.nextInt(2);
    List<String> sent = new ArrayList<>();
    List<StringBuilder> aligned = new ArrayList<>();
    List<CompletableFuture<Boolean>> closed = new ArrayList<>();
    List<MultiContextTts.Context> contexts = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        StringBuilder a = new StringBuilder();
        CompletableFuture<Boolean> c = new CompletableFuture<>();
        AtomicLong firstAt = new AtomicLong(System.nanoTime());
        MultiContextTts.Context ctx = m.openContext("s" + n + "-" + i,
            new MultiContextTts.ContextListener() {
              @Override
              public void onAudio(TtsAudio audio) {
                if (firstAt.get() != 0) {
                  stats.multiFirstAudio.recordSinceNanos(firstAt.getAndSet(0));
                }
                if (audio.alignment() != null) {
                  a.append(audio.alignment().text());
                }
              }

              @Override
              public void onClosed(boolean complete) {
                c.complete(complete);
              }

              @Override
              public void onFailure(SpeechError e) {
                c.complete(false);
              }
            }).get(SESSION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        contexts.add(ctx);
        sent.add(text(r));
        aligned.add(a);
        closed.add(c);
        stats.inc("multi.contexts");
      }
      for (int i = 0; i < count; i++) {
        MultiContextTts.Context ctx = contexts.get(i);
        if (!sendInPieces(sent.get(i), r, ctx::send)) {
          stats.error("multi:text_refused");
        }
        ctx.close();
      }
      for (int i = 0; i < count; i++) {
        boolean complete = await(closed.get(i), "multi", m::cancel);
        auditChars("multi", sent.get(i), aligned.get(i).toString(), complete);
      }
      m.end();
      await(socketDone.thenApply(x -> true), "multi", m::cancel);
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      stats.error("multi:open_context:" + e.getClass().getSimpleName());
      m.cancel();
    } finally {
      stats.add("multi.reconnects", m.metrics().reconnects());
    }
  }

  /**
   * One realtime STT stream: 1–2 clips at real time, each followed by a manual commit.
   * {@code partialLatency} (may be null) gets the time from sending the chunk where the first
   * clip's speech starts (after its silent pad) to the first partial with words.
   */
  void stt(VoiceClient client, Random r, Timing commitLatency, Timing partialLatency,
      String kind) throws InterruptedException {
    List<Clip> pool = clips;
    if (pool.isEmpty()) {
      return;
    }
    List<Transcript> commits = new CopyOnWriteArrayList<>();
    List<Long> commitSentNanos = new CopyOnWriteArrayList<>();
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    AtomicLong speechSentAt = new AtomicLong();
    AtomicBoolean refused = new AtomicBoolean();
    SttStream s = client.newSttStream(sttRequest(), new SttStream.Listener() {
      @Override
      public void onStatus(ConnectionStatus st) {
        admission(kind, st, refused);
      }

      @Override
      public void onPartial(Transcript t) {
        long at = speechSentAt.get();
        if (partialLatency != null && at > 0 && !t.text().isBlank()
            && speechSentAt.compareAndSet(at, -1)) {
          partialLatency.since(at);
        }
      }

      @Override
      public void onCommitted(Transcript t) {
        int i = commits.size();
        commits.add(t);
        if (i < commitSentNanos.size()) {
          commitLatency.since(commitSentNanos.get(i));
        }
      }

      @Override
      public void onClosed() {
        done.complete(true);
      }

      @Override
      public void onFailure(SpeechError e) {
        failed(kind, e);
        done.complete(false);
      }
    });
    stats.inc(kind + ".sessions");
    List<Clip> sent = new ArrayList<>();
    List<Long> commitEndsMs = new ArrayList<>();
    long offset = 0;
    int n = 1 + r.nextInt(2);
    int speechStart = CLIP_PAD_MILLIS * PCM16K_BYTES_PER_MS;
    outer:
    for (int k = 0; k < n; k++) {
      Clip clip = pool.get(r.nextInt(pool.size()));
      int step = STT_CHUNK_MILLIS * PCM16K_BYTES_PER_MS;
      for (int i = 0; i < clip.pcm16k().length; i += step) {
        if (!s.sendAudio(clip.pcm16k(), i, Math.min(step, clip.pcm16k().length - i))) {
          stats.error(kind + ":audio_refused");
          break outer;
        }
        if (k == 0 && i + step > speechStart && speechSentAt.get() == 0) {
          speechSentAt.set(System.nanoTime());
        }
        Thread.sleep(STT_CHUNK_MILLIS);
      }
      offset += clip.pcm16k().length;
      sent.add(clip);
      commitEndsMs.add(offset / PCM16K_BYTES_PER_MS);
      commitSentNanos.add(System.nanoTime());
      s.commit();
    }
    s.end();
    boolean complete = await(done, kind, s::cancel);
    io.voicewire.client.StreamMetrics m = s.metrics();
    stats.add(kind + ".reconnects", m.reconnects());
    auditStt(kind, sent, commitEndsMs, commits, complete, m);
  }

  private void auditStt(String kind, List<Clip> sent, List<Long> ends, List<Transcript> commits,
      boolean complete, io.voicewire.client.StreamMetrics m) {
    boolean resumed = m.reconnects() > 0;
    long matched = 0;
    List<Transcript> left = new ArrayList<>(commits);
    for (long end : ends) {
      Transcript hit = left.stream().filter(t -> Math.abs(t.audioEndMs() - end) <= 2)
          .findFirst().orElse(null);
      if (hit != null) {
        left.remove(hit);
        matched++;
      }
    }
    stats.add(kind + ".commits", ends.size());
    if (!complete) {
      stats.inc(kind + ".incomplete");
      return; // a failure is counted as an error; what it cut short is not "lost" content
    }
    stats.add(kind + ".lostCommits", ends.size() - matched);
    stats.add(kind + ".repeatedCommits", left.size());
    if (!left.isEmpty()) {
      // what an unmatched committed transcript is: its place, its words, and what the stream did
      stats.sample(kind + ": committed transcript(s) not at a commit sent: " + left.stream()
          .map(t -> t.audioStartMs() + "-" + t.audioEndMs() + " ms \"" + t.text() + "\"")
          .toList() + "; commits sent at " + ends + " ms; " + SttReference.streamDetail(commits, m));
    }
    // Words: the recognizer's own variance shows up here too, so this is told apart by whether
    // the session resumed (a resume that dropped or replayed audio twice shows up only there).
    String expected = String.join(" ", sent.stream().map(Clip::reference).toList());
    String got = String.join(" ", commits.stream().map(Transcript::text).toList());
    Audit.Result words = Audit.words(expected, got);
    String group = kind + (resumed ? ".resumed" : ".clean");
    stats.add(group + ".words", Audit.split(expected).size());
    stats.add(group + ".wordsMissing", words.lost());
    stats.add(group + ".wordsExtra", words.repeated());
    if (!words.clean()) {
      stats.sample(kind + (resumed ? " (resumed)" : "") + ": expected \"" + expected
          + "\", committed \"" + got + "\"; " + SttReference.streamDetail(commits, m));
    }
  }

  private void auditChars(String kind, String text, String aligned, boolean complete) {
    stats.add(kind + ".chars", text.length());
    if (!complete) {
      stats.inc(kind + ".incomplete");
      return;
    }
    stats.inc(kind + ".completed");
    Audit.Result a = Audit.chars(text.stripTrailing(), aligned.stripTrailing());
    stats.add(kind + ".lostChars", a.lost());
    stats.add(kind + ".repeatedChars", a.repeated());
  }

  private void failed(String kind, SpeechError e) {
    stats.error(kind + ":" + e.code().wireName());
    if (ErrorPolicy.retry(e.code()) == ErrorPolicy.Retry.LATER) {
      stats.inc(kind + ".refusedForGood"); // the SDK gave up after capacity refusals
    }
  }

  /**
   * Admission: a capacity refusal ({@code resource_exhausted}, {@code rate_limited}, 1013, 429)
   * that the SDK will retry later is counted, and its session once as refused.
   */
  private void admission(String kind, ConnectionStatus st, AtomicBoolean refused) {
    if (st.state() == ConnectionStatus.State.CAPACITY_REFUSAL) {
      stats.inc(kind + ".capacityRefusals");
      if (refused.compareAndSet(false, true)) {
        stats.inc(kind + ".refusedSessions");
      }
    }
  }

  private boolean await(CompletableFuture<Boolean> done, String kind, Runnable cancel)
      throws InterruptedException {
    try {
      return done.get(SESSION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      stats.error(kind + ":timeout");
      cancel.run();
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      stats.error(kind + ":" + e.getCause().getClass().getSimpleName());
      return false;
    }
  }

  /**
   * Sends {@code text} in 1–6 character pieces, 0–20 ms apart, like an LLM's tokens. False when
   * a piece was refused (the rest is not sent).
   */
  static boolean sendInPieces(String text, Random r, java.util.function.Predicate<String> send)
      throws InterruptedException {
    for (int i = 0; i < text.length(); ) {
      int end = Math.min(text.length(), i + 1 + r.nextInt(6));
      if (!send.test(text.substring(i, end))) {
        return false;
      }
      i = end;
      int pause = r.nextInt(21);
      if (pause > 0) {
        Thread.sleep(pause);
      }
    }
    return true;
  }
}
