package io.voicewire.bench.relay;

import io.voicewire.protocol.SttClientMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The lean load generator of the relay benchmark: the same load and the same measurement as
 * {@link SttLoad} (N streams, one {@code input_audio_chunk} of {@code chunkMillis} of 16 kHz PCM
 * every {@code chunkMillis} per stream, staggered; round trip to the {@code partial_transcript}
 * naming the chunk's sequence number, recorded with HdrHistogram corrected for coordinated
 * omission with the pacing interval), but on plain java.nio with one selector thread and a minimal
 * RFC 6455 client, so that it leaves the CPU to the relay under test.
 *
 * <p>Each stream keeps one pre-built masked frame; per chunk only the 12 base64 characters holding
 * the sequence number (the chunk's first 8 bytes) are re-encoded and re-masked. A stream whose
 * previous frame has not been fully written skips its beat, as {@link SttLoad} does. Protocol
 * violations, error messages, unexpected closes and socket errors count as errors.
 */
public final class RawWsLoad {
  /** Connections opened at once before pausing {@link #CONNECT_PAUSE_MILLIS}. */
  public static final int CONNECT_BATCH = 50;
  /** Pause between connection batches, ms (do not stampede the accept queue). */
  public static final int CONNECT_PAUSE_MILLIS = 50;
  /** Time allowed for every stream to connect and upgrade, ms. */
  public static final int CONNECT_TIMEOUT_MILLIS = 60_000;
  /** Time allowed for close handshakes at the end, ms. */
  public static final int CLOSE_MILLIS = 300;
  /**
   * Send times kept per stream (a ring): 4096 chunks, 82 s at 20 ms. An answer later than that is
   * not matched, like an unanswered chunk.
   */
  public static final int SENT_RING = 4096;
  /** Bound of the bytes waiting for the socket per stream (pongs and closes only: chunks skip). */
  public static final int MAX_OUTBOUND_BYTES = 64 * 1024;

  private static final byte[] B64_KEY =
      "\"audio_base_64\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PARTIAL_PREFIX =
      "{\"message_type\":\"partial_transcript\",\"text\":\"seq ".getBytes(
          StandardCharsets.US_ASCII);
  private static final byte[] ABC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(
          StandardCharsets.US_ASCII);

  private final URI uri;
  private final int streams;
  private final int chunkMillis;
  private final SplittableRandom random;
  private int commitEvery;

  /**
   * @param uri the {@code ws://.../v1/speech-to-text/realtime?model_id=...} URL
   * @param streams concurrent streams
   * @param chunkMillis audio per chunk and pacing interval
   */
  public RawWsLoad(URI uri, int streams, int chunkMillis) {
    this(uri, streams, chunkMillis, new SplittableRandom());
  }

  RawWsLoad(URI uri, int streams, int chunkMillis, SplittableRandom random) {
    if (!"ws".equals(uri.getScheme())) {
      throw new IllegalArgumentException("only ws:// URLs are supported: " + uri);
    }
    if (streams < 1 || chunkMillis < 1) {
      throw new IllegalArgumentException("streams and chunkMillis must be positive");
    }
    this.uri = uri;
    this.streams = streams;
    this.chunkMillis = chunkMillis;
    this.random = random;
  }

  /**
   * Makes every {@code chunks}-th chunk of each stream a commit ({@code "commit":true} with its
   * audio), as a client that commits at the end of each utterance does; 0 (the default): never.
   * Call before {@link #run}.
   */
  public RawWsLoad commitEvery(int chunks) {
    if (chunks < 0) {
      throw new IllegalArgumentException("chunks < 0: " + chunks);
    }
    this.commitEvery = chunks;
    return this;
  }

  /** Committed transcripts the streams received over the whole run; read after {@link #run}. */
  public long committedTranscripts() {
    return tally.committed;
  }

  // state of the selector thread (all of it confined to that thread)
  private final LoadTally tally = new LoadTally();
  private Runnable atMeasureStart = () -> { };
  private Runnable atMeasureEnd = () -> { };

  /**
   * Runs {@code start} on the load thread as the measured window opens and {@code end} as it
   * closes (e.g. to read a process's CPU time); both must be quick. Call before {@link #run}.
   */
  public RawWsLoad atMeasure(Runnable start, Runnable end) {
    this.atMeasureStart = start;
    this.atMeasureEnd = end;
    return this;
  }

  /**
   * Connects every stream and keeps them open and idle (no audio: each stream has only its
   * session) while {@code measure} runs on another thread; then closes them and returns what
   * {@code measure} returned.
   */
  public <T> T holdIdle(java.util.concurrent.Callable<T> measure) throws Exception {
    List<RawWsStream> all = new ArrayList<>(streams);
    try (Selector sel = Selector.open()) {
      try {
        connectAll(sel, all);
        java.util.concurrent.FutureTask<T> task = new java.util.concurrent.FutureTask<>(measure);
        Thread t = new Thread(task, "rawwsload-idle-measure");
        t.setDaemon(true);
        t.start();
        while (!task.isDone()) {
          sel.select(10);
          handle(sel);
        }
        closeAll(sel, all);
        return task.get();
      } finally {
        for (RawWsStream s : all) {
          s.closeNow();
        }
      }
    }
  }

  /**
   * Connects every stream, runs for {@code warmup + measure} and records only during measure.
   * Runs the selector loop in a thread of its own and waits for it.
   */
  public SttLoad.Result run(Duration warmup, Duration measure) throws Exception {
    SttLoad.Result[] result = new SttLoad.Result[1];
    Exception[] failure = new Exception[1];
    Thread t = new Thread(() -> {
      try {
        result[0] = loop(warmup, measure);
      } catch (Exception e) {
        failure[0] = e;
      }
    }, "rawwsload-" + uri.getPort());
    t.setDaemon(true);
    t.start();
    t.join(CONNECT_TIMEOUT_MILLIS + warmup.toMillis() + measure.toMillis() + 30_000);
    if (t.isAlive()) {
      t.interrupt();
      throw new IllegalStateException("the load generator did not finish");
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    return result[0];
  }

  private SttLoad.Result loop(Duration warmup, Duration measure) throws Exception {
    tally.reset(chunkMillis * 1000L);
    List<RawWsStream> all = new ArrayList<>(streams);
    try (Selector sel = Selector.open()) {
      try {
        connectAll(sel, all);
        // pace: stream i sends at start + k * period + i * period / streams
        long period = chunkMillis * 1_000_000L;
        long start = System.nanoTime() + 1_000_000L;
        long warmupEnd = start + warmup.toNanos();
        long measureEnd = warmupEnd + measure.toNanos();
        long tick = 0;
        int cursor = 0;
        long due = start;
        long sent0 = 0;
        long recv0 = 0;
        long err0 = 0;
        while (true) {
          long now = System.nanoTime();
          if (!tally.measuring && now >= warmupEnd) {
            tally.measuring = true;
            tally.histogram.reset();
            atMeasureStart.run();
            sent0 = tally.sent;
            recv0 = tally.received;
            err0 = tally.errors;
          }
          if (now >= measureEnd) {
            atMeasureEnd.run();
            break;
          }
          while (due <= now) {
            RawWsStream s = all.get(cursor);
            if (!s.closed) {
              s.sendNext();
            }
            if (++cursor == streams) {
              cursor = 0;
              tick++;
            }
            due = start + tick * period + cursor * period / streams;
            now = System.nanoTime();
          }
          long wait = Math.min(due, tally.measuring ? measureEnd : warmupEnd) - now;
          if (wait < 1_000_000L) {
            sel.select(1);
          } else {
            sel.select(wait / 1_000_000L);
          }
          handle(sel);
        }
        tally.measuring = false;
        SttLoad.Result r = new SttLoad.Result(streams, tally.sent - sent0,
            tally.received - recv0, tally.errors - err0, tally.histogram.copy());
        // close handshakes
        closeAll(sel, all);
        return r;
      } finally {
        for (RawWsStream s : all) {
          s.closeNow();
        }
      }
    }
  }

  /** Close handshakes on every stream, for at most {@link #CLOSE_MILLIS}. */
  private void closeAll(Selector sel, List<RawWsStream> all) throws IOException {
    tally.ending = true;
    for (RawWsStream s : all) {
      s.sendClose(1000);
    }
    long closeEnd = System.nanoTime() + CLOSE_MILLIS * 1_000_000L;
    while (System.nanoTime() < closeEnd && all.stream().anyMatch(s -> !s.closed)) {
      sel.select(10);
      handle(sel);
    }
  }

  /**
   * Opens every stream, in batches, and waits until all are upgraded; each stream's chunk frame
   * is built here.
   */
  private void connectAll(Selector sel, List<RawWsStream> all) throws IOException {
    byte[] payload = SttClientMessage.audio(new byte[16 * 2 * chunkMillis], 16000).encode()
        .getBytes(StandardCharsets.UTF_8);
    int b64Off = WsCodec.indexOf(payload, 0, payload.length, B64_KEY) + B64_KEY.length;
    byte[] commitPayload = new SttClientMessage(new byte[16 * 2 * chunkMillis], true, 16000, null)
        .encode().getBytes(StandardCharsets.UTF_8);
    int commitB64Off = WsCodec.indexOf(commitPayload, 0, commitPayload.length, B64_KEY)
        + B64_KEY.length;
    InetSocketAddress addr = new InetSocketAddress(uri.getHost(), uri.getPort());
    String target = uri.getRawPath() + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
    long deadline = System.nanoTime() + CONNECT_TIMEOUT_MILLIS * 1_000_000L;
    int opened = 0;
    while (true) {
      if (all.size() < streams) {
        for (int b = 0; b < CONNECT_BATCH && all.size() < streams; b++) {
          RawWsStream s = new RawWsStream(all.size(), SocketChannel.open(),
              new SeqFrame(payload, b64Off, random), new WsUpgrade(uri, target, random), tally);
          if (commitEvery > 0) {
            s.commitEvery(new SeqFrame(commitPayload, commitB64Off, random), commitEvery);
          }
          all.add(s);
          s.ch.configureBlocking(false);
          s.ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
          s.key = s.ch.register(sel, SelectionKey.OP_CONNECT, s);
          if (s.ch.connect(addr)) {
            s.onConnected();
          }
        }
      }
      long pauseEnd = System.nanoTime() + CONNECT_PAUSE_MILLIS * 1_000_000L;
      do {
        sel.select(10);
        handle(sel);
      } while (System.nanoTime() < pauseEnd && all.size() < streams);
      opened = 0;
      for (RawWsStream s : all) {
        if (s.failure != null) {
          throw new IOException("stream " + s.id + " did not open: " + s.failure);
        }
        if (s.upgraded) {
          opened++;
        }
      }
      if (opened == streams) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(opened + " of " + streams + " streams opened in "
            + CONNECT_TIMEOUT_MILLIS + " ms");
      }
    }
  }

  private void handle(Selector sel) {
    for (SelectionKey k : sel.selectedKeys()) {
      RawWsStream s = (RawWsStream) k.attachment();
      if (!k.isValid()) {
        continue;
      }
      try {
        if (k.isConnectable()) {
          if (s.ch.finishConnect()) {
            s.onConnected();
          }
          continue;
        }
        if (k.isWritable()) {
          s.flush();
        }
        if (!s.closed && k.isReadable()) {
          s.onReadable();
        }
      } catch (IOException e) {
        s.fail(e.toString());
      }
    }
    sel.selectedKeys().clear();
  }

  /** Encodes 3 bytes as 4 base64 characters into {@code out[at..]}. */
  static void base64Quad(int b0, int b1, int b2, byte[] out, int at) {
    int v = ((b0 & 0xff) << 16) | ((b1 & 0xff) << 8) | (b2 & 0xff);
    out[at] = ABC[v >>> 18];
    out[at + 1] = ABC[(v >>> 12) & 63];
    out[at + 2] = ABC[(v >>> 6) & 63];
    out[at + 3] = ABC[v & 63];
  }

  /**
   * The sequence number of a {@code partial_transcript "seq N"} written the usual way, or
   * {@code Long.MIN_VALUE} when the message is not that (then it is parsed properly).
   */
  static long partialSeq(byte[] a, int off, int len) {
    if (!WsCodec.startsWith(a, off, len, PARTIAL_PREFIX)) {
      return Long.MIN_VALUE;
    }
    int p = off + PARTIAL_PREFIX.length;
    int end = off + len;
    long n = 0;
    int digits = 0;
    while (p < end && a[p] >= '0' && a[p] <= '9' && digits < 18) {
      n = n * 10 + (a[p] - '0');
      p++;
      digits++;
    }
    if (digits == 0 || p + 2 != end || a[p] != '"' || a[p + 1] != '}') {
      return Long.MIN_VALUE;
    }
    return n;
  }
}
