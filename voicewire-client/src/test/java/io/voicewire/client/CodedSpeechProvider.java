package io.voicewire.client;

import io.voicewire.client.internal.FakeSpeech;
import io.voicewire.client.internal.FakeSttPeer;
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
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic engine for integration tests through a real server: it implements the SPI
 * honestly (asynchronous serial callbacks, the shared {@link TextReleaser}) with audio that can be
 * audited exactly.
 *
 * <ul>
 *   <li>TTS: every character is 10 ms of PCM whose samples equal its code point (see
 *       {@code FakeVoice}), in chunks of {@code chunkChars} characters, one every
 *       {@code chunkDelayMillis}, with exact chunk-relative alignment. PCM only.
 *   <li>STT: 20 ms frames whose samples equal a character (0 = silence, see {@code FakeSpeech});
 *       a partial per chunk, committed on {@code commit()}, after 10 silent frames in VAD mode, and
 *       on close; word times from the session's start.
 * </ul>
 * Thread safe.
 */
public final class CodedSpeechProvider implements SpeechProvider {
  public static final String VOICE = "coded";
  /** A second voice (the same code points): dialogue turns need two. */
  public static final String VOICE_2 = "coded-two";
  public static final int MS_PER_CHAR = 10;

  final int chunkChars;
  final long chunkDelayMillis;
  final AtomicInteger ttsSessions = new AtomicInteger();
  final AtomicInteger sttSessions = new AtomicInteger();
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "coded-engine");
    t.setDaemon(true);
    return t;
  });

  public CodedSpeechProvider(int chunkChars, long chunkDelayMillis) {
    this.chunkChars = chunkChars;
    this.chunkDelayMillis = chunkDelayMillis;
  }

  @Override
  public String name() {
    return "coded";
  }

  @Override
  public boolean isReady() {
    return true;
  }

  @Override
  public List<VoiceInfo> voices() {
    return List.of(new VoiceInfo(VOICE, "Coded", "premade", Map.of(), "Code points as PCM",
        24000), new VoiceInfo(VOICE_2, "Coded two", "premade", Map.of(), "Code points as PCM",
        24000));
  }

  @Override
  public List<ModelInfo> models() {
    return List.of(new ModelInfo("coded_tts", "Coded TTS", "test", true, false, List.of("en")),
        new ModelInfo("coded_stt", "Coded STT", "test", false, true, List.of("en")));
  }

  @Override
  public TtsSession openTts(TtsRequest request, TtsListener listener) {
    ttsSessions.incrementAndGet();
    return new Tts(request, listener);
  }

  @Override
  public SttSession openStt(SttRequest request, SttListener listener) {
    sttSessions.incrementAndGet();
    return new Stt(request, listener);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  /** Runs tasks one at a time, in order, on the pool. */
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

  private final class Tts implements TtsSession {
    private final TtsRequest request;
    private final TtsListener listener;
    private final TextReleaser releaser;
    private final Serial serial = new Serial();
    private boolean ended;
    private volatile boolean closed;
    private boolean terminal;

    Tts(TtsRequest request, TtsListener listener) {
      this.request = request;
      this.listener = listener;
      this.releaser = new TextReleaser(request.chunkLengthSchedule(), request.autoMode());
      if (!request.outputFormat().isPcm()) {
        serial.submit(() -> terminal(() -> listener.onFailure(new SpeechError(
            ErrorCode.UNSUPPORTED, "PCM only: " + request.outputFormat()))));
      }
    }

    @Override
    public TtsRequest request() {
      return request;
    }

    @Override
    public synchronized boolean send(String text) {
      if (ended || closed) {
        return false;
      }
      voice(releaser.append(text));
      return true;
    }

    @Override
    public synchronized boolean flush() {
      if (ended || closed) {
        return false;
      }
      voice(releaser.flush());
      serial.submit(() -> {
        if (!closed) {
          listener.onFlushed();
        }
      });
      return true;
    }

    @Override
    public synchronized boolean tryTrigger() {
      if (ended || closed) {
        return false;
      }
      voice(releaser.tryTrigger());
      return true;
    }

    @Override
    public synchronized boolean end() {
      if (ended || closed) {
        return false;
      }
      ended = true;
      voice(releaser.flush());
      serial.submit(() -> terminal(() -> listener.onClosed(true)));
      return true;
    }

    /** close_context: what the releaser still holds (never flushed) is dropped. */
    @Override
    public synchronized boolean closeContext() {
      if (ended || closed) {
        return false;
      }
      ended = true;
      serial.submit(() -> terminal(() -> listener.onClosed(true)));
      return true;
    }

    @Override
    public void close() {
      closed = true;
      serial.submit(() -> terminal(() -> listener.onClosed(false)));
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

    private void voice(List<String> pieces) {
      for (String piece : pieces) {
        for (int i = 0; i < piece.length(); i += chunkChars) {
          String part = piece.substring(i, Math.min(piece.length(), i + chunkChars));
          serial.submit(() -> {
            if (closed || terminal) {
              return;
            }
            if (chunkDelayMillis > 0) {
              try {
                Thread.sleep(chunkDelayMillis);
              } catch (InterruptedException e) {
                return;
              }
            }
            listener.onAudio(render(part, request.outputFormat().sampleRate()));
          });
        }
      }
    }
  }

  /** {@code part} as PCM at {@code rate}: every character 10 ms of its code point. */
  static TtsAudio render(String part, int rate) {
    int per = rate * MS_PER_CHAR / 1000;
    byte[] pcm = new byte[part.length() * per * 2];
    List<String> chars = new ArrayList<>();
    int[] st = new int[part.length()];
    int[] du = new int[part.length()];
    for (int c = 0; c < part.length(); c++) {
      chars.add(String.valueOf(part.charAt(c)));
      st[c] = c * MS_PER_CHAR;
      du[c] = MS_PER_CHAR;
      for (int s = 0; s < per; s++) {
        int idx = (c * per + s) * 2;
        pcm[idx] = (byte) part.charAt(c);
        pcm[idx + 1] = (byte) (part.charAt(c) >> 8);
      }
    }
    Alignment a = new Alignment(chars, st, du);
    return new TtsAudio(pcm, a, a);
  }

  private final class Stt implements SttSession {
    private final SttRequest request;
    private final SttListener listener;
    private final Serial serial = new Serial();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final StringBuilder segment = new StringBuilder();
    private final List<Integer> frames = new ArrayList<>();
    private int frame;
    private int silent;
    private long segmentStartMs;
    private volatile long receivedMs;
    private volatile boolean closed;

    Stt(SttRequest request, SttListener listener) {
      this.request = request;
      this.listener = listener;
      String id = "coded-" + sttSessions.get();
      serial.submit(() -> listener.onStarted(id));
    }

    @Override
    public SttRequest request() {
      return request;
    }

    @Override
    public boolean sendAudio(byte[] audio) {
      if (closed) {
        return false;
      }
      byte[] copy = audio.clone();
      receivedMs += copy.length / 32;
      serial.submit(() -> process(copy));
      return true;
    }

    @Override
    public boolean commit() {
      if (closed) {
        return false;
      }
      serial.submit(this::commitNow);
      return true;
    }

    @Override
    public long audioReceivedMs() {
      return receivedMs;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      serial.submit(() -> {
        if (segment.length() > 0) {
          commitNow();
        }
        listener.onClosed();
      });
    }

    private void process(byte[] audio) {
      pending.writeBytes(audio);
      byte[] b = pending.toByteArray();
      int used = 0;
      boolean changed = false;
      while (b.length - used >= FakeSpeech.FRAME_BYTES) {
        int v = FakeSpeech.frameValue(b, used);
        used += FakeSpeech.FRAME_BYTES;
        if (v != 0) {
          if (segment.length() == 0) {
            segmentStartMs = (long) frame * FakeSpeech.FRAME_MS;
          }
          segment.append((char) v);
          frames.add(frame);
          silent = 0;
          changed = true;
        } else {
          silent++;
          if (request.commitStrategy() == CommitStrategy.VAD
              && silent == FakeSttPeer.VAD_SILENT_FRAMES && segment.length() > 0) {
            commitNow();
          }
        }
        frame++;
      }
      pending.reset();
      pending.write(b, used, b.length - used);
      if (changed && segment.length() > 0) {
        long now = (long) frame * FakeSpeech.FRAME_MS;
        listener.onPartial(Transcript.partial(segment.toString(), segmentStartMs, now));
      }
    }

    private void commitNow() {
      String t = segment.toString().isBlank() ? "" : segment.toString();
      List<Word> words = new ArrayList<>();
      int i = 0;
      while (i < t.length()) {
        if (t.charAt(i) == ' ') {
          i++;
          continue;
        }
        int j = i;
        while (j < t.length() && t.charAt(j) != ' ') {
          j++;
        }
        words.add(new Word(t.substring(i, j), frames.get(i) * FakeSpeech.FRAME_MS / 1000.0,
            (frames.get(j - 1) + 1) * FakeSpeech.FRAME_MS / 1000.0, "word", -0.1));
        i = j;
      }
      long end = (long) frame * FakeSpeech.FRAME_MS;
      long start = t.isEmpty() ? end : segmentStartMs;
      listener.onCommitted(new Transcript(t, true, start, end, words, "en"));
      segment.setLength(0);
      frames.clear();
    }
  }
}
