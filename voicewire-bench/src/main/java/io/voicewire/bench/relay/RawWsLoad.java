package io.voicewire.bench.relay;

import io.voicewire.protocol.SttClientMessage;
import io.voicewire.protocol.SttServerMessage;
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
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

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

  // state of the selector thread (all of it confined to that thread)
  private long sent;
  private long received;
  private long errors;
  private boolean measuring;
  private boolean ending;
  private final Histogram histogram = new Histogram(3);
  private long expectedIntervalMicros;

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
    expectedIntervalMicros = chunkMillis * 1000L;
    sent = 0;
    received = 0;
    errors = 0;
    measuring = false;
    ending = false;
    histogram.reset();
    byte[] payload = SttClientMessage.audio(new byte[16 * 2 * chunkMillis], 16000).encode()
        .getBytes(StandardCharsets.UTF_8);
    int b64Off = WsCodec.indexOf(payload, 0, payload.length, B64_KEY) + B64_KEY.length;
    InetSocketAddress addr = new InetSocketAddress(uri.getHost(), uri.getPort());
    String target = uri.getRawPath() + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
    List<Stream> all = new ArrayList<>(streams);
    try (Selector sel = Selector.open()) {
      try {
        // connect, in batches
        long deadline = System.nanoTime() + CONNECT_TIMEOUT_MILLIS * 1_000_000L;
        int opened = 0;
        while (true) {
          if (all.size() < streams) {
            for (int b = 0; b < CONNECT_BATCH && all.size() < streams; b++) {
              Stream s = new Stream(all.size(), SocketChannel.open(), payload, b64Off, target);
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
          for (Stream s : all) {
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
          if (!measuring && now >= warmupEnd) {
            measuring = true;
            histogram.reset();
            sent0 = sent;
            recv0 = received;
            err0 = errors;
          }
          if (now >= measureEnd) {
            break;
          }
          while (due <= now) {
            Stream s = all.get(cursor);
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
          long wait = Math.min(due, measuring ? measureEnd : warmupEnd) - now;
          if (wait < 1_000_000L) {
            sel.select(1);
          } else {
            sel.select(wait / 1_000_000L);
          }
          handle(sel);
        }
        measuring = false;
        SttLoad.Result r = new SttLoad.Result(streams, sent - sent0, received - recv0,
            errors - err0, histogram.copy());
        // close handshakes
        ending = true;
        for (Stream s : all) {
          s.sendClose(1000);
        }
        long closeEnd = System.nanoTime() + CLOSE_MILLIS * 1_000_000L;
        while (System.nanoTime() < closeEnd && all.stream().anyMatch(s -> !s.closed)) {
          sel.select(10);
          handle(sel);
        }
        return r;
      } finally {
        for (Stream s : all) {
          s.closeNow();
        }
      }
    }
  }

  private void handle(Selector sel) {
    for (SelectionKey k : sel.selectedKeys()) {
      Stream s = (Stream) k.attachment();
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

  private final class Stream extends NioConn implements WsCodec.Handler {
    final int id;
    final byte[] frame;
    final byte[] mask = new byte[4];
    final int seqAt; // index in frame of the 12 base64 characters holding bytes 0..8
    final int seqMaskPhase; // payload index of seqAt, for the mask
    final byte[] plain = new byte[12];
    final String request;
    final String expectedAccept;
    final WsCodec.Parser parser = new WsCodec.Parser(false);
    final long[] sentSeq = new long[SENT_RING];
    final long[] sentAt = new long[SENT_RING];
    final byte[] chunkStart; // the template's first 9 PCM bytes (the 9th shares a quad)
    boolean upgraded;
    boolean closeSent;
    String failure;
    long seq;
    int need;

    Stream(int id, SocketChannel ch, byte[] payload, int b64Off, String target) {
      super(ch, MAX_OUTBOUND_BYTES);
      this.id = id;
      random.nextBytes(mask);
      frame = WsCodec.frame(WsCodec.OP_TEXT, payload, mask);
      int header = frame.length - payload.length;
      seqAt = header + b64Off;
      seqMaskPhase = b64Off;
      chunkStart = Base64.getDecoder().decode(
          new String(payload, b64Off, 12, StandardCharsets.US_ASCII));
      java.util.Arrays.fill(sentSeq, -1);
      byte[] k = new byte[16];
      random.nextBytes(k);
      String key = Base64.getEncoder().encodeToString(k);
      expectedAccept = WsCodec.acceptKey(key);
      request = "GET " + target + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
          + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
          + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    void onConnected() throws IOException {
      key.interestOps(SelectionKey.OP_READ);
      byte[] r = request.getBytes(StandardCharsets.US_ASCII);
      send(r, 0, r.length);
    }

    void sendNext() {
      if (!upgraded || closeSent || hasPendingOutput()) {
        return; // the previous frame is not written yet: saturated; skip a beat (as SttLoad)
      }
      long n = seq++;
      byte[] c = chunkStart;
      base64Quad((int) (n >>> 56), (int) (n >>> 48), (int) (n >>> 40), plain, 0);
      base64Quad((int) (n >>> 32), (int) (n >>> 24), (int) (n >>> 16), plain, 4);
      base64Quad((int) (n >>> 8), (int) n, c[8], plain, 8);
      for (int i = 0; i < 12; i++) {
        frame[seqAt + i] = (byte) (plain[i] ^ mask[(seqMaskPhase + i) & 3]);
      }
      int slot = (int) (n & (SENT_RING - 1));
      sentSeq[slot] = n;
      sentAt[slot] = System.nanoTime();
      try {
        if (!send(frame, 0, frame.length)) {
          fail("outbound buffer full");
          return;
        }
      } catch (IOException e) {
        fail(e.toString());
        return;
      }
      sent++;
    }

    void onReadable() throws IOException {
      int n = read(need);
      if (n < 0) {
        fail("connection closed by the peer without a close frame");
        return;
      }
      in.flip();
      if (!upgraded) {
        int end = WsCodec.headEnd(in.array(), in.position(), in.remaining());
        if (end < 0) {
          if (in.remaining() > 16 * 1024) {
            fail("upgrade response head too large");
          } else {
            in.compact();
          }
          return;
        }
        String head = new String(in.array(), in.position(), end - in.position(),
            StandardCharsets.ISO_8859_1);
        in.position(end);
        String status = head.substring(0, head.indexOf("\r\n"));
        if (!status.startsWith("HTTP/1.1 101")) {
          fail("upgrade refused: " + status);
          return;
        }
        if (!expectedAccept.equals(WsCodec.header(head, "Sec-WebSocket-Accept"))) {
          fail("wrong Sec-WebSocket-Accept");
          return;
        }
        upgraded = true;
      }
      try {
        need = parser.parse(in, this);
      } catch (WsCodec.ProtocolError e) {
        fail("protocol error: " + e.getMessage());
        return;
      }
      in.compact();
    }

    @Override
    public void onMessage(int opcode, byte[] a, int off, int len) {
      if (opcode != WsCodec.OP_TEXT) {
        return; // SttLoad ignores binary messages too
      }
      long n = partialSeq(a, off, len);
      if (n == Long.MIN_VALUE) {
        try {
          SttServerMessage m = SttServerMessage.decode(new String(a, off, len,
              StandardCharsets.UTF_8));
          if (m instanceof SttServerMessage.Partial p && p.text().startsWith("seq ")) {
            n = Long.parseLong(p.text().substring(4).trim());
          } else {
            if (m instanceof SttServerMessage.Error) {
              errors++;
            }
            return;
          }
        } catch (Exception e) {
          errors++;
          return;
        }
      }
      int slot = (int) (n & (SENT_RING - 1));
      if (sentSeq[slot] == n) {
        sentSeq[slot] = -1;
        long micros = (System.nanoTime() - sentAt[slot]) / 1000;
        if (measuring) {
          histogram.recordValueWithExpectedInterval(micros, expectedIntervalMicros);
        }
        received++;
      }
    }

    @Override
    public void onControl(int opcode, byte[] a, int off, int len) {
      try {
        if (opcode == WsCodec.OP_PING) {
          byte[] f = WsCodec.frame(WsCodec.OP_PONG, java.util.Arrays.copyOfRange(a, off,
              off + len), mask);
          if (!closeSent && !send(f, 0, f.length)) {
            fail("outbound buffer full");
          }
        } else if (opcode == WsCodec.OP_CLOSE) {
          if (!ending) {
            int code = len >= 2 ? ((a[off] & 0xff) << 8) | (a[off + 1] & 0xff) : 1005;
            fail("closed by the peer with " + code + " "
                + new String(a, off + Math.min(2, len), Math.max(0, len - 2),
                    StandardCharsets.UTF_8));
            return;
          }
          closeNow(); // the answer to our close
        }
      } catch (IOException e) {
        fail(e.toString());
      }
    }

    void sendClose(int code) {
      if (closed || closeSent || !upgraded) {
        return;
      }
      closeSent = true;
      byte[] f = WsCodec.frame(WsCodec.OP_CLOSE, new byte[] {(byte) (code >> 8), (byte) code},
          mask);
      try {
        send(f, 0, f.length);
      } catch (IOException e) {
        closeNow();
      }
    }

    /** An error: counted once; the stream stops. */
    void fail(String why) {
      if (closed) {
        return;
      }
      if (!ending) {
        errors++;
        if (failure == null) {
          failure = why;
        }
      }
      sendClose(1002);
      closeNow();
    }
  }
}
