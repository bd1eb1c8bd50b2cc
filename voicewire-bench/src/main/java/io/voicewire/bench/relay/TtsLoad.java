package io.voicewire.bench.relay;

import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.TtsServerMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * The load of the relay benchmark's TTS scenario: N {@code stream-input} streams (JDK WebSocket
 * clients), each in a closed loop: send one text piece with {@code flush}, read its audio to the
 * last byte, send the next. Records the time from a piece's send to its first audio message (time
 * to first audio, microseconds) and the audio delivered per second of the measured window.
 * Pieces that ask for audio in {@code pcm_16000} ({@link TtsStandIn#BYTES_PER_CHAR} bytes per
 * character at the stand-in upstream). Not thread safe: one run per instance.
 */
public final class TtsLoad {
  /** The text of every piece (voiced as {@code length × MS_PER_CHAR} ms of audio). */
  public static final String PIECE = "The relay forwards this sentence as it came. ";
  /** How long a piece's send may take (retries while pending included): longer is an error. */
  static final long PIECE_TIMEOUT_MILLIS = 10_000;

  /**
   * The outcome: time to first audio (µs) and audio throughput in the measured window; errors
   * since the streams opened (warm-up included: a stream that fails there stops its loop, and
   * would otherwise only show as fewer pieces).
   */
  public record Result(org.HdrHistogram.Histogram ttfaMicros, long pieces, long audioBytes,
      long errors, double seconds) {
    /** The {@code q}-th percentile time to first audio, ms. */
    public double p(double q) {
      return ttfaMicros.getTotalCount() == 0 ? Double.NaN
          : ttfaMicros.getValueAtPercentile(q) / 1000.0;
    }

    /** Audio seconds delivered per second of the window (all streams). */
    public double audioSecondsPerSecond() {
      return audioBytes / 32_000.0 / seconds;
    }
  }

  private final URI uri;
  private final int streams;
  private final Recorder ttfa = new Recorder(3);
  private final AtomicLong pieces = new AtomicLong();
  private final AtomicLong audio = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private Runnable onMeasureStart = () -> { };
  private Runnable onMeasureEnd = () -> { };
  private volatile boolean measuring;
  private volatile boolean stopping;

  /** {@code base} is the relay (or upstream) root, e.g. {@code ws://127.0.0.1:8080}. */
  public TtsLoad(URI base, int streams) {
    this.uri = base.resolve("/v1/text-to-speech/bench-voice/stream-input"
        + "?model_id=eleven_flash_v2_5&output_format=pcm_16000");
    this.streams = streams;
  }

  /** Runs {@code start} and {@code end} at the measured window's edges (CPU readings). */
  public TtsLoad atMeasure(Runnable start, Runnable end) {
    this.onMeasureStart = start;
    this.onMeasureEnd = end;
    return this;
  }

  /** Opens every stream, runs {@code warmup + measure}, records only during measure. */
  public Result run(Duration warmup, Duration measure) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    List<Stream> all = new ArrayList<>();
    try {
      for (int i = 0; i < streams; i++) {
        Stream s = new Stream();
        s.ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20))
            .buildAsync(uri, s).get(30, TimeUnit.SECONDS);
        s.ws.sendText("{\"text\":\" \"}", true).get(10, TimeUnit.SECONDS);
        all.add(s);
      }
      for (Stream s : all) {
        s.next();
      }
      Thread.sleep(warmup.toMillis());
      ttfa.reset();
      pieces.set(0);
      audio.set(0);
      onMeasureStart.run();
      measuring = true;
      long t0 = System.nanoTime();
      Thread.sleep(measure.toMillis());
      measuring = false;
      onMeasureEnd.run();
      double secs = (System.nanoTime() - t0) / 1e9;
      Result r = new Result(ttfa.getIntervalHistogram(), pieces.get(), audio.get(),
          errors.get(), secs);
      stopping = true;
      return r;
    } finally {
      stopping = true;
      for (Stream s : all) {
        s.ws.abort();
      }
      http.shutdownNow();
    }
  }

  /** One stream's closed loop. WebSocket callbacks come one at a time. */
  private final class Stream implements WebSocket.Listener {
    WebSocket ws;
    private final StringBuilder part = new StringBuilder();
    private long sentNanos;
    private long owed;
    private boolean first;

    void next() {
      if (stopping) {
        return;
      }
      sentNanos = System.nanoTime();
      owed = (long) PIECE.length() * TtsStandIn.BYTES_PER_CHAR;
      first = true;
      send("{\"text\":\"" + PIECE + "\",\"flush\":true}",
          sentNanos + TimeUnit.MILLISECONDS.toNanos(PIECE_TIMEOUT_MILLIS));
    }

    /**
     * Sends {@code msg}, again a millisecond later while the previous send is still pending. A
     * piece's audio can reach us before the JDK WebSocket cleared the previous send's flag, and
     * a send begun then fails ("IllegalStateException: Send pending"); counted as an error, it
     * would stop this stream's loop.
     */
    private void send(String msg, long deadlineNanos) {
      long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
      ws.sendText(msg, true).orTimeout(left, TimeUnit.MILLISECONDS).whenComplete((w, x) -> {
        if (x == null || stopping) {
          return;
        }
        Throwable c = x instanceof CompletionException && x.getCause() != null ? x.getCause() : x;
        if (c instanceof IllegalStateException && System.nanoTime() < deadlineNanos) {
          CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS)
              .execute(() -> send(msg, deadlineNanos));
        } else {
          errors.incrementAndGet();
        }
      });
    }

    @Override
    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
      part.append(data);
      if (last) {
        String json = part.toString();
        part.setLength(0);
        onMessage(json);
      }
      w.request(1);
      return null;
    }

    private void onMessage(String json) {
      TtsServerMessage m;
      try {
        m = TtsServerMessage.decode(json);
      } catch (ProtocolException e) {
        errors.incrementAndGet();
        return;
      }
      if (!(m instanceof TtsServerMessage.Audio a)) {
        return;
      }
      if (first) {
        first = false;
        if (measuring) {
          ttfa.recordValue(Math.max(0, (System.nanoTime() - sentNanos) / 1000));
        }
      }
      owed -= a.audio().length;
      if (measuring) {
        audio.addAndGet(a.audio().length);
      }
      if (owed <= 0) {
        if (measuring) {
          pieces.incrementAndGet();
        }
        next();
      }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
      if (!stopping) {
        errors.incrementAndGet();
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onError(WebSocket w, Throwable error) {
      if (!stopping) {
        errors.incrementAndGet();
      }
    }
  }
}
