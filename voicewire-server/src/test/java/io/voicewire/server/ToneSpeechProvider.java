package io.voicewire.server;

import io.voicewire.audio.AudioFormat;
import io.voicewire.speech.Alignment;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.ModelInfo;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SpeechProvider;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.Transcript;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsListener;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import io.voicewire.speech.VoiceInfo;
import io.voicewire.speech.Word;
import io.voicewire.speech.text.TextReleaser;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic speech engine for protocol tests: a test double of the offline engine that
 * implements the SPI honestly (asynchronous, serial listener calls, the shared
 * {@link TextReleaser} for the schedule, flush and {@code auto_mode}).
 *
 * <ul>
 *   <li>TTS: every character becomes {@code msPerChar} of a sine tone (frequency from the
 *       character) in the requested format, in chunks of at most {@code chunkChars} characters,
 *       with exact chunk-relative alignment. MP3 and Opus fail with {@code unsupported}; an
 *       unknown voice fails with {@code invalid_request}.
 *   <li>STT: an energy recogniser over 20 ms frames. Each voiced run is a word named by its pitch
 *       (440 Hz "alpha", 660 "bravo", 880 "charlie", 1100 "delta", else "tone"); partials every
 *       100 ms of speech, committed on {@code commit()}, on VAD silence, at the 90 s auto-commit
 *       and on close.
 * </ul>
 *
 * <p>Thread safe.
 */
final class ToneSpeechProvider implements SpeechProvider {
  static final String VOICE = "tone-alpha";
  static final String VOICE_2 = "tone-beta";
  static final int AUTO_COMMIT_MILLIS = 90_000;
  static final Map<Integer, String> WORDS = Map.of(440, "alpha", 660, "bravo", 880, "charlie",
      1100, "delta");

  final int msPerChar;
  final int chunkChars;
  final long chunkDelayMillis;
  final long sttFailAfterMillis;
  final long sttDelayPerChunkMillis;
  final int sttMaxQueuedChunks;
  volatile boolean ready = true;
  volatile TtsRequest lastTtsRequest;
  volatile SttRequest lastSttRequest;
  /** The fairness key of every session opened, in order ("null" for the shared tenant). */
  final java.util.Queue<String> tenants = new java.util.concurrent.ConcurrentLinkedQueue<>();
  final AtomicInteger openTts = new AtomicInteger();
  final AtomicInteger openStt = new AtomicInteger();
  /** TTS sessions closed before their end (cancelled), to watch work stop. */
  final AtomicInteger ttsCancelled = new AtomicInteger();
  /** TTS audio chunks synthesised so far, by every session (to watch work stop). */
  final AtomicInteger ttsChunksMade = new AtomicInteger();
  /** STT audio chunks decoded so far, by every session (to watch work stop). */
  final AtomicInteger sttChunksProcessed = new AtomicInteger();
  /** STT audio bytes accepted by {@code sendAudio}, by every session. */
  final java.util.concurrent.atomic.AtomicLong sttBytesReceived =
      new java.util.concurrent.atomic.AtomicLong();
  /** STT sessions {@code cancel()}led. */
  final AtomicInteger sttCancelled = new AtomicInteger();
  /** Whether STT sessions honour {@code cancel()} (else it falls back to {@code close()}). */
  final boolean sttCancellable;
  private final ExecutorService pool;
  private final AtomicInteger ids = new AtomicInteger();

  private ToneSpeechProvider(Builder b) {
    this.msPerChar = b.msPerChar;
    this.chunkChars = b.chunkChars;
    this.chunkDelayMillis = b.chunkDelayMillis;
    this.sttFailAfterMillis = b.sttFailAfterMillis;
    this.sttDelayPerChunkMillis = b.sttDelayPerChunkMillis;
    this.sttMaxQueuedChunks = b.sttMaxQueuedChunks;
    this.sttCancellable = b.sttCancellable;
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "tone-engine-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  static ToneSpeechProvider create() {
    return builder().build();
  }

  static Builder builder() {
    return new Builder();
  }

  static final class Builder {
    int msPerChar = 10;
    int chunkChars = 20;
    long chunkDelayMillis;
    long sttFailAfterMillis = -1;
    long sttDelayPerChunkMillis;
    int sttMaxQueuedChunks = 1024;
    boolean sttCancellable = true;

    Builder sttCancellable(boolean v) {
      sttCancellable = v;
      return this;
    }

    Builder msPerChar(int v) {
      msPerChar = v;
      return this;
    }

    Builder chunkChars(int v) {
      chunkChars = v;
      return this;
    }

    Builder chunkDelayMillis(long v) {
      chunkDelayMillis = v;
      return this;
    }

    Builder sttFailAfterMillis(long v) {
      sttFailAfterMillis = v;
      return this;
    }

    Builder sttDelayPerChunkMillis(long v) {
      sttDelayPerChunkMillis = v;
      return this;
    }

    Builder sttMaxQueuedChunks(int v) {
      sttMaxQueuedChunks = v;
      return this;
    }

    ToneSpeechProvider build() {
      return new ToneSpeechProvider(this);
    }
  }

  @Override
  public String name() {
    return "tone";
  }

  @Override
  public boolean isReady() {
    return ready;
  }

  @Override
  public List<VoiceInfo> voices() {
    return List.of(
        new VoiceInfo(VOICE, "Alpha", "premade", Map.of("accent", "sine"), "A pure tone", 24000),
        new VoiceInfo(VOICE_2, "Beta", "premade", Map.of("accent", "sine"), "Another tone",
            16000));
  }

  @Override
  public List<ModelInfo> models() {
    return List.of(
        new ModelInfo("tone_tts_v1", "Tone TTS", "Sine tones per character", true, false,
            List.of("en")),
        new ModelInfo("tone_stt_v1", "Tone STT", "Tones to words", false, true, List.of("en")));
  }

  @Override
  public TtsSession openTts(TtsRequest request, TtsListener listener) {
    lastTtsRequest = request;
    tenants.add(String.valueOf(request.tenant()));
    openTts.incrementAndGet();
    return new Tts(request, listener);
  }

  @Override
  public SttSession openStt(SttRequest request, SttListener listener) {
    lastSttRequest = request;
    tenants.add(String.valueOf(request.tenant()));
    openStt.incrementAndGet();
    return new Stt(request, listener);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  /** Runs tasks one at a time, in order, on the shared pool. */
  private final class Serial {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    void submit(Runnable r) {
      synchronized (this) {
        tasks.add(r);
        if (running) {
          return;
        }
        running = true;
      }
      pool.execute(this::drain);
    }

    int queued() {
      synchronized (this) {
        return tasks.size();
      }
    }

    /** Drops every task not yet started. */
    void clear() {
      synchronized (this) {
        tasks.clear();
      }
    }

    private void drain() {
      while (true) {
        Runnable r;
        synchronized (this) {
          r = tasks.poll();
          if (r == null) {
            running = false;
            return;
          }
        }
        r.run();
      }
    }
  }

  // ------------------------------------------------------------------------------------ TTS

  private enum St {
    OPEN,
    ENDING,
    CLOSED
  }

  private final class Tts implements TtsSession {
    private final TtsRequest request;
    private final TtsListener listener;
    private final Serial serial = new Serial();
    private final TextReleaser releaser;
    private St state = St.OPEN;
    private volatile boolean cancelled;
    private boolean terminal;

    Tts(TtsRequest request, TtsListener listener) {
      this.request = request;
      this.listener = listener;
      this.releaser = new TextReleaser(request.chunkLengthSchedule(), request.autoMode());
      AudioFormat f = request.outputFormat();
      if (!f.isDecodable()) {
        fail(new SpeechError(ErrorCode.UNSUPPORTED, "output_format " + f.wireName()
            + " is not supported by this backend (tone): use pcm_8000 to pcm_48000, ulaw_8000 "
            + "or alaw_8000"));
      } else if (!request.voiceId().equals(VOICE) && !request.voiceId().equals(VOICE_2)) {
        fail(new SpeechError(ErrorCode.INVALID_REQUEST, "voice_not_found: no voice '"
            + request.voiceId() + "'"));
      }
    }

    private void fail(SpeechError e) {
      synchronized (this) {
        state = St.CLOSED;
      }
      serial.submit(() -> terminal(() -> listener.onFailure(e)));
    }

    private void terminal(Runnable r) {
      synchronized (this) {
        if (terminal) {
          return;
        }
        terminal = true;
      }
      r.run();
    }

    @Override
    public TtsRequest request() {
      return request;
    }

    @Override
    public boolean send(String text) {
      List<String> pieces;
      synchronized (this) {
        if (state != St.OPEN) {
          return false;
        }
        pieces = releaser.append(text);
      }
      synth(pieces);
      return true;
    }

    @Override
    public boolean flush() {
      List<String> pieces;
      synchronized (this) {
        if (state != St.OPEN) {
          return false;
        }
        pieces = releaser.flush();
      }
      synth(pieces);
      serial.submit(() -> {
        if (!cancelled) {
          listener.onFlushed();
        }
      });
      return true;
    }

    @Override
    public boolean tryTrigger() {
      List<String> pieces;
      synchronized (this) {
        if (state != St.OPEN) {
          return false;
        }
        pieces = releaser.tryTrigger();
      }
      synth(pieces);
      return true;
    }

    @Override
    public boolean end() {
      List<String> pieces;
      synchronized (this) {
        if (state != St.OPEN) {
          return false;
        }
        state = St.ENDING;
        pieces = releaser.flush();
      }
      synth(pieces);
      serial.submit(() -> {
        if (!cancelled) {
          terminal(() -> listener.onClosed(true));
        }
      });
      return true;
    }

    /** close_context: what the releaser still holds (never flushed) is dropped. */
    @Override
    public boolean closeContext() {
      synchronized (this) {
        if (state != St.OPEN) {
          return false;
        }
        state = St.ENDING;
      }
      serial.submit(() -> {
        if (!cancelled) {
          terminal(() -> listener.onClosed(true));
        }
      });
      return true;
    }

    @Override
    public void close() {
      synchronized (this) {
        if (state == St.CLOSED) {
          return;
        }
        if (state == St.OPEN || !terminal) {
          ttsCancelled.incrementAndGet();
        }
        state = St.CLOSED;
      }
      cancelled = true;
      serial.submit(() -> terminal(() -> listener.onClosed(false)));
    }

    private void synth(List<String> pieces) {
      for (String p : pieces) {
        serial.submit(() -> synthPiece(p));
      }
    }

    private void synthPiece(String piece) {
      AudioFormat f = request.outputFormat();
      double ms = msPerChar / request.voiceSettings().speed();
      for (int from = 0; from < piece.length(); from += chunkChars) {
        if (cancelled) {
          return;
        }
        if (chunkDelayMillis > 0) {
          try {
            Thread.sleep(chunkDelayMillis);
          } catch (InterruptedException e) {
            return;
          }
        }
        if (cancelled) {
          return;
        }
        String chunk = piece.substring(from, Math.min(piece.length(), from + chunkChars));
        List<String> chars = new ArrayList<>();
        int[] starts = new int[chunk.length()];
        int[] durs = new int[chunk.length()];
        byte[][] parts = new byte[chunk.length()][];
        int total = 0;
        int t = 0;
        for (int i = 0; i < chunk.length(); i++) {
          char c = chunk.charAt(i);
          chars.add(String.valueOf(c));
          int d = (int) Math.round(ms);
          starts[i] = t;
          durs[i] = d;
          t += d;
          short[] pcm = Tones.sine(Character.isWhitespace(c) ? 0 : 300 + (c % 32) * 25, d,
              f.sampleRate());
          parts[i] = Tones.encode(pcm, f);
          total += parts[i].length;
        }
        byte[] audio = new byte[total];
        int off = 0;
        for (byte[] p : parts) {
          System.arraycopy(p, 0, audio, off, p.length);
          off += p.length;
        }
        Alignment al = new Alignment(chars, starts, durs);
        ttsChunksMade.incrementAndGet();
        listener.onAudio(new TtsAudio(audio, al, al));
      }
    }
  }

  // ------------------------------------------------------------------------------------ STT

  private final class Stt implements SttSession {
    private final SttRequest request;
    private final SttListener listener;
    private final Serial serial = new Serial();
    private final int frameSamples;
    private final String id = "tone-" + ids.incrementAndGet();
    private volatile boolean closed;
    private volatile boolean cancelled;
    private boolean terminal;
    private long receivedBytes;

    // engine thread only
    private short[] frameBuf;
    private int frameFill;
    private long samplesDone;
    private final List<Word> words = new ArrayList<>();
    private long runStartSample = -1;
    private long runZeroCrossings;
    private short lastSample;
    private long lastSpeechEndSample = -1;
    private long segmentStartSample;
    private long sinceCommitSamples;
    private long nextPartialSample;
    private boolean pending;

    Stt(SttRequest request, SttListener listener) {
      this.request = request;
      this.listener = listener;
      this.frameSamples = request.audioFormat().sampleRate() / 50;
      this.frameBuf = new short[frameSamples];
      serial.submit(() -> listener.onStarted(id));
    }

    @Override
    public SttRequest request() {
      return request;
    }

    @Override
    public boolean sendAudio(byte[] audio) {
      synchronized (this) {
        if (closed) {
          return false;
        }
        if (serial.queued() >= sttMaxQueuedChunks) {
          return false;
        }
        receivedBytes += audio.length;
        sttBytesReceived.addAndGet(audio.length);
      }
      byte[] copy = audio.clone();
      serial.submit(() -> process(copy));
      return true;
    }

    @Override
    public boolean commit() {
      synchronized (this) {
        if (closed) {
          return false;
        }
      }
      serial.submit(this::commitNow);
      return true;
    }

    @Override
    public long audioReceivedMs() {
      synchronized (this) {
        return Math.round(request.audioFormat().millisForBytes(receivedBytes));
      }
    }

    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      serial.submit(() -> {
        if (terminal) {
          return;
        }
        if (pending) {
          commitNow();
        }
        if (!terminal) {
          terminal = true;
          listener.onClosed();
        }
      });
    }

    /**
     * Drops queued chunks and stops decoding; {@code onClosed} follows once the chunk being
     * decoded (if any) is done, so it marks the end of all this session's work.
     */
    @Override
    public void cancel() {
      if (!sttCancellable) {
        close();
        return;
      }
      synchronized (this) {
        if (!cancelled) {
          sttCancelled.incrementAndGet();
        }
        cancelled = true;
        closed = true;
      }
      serial.clear();
      serial.submit(() -> {
        if (!terminal) {
          terminal = true;
          listener.onClosed();
        }
      });
    }

    private void process(byte[] audio) {
      if (terminal || cancelled) {
        return;
      }
      if (sttDelayPerChunkMillis > 0) {
        try {
          Thread.sleep(sttDelayPerChunkMillis);
        } catch (InterruptedException e) {
          return;
        }
      }
      sttChunksProcessed.incrementAndGet();
      short[] pcm = Tones.decode(audio, request.audioFormat());
      for (short v : pcm) {
        frameBuf[frameFill++] = v;
        if (frameFill == frameSamples) {
          frame();
          frameFill = 0;
          if (terminal) {
            return;
          }
        }
      }
    }

    private void frame() {
      int rate = request.audioFormat().sampleRate();
      long frameStart = samplesDone;
      samplesDone += frameSamples;
      sinceCommitSamples += frameSamples;
      pending = true;
      if (sttFailAfterMillis >= 0 && samplesDone * 1000 / rate >= sttFailAfterMillis) {
        terminal = true;
        listener.onFailure(new SpeechError(ErrorCode.TRANSCRIBER_ERROR,
            "The tone recogniser failed (as configured by the test)"));
        return;
      }
      double sum = 0;
      long zc = 0;
      for (int i = 0; i < frameSamples; i++) {
        short v = frameBuf[i];
        sum += (double) v * v;
        if ((v >= 0) != (lastSample >= 0)) {
          zc++;
        }
        lastSample = v;
      }
      boolean voiced = Math.sqrt(sum / frameSamples) > 500;
      if (voiced) {
        if (runStartSample < 0) {
          runStartSample = frameStart;
          runZeroCrossings = 0;
          nextPartialSample = frameStart + rate / 10;
        }
        runZeroCrossings += zc;
        if (samplesDone >= nextPartialSample) {
          nextPartialSample += rate / 10;
          listener.onPartial(Transcript.partial(text(words, currentWord()),
              segmentStartSample * 1000 / rate, samplesDone * 1000 / rate));
        }
      } else {
        if (runStartSample >= 0) {
          endWord(frameStart);
          listener.onPartial(Transcript.partial(text(words, null),
              segmentStartSample * 1000 / rate, samplesDone * 1000 / rate));
        }
        if (request.commitStrategy() == CommitStrategy.VAD && !words.isEmpty()
            && lastSpeechEndSample >= 0
            && (samplesDone - lastSpeechEndSample) * 1000 / rate
                >= request.vad().silenceThresholdSecs() * 1000) {
          commitNow();
        }
      }
      if (sinceCommitSamples * 1000 / rate >= AUTO_COMMIT_MILLIS) {
        commitNow();
      }
    }

    private String currentWord() {
      if (runStartSample < 0) {
        return null;
      }
      return wordFor(runZeroCrossings, samplesDone - runStartSample);
    }

    private String wordFor(long zeroCrossings, long samples) {
      int rate = request.audioFormat().sampleRate();
      double freq = zeroCrossings / 2.0 / ((double) samples / rate);
      for (Map.Entry<Integer, String> e : WORDS.entrySet()) {
        if (Math.abs(freq - e.getKey()) < 60) {
          return e.getValue();
        }
      }
      return "tone";
    }

    private void endWord(long endSample) {
      int rate = request.audioFormat().sampleRate();
      String w = wordFor(runZeroCrossings, endSample - runStartSample);
      words.add(new Word(w, (double) runStartSample / rate, (double) endSample / rate, "word",
          -0.1));
      lastSpeechEndSample = endSample;
      runStartSample = -1;
    }

    private void commitNow() {
      if (terminal) {
        return;
      }
      int rate = request.audioFormat().sampleRate();
      long end = samplesDone + frameFill;
      if (runStartSample >= 0) {
        endWord(end);
      }
      String text = text(words, null);
      List<Word> ws = request.includeTimestamps() ? List.copyOf(words) : List.of();
      listener.onCommitted(new Transcript(text, true, segmentStartSample * 1000 / rate,
          end * 1000 / rate, ws, request.languageCode() == null ? "en"
              : request.languageCode()));
      words.clear();
      segmentStartSample = end;
      sinceCommitSamples = 0;
      lastSpeechEndSample = -1;
      pending = false;
    }

    private static String text(List<Word> ws, String current) {
      StringBuilder sb = new StringBuilder();
      for (Word w : ws) {
        if (!sb.isEmpty()) {
          sb.append(' ');
        }
        sb.append(w.text());
      }
      if (current != null) {
        if (!sb.isEmpty()) {
          sb.append(' ');
        }
        sb.append(current);
      }
      return sb.toString();
    }
  }
}
