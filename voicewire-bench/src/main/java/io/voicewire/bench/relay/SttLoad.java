package io.voicewire.bench.relay;

import io.voicewire.protocol.SttClientMessage;
import io.voicewire.protocol.SttServerMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * Load generator for the realtime STT endpoint: N concurrent streams, each sending one chunk of
 * {@code chunkMillis} of 16 kHz PCM every {@code chunkMillis}, paced. Each chunk carries a
 * sequence number in its first 8 bytes; the upstream {@code io.voicewire.testing.EchoSpeechProvider} answers every
 * chunk with a {@code partial_transcript} naming it, so the time from send to that partial is the
 * round trip through everything between (the relay under test, or nothing).
 *
 * <p>Latency is recorded with HdrHistogram, corrected for coordinated omission with the expected
 * interval of the pacing.
 */
public final class SttLoad {
  private final URI uri;
  private final int streams;
  private final int chunkMillis;

  /**
   * @param uri the {@code ws://.../v1/speech-to-text/realtime?model_id=...} URL
   * @param streams concurrent streams
   * @param chunkMillis audio per chunk and pacing interval
   */
  public SttLoad(URI uri, int streams, int chunkMillis) {
    this.uri = uri;
    this.streams = streams;
    this.chunkMillis = chunkMillis;
  }

  /** Result of one run. */
  public record Result(int streams, long sent, long received, long errors,
      org.HdrHistogram.Histogram rttMicros) {
    /** A percentile in milliseconds. */
    public double p(double q) {
      return rttMicros.getValueAtPercentile(q) / 1000.0;
    }
  }

  /** Connects every stream, runs for {@code warmup + measure}, records only during measure. */
  public Result run(Duration warmup, Duration measure) throws Exception {
    HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "sttload-http");
      t.setDaemon(true);
      return t;
    })).build();
    Recorder recorder = new Recorder(3);
    AtomicLong sent = new AtomicLong();
    AtomicLong received = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Stream> all = new ArrayList<>();
    List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      Stream s = new Stream(i, recorder, received, errors);
      all.add(s);
      opening.add(http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20))
          .buildAsync(uri, s).thenApply(ws -> s.ws = ws));
      if (i % 50 == 49) {
        Thread.sleep(50); // do not stampede the accept queue
      }
    }
    CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    ScheduledExecutorService pacer = Executors.newScheduledThreadPool(1, r -> {
      Thread t = new Thread(r, "sttload-pacer");
      t.setDaemon(true);
      return t;
    });
    byte[] pcm = new byte[16 * 2 * chunkMillis];
    for (int i = 0; i < all.size(); i++) {
      Stream s = all.get(i);
      long offsetMicros = (long) i * chunkMillis * 1000 / streams; // spread the streams
      pacer.scheduleAtFixedRate(() -> s.sendNext(pcm, sent), offsetMicros, chunkMillis * 1000L,
          TimeUnit.MICROSECONDS);
    }
    Thread.sleep(warmup.toMillis());
    recorder.getIntervalHistogram(); // discard warm-up
    long sent0 = sent.get();
    long recv0 = received.get();
    long err0 = errors.get();
    Thread.sleep(measure.toMillis());
    org.HdrHistogram.Histogram h = recorder.getIntervalHistogram();
    Result r = new Result(streams, sent.get() - sent0, received.get() - recv0,
        errors.get() - err0, h);
    pacer.shutdownNow();
    for (Stream s : all) {
      s.ws.sendClose(1000, "bench done");
    }
    Thread.sleep(300);
    return r;
  }

  private final class Stream implements WebSocket.Listener {
    final int id;
    final Recorder recorder;
    final AtomicLong received;
    final AtomicLong errors;
    final ConcurrentHashMap<Long, Long> sentAtNanos = new ConcurrentHashMap<>();
    final StringBuilder partial = new StringBuilder();
    volatile WebSocket ws;
    long seq;
    CompletableFuture<WebSocket> lastSend = CompletableFuture.completedFuture(null);

    Stream(int id, Recorder recorder, AtomicLong received, AtomicLong errors) {
      this.id = id;
      this.recorder = recorder;
      this.received = received;
      this.errors = errors;
    }

    void sendNext(byte[] template, AtomicLong sent) {
      if (ws == null || !lastSend.isDone()) {
        return; // the previous send has not completed: the system is saturated; skip a beat
      }
      byte[] pcm = template.clone();
      long n = seq++;
      for (int b = 0; b < 8; b++) {
        pcm[b] = (byte) (n >>> (56 - 8 * b));
      }
      String msg = SttClientMessage.audio(pcm, 16000).encode();
      sentAtNanos.put(n, System.nanoTime());
      // array-backed: the JDK encodes a String through its slow per-char path, which made the
      // load generator itself the bottleneck
      lastSend = ws.sendText(java.nio.CharBuffer.wrap(msg.toCharArray()), true);
      sent.incrementAndGet();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          SttServerMessage m = SttServerMessage.decode(text);
          if (m instanceof SttServerMessage.Partial p && p.text().startsWith("seq ")) {
            long n = Long.parseLong(p.text().substring(4).trim());
            Long t0 = sentAtNanos.remove(n);
            if (t0 != null) {
              long micros = (System.nanoTime() - t0) / 1000;
              recorder.recordValueWithExpectedInterval(micros, chunkMillis * 1000L);
              received.incrementAndGet();
            }
          } else if (m instanceof SttServerMessage.Error) {
            errors.incrementAndGet();
          }
        } catch (Exception e) {
          errors.incrementAndGet();
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      errors.incrementAndGet();
    }
  }
}
