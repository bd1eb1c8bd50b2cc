package io.voicewire.bench.relay;

import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.Query;
import io.voicewire.protocol.SttClientMessage;
import io.voicewire.protocol.SttParams;
import io.voicewire.protocol.SttServerMessage;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SttRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The lean upstream of the relay benchmark: the realtime STT endpoint on plain java.nio with one
 * selector thread. It answers like a {@code VoicewireServer} running {@code io.voicewire.testing.EchoSpeechProvider}:
 * {@code session_started} on connect, a {@code partial_transcript "seq N"} for every audio chunk of
 * at least 8 bytes (N = its first 8 bytes, big-endian), {@code committed_transcript} (and the
 * {@code _with_timestamps} form when asked for) for every commit, pongs to pings, and the close
 * handshake. It does not check audio beyond what it reads; benchmark use only.
 */
public final class RawWsEchoUpstream implements AutoCloseable {
  /** The only path served. */
  public static final String PATH = "/v1/speech-to-text/realtime";
  /** Largest HTTP upgrade request head; bigger gets a 431 and the socket closed. */
  public static final int MAX_HEAD_BYTES = 16 * 1024;
  /**
   * Bound of the bytes waiting for a slow client per connection; on overflow the connection is
   * dropped (a reader that far behind has failed the benchmark anyway).
   */
  public static final int MAX_OUTBOUND_BYTES = 4 << 20;

  private static final byte[] AUDIO_PREFIX =
      "{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\"".getBytes(
          StandardCharsets.US_ASCII);
  private static final byte[] COMMIT_KEY = "\"commit\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] COMMIT_TRUE = "\"commit\":true".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] COMMIT_FALSE =
      "\"commit\":false".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PARTIAL_PREFIX =
      "{\"message_type\":\"partial_transcript\",\"text\":\"seq ".getBytes(
          StandardCharsets.US_ASCII);
  private static final byte[] COMMITTED = frame(new SttServerMessage.Committed("").encode());
  private static final byte[] COMMITTED_TS = frame(
      new SttServerMessage.CommittedWithTimestamps("", null, List.of()).encode());
  private static final int[] B64 = new int[128];

  static {
    java.util.Arrays.fill(B64, -1);
    String abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < abc.length(); i++) {
      B64[abc.charAt(i)] = i;
    }
  }

  private final Selector selector;
  private final ServerSocketChannel server;
  private final Thread thread;
  private final List<Conn> conns = new ArrayList<>();
  private volatile boolean stopping;

  private RawWsEchoUpstream(Selector selector, ServerSocketChannel server) {
    this.selector = selector;
    this.server = server;
    this.thread = new Thread(this::loop, "rawws-upstream-" + port());
    thread.setDaemon(true);
  }

  /** Listens on 127.0.0.1:{@code port} (0 = any free port) and starts the selector thread. */
  public static RawWsEchoUpstream start(int port) throws IOException {
    Selector sel = Selector.open();
    ServerSocketChannel ssc = ServerSocketChannel.open();
    ssc.bind(new InetSocketAddress("127.0.0.1", port), 1024);
    ssc.configureBlocking(false);
    ssc.register(sel, SelectionKey.OP_ACCEPT);
    RawWsEchoUpstream u = new RawWsEchoUpstream(sel, ssc);
    u.thread.start();
    return u;
  }

  /** The bound port. */
  public int port() {
    return server.socket().getLocalPort();
  }

  /** Stops the selector thread and drops every connection. */
  @Override
  public void close() throws InterruptedException {
    stopping = true;
    selector.wakeup();
    thread.join(TimeUnit.SECONDS.toMillis(5));
  }

  private void loop() {
    try {
      while (!stopping) {
        selector.select(1000);
        for (SelectionKey k : selector.selectedKeys()) {
          if (!k.isValid()) {
            continue;
          }
          if (k.isAcceptable()) {
            accept();
            continue;
          }
          Conn c = (Conn) k.attachment();
          try {
            if (k.isWritable()) {
              c.flush();
            }
            if (!c.closed && k.isReadable()) {
              c.onReadable();
            }
          } catch (IOException e) {
            c.closeNow();
          }
        }
        selector.selectedKeys().clear();
        if (conns.size() > 64) {
          conns.removeIf(c -> c.closed);
        }
      }
    } catch (IOException e) {
      // the selector failed: nothing more to serve
    } finally {
      for (Conn c : conns) {
        c.closeNow();
      }
      try {
        server.close();
        selector.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  private void accept() throws IOException {
    SocketChannel ch;
    while ((ch = server.accept()) != null) {
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Conn c = new Conn(ch);
      c.key = ch.register(selector, SelectionKey.OP_READ, c);
      conns.add(c);
    }
  }

  private static byte[] frame(String text) {
    return WsCodec.frame(WsCodec.OP_TEXT, text.getBytes(StandardCharsets.UTF_8), null);
  }

  private final class Conn extends NioConn implements WsCodec.Handler {
    final WsCodec.Parser parser = new WsCodec.Parser(true);
    final byte[] scratch = new byte[128];
    boolean upgraded;
    boolean closeSent;
    SttRequest request;
    int need;

    Conn(SocketChannel ch) {
      super(ch, MAX_OUTBOUND_BYTES);
    }

    void onReadable() throws IOException {
      int n = read(need);
      if (n < 0) {
        closeNow();
        return;
      }
      in.flip();
      try {
        if (!upgraded && !handshake()) {
          if (closeAfterFlush) {
            in.clear();
          } else {
            in.compact();
          }
          return;
        }
        need = parser.parse(in, this);
      } catch (WsCodec.ProtocolError e) {
        sendClose(1002, e.getMessage());
        in.clear();
        return;
      }
      in.compact();
    }

    /** Reads the upgrade request once it is complete; false while incomplete or rejected. */
    boolean handshake() throws IOException {
      int end = WsCodec.headEnd(in.array(), in.position(), in.remaining());
      if (end < 0) {
        if (in.remaining() >= MAX_HEAD_BYTES) {
          reject("431 Request Header Fields Too Large");
        }
        return false;
      }
      String head = new String(in.array(), in.position(), end - in.position(),
          StandardCharsets.ISO_8859_1);
      in.position(end);
      String[] line = head.substring(0, head.indexOf("\r\n")).split(" ");
      String target = line.length == 3 ? line[1] : "";
      int q = target.indexOf('?');
      String path = q < 0 ? target : target.substring(0, q);
      String key = WsCodec.header(head, "Sec-WebSocket-Key");
      String upgrade = WsCodec.header(head, "Upgrade");
      if (!"GET".equals(line[0]) || !PATH.equals(path)) {
        reject("404 Not Found");
        return false;
      }
      if (key == null || upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
        reject("400 Bad Request");
        return false;
      }
      byte[] resp = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + WsCodec.acceptKey(key) + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);
      send(resp, 0, resp.length);
      upgraded = true;
      try {
        SttParams params = SttParams.parse(Query.parse(q < 0 ? null : target.substring(q + 1)));
        request = params.request();
        sendText(new SttServerMessage.SessionStarted(UUID.randomUUID().toString(), request,
            params.enableLogging()).encode());
      } catch (ProtocolException e) {
        sendText(SttServerMessage.Error.of(e.code(), e.getMessage()).encode());
        sendClose(e.closeCode(), e.code().wireName());
        return false;
      }
      return true;
    }

    void reject(String status) throws IOException {
      byte[] resp = ("HTTP/1.1 " + status + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);
      send(resp, 0, resp.length);
      closeWhenFlushed();
    }

    void sendText(String text) throws IOException {
      byte[] f = frame(text);
      sendOrDrop(f, 0, f.length);
    }

    void sendOrDrop(byte[] a, int off, int len) throws IOException {
      if (!closeSent && !send(a, off, len)) {
        closeNow(); // over MAX_OUTBOUND_BYTES: drop the connection
      }
    }

    void sendClose(int code, String reason) throws IOException {
      if (closeSent) {
        return;
      }
      byte[] r = reason.getBytes(StandardCharsets.UTF_8);
      byte[] p = new byte[2 + Math.min(r.length, 123)];
      p[0] = (byte) (code >> 8);
      p[1] = (byte) code;
      System.arraycopy(r, 0, p, 2, p.length - 2);
      byte[] f = WsCodec.frame(WsCodec.OP_CLOSE, p, null);
      send(f, 0, f.length);
      closeSent = true;
      closeWhenFlushed();
    }

    @Override
    public void onControl(int opcode, byte[] a, int off, int len) {
      try {
        if (opcode == WsCodec.OP_PING) {
          byte[] p = java.util.Arrays.copyOfRange(a, off, off + len);
          byte[] f = WsCodec.frame(WsCodec.OP_PONG, p, null);
          sendOrDrop(f, 0, f.length);
        } else if (opcode == WsCodec.OP_CLOSE) {
          int code = len >= 2 ? ((a[off] & 0xff) << 8) | (a[off + 1] & 0xff) : 1000;
          sendClose(code == 1005 || code == 1006 || code == 1015 ? 1000 : code, "");
        }
      } catch (IOException e) {
        closeNow();
      }
    }

    @Override
    public void onMessage(int opcode, byte[] a, int off, int len) {
      if (closeSent) {
        return;
      }
      try {
        if (opcode != WsCodec.OP_TEXT) {
          sendText(SttServerMessage.Error.of(ErrorCode.INPUT_ERROR,
              "binary frames are not accepted; send input_audio_chunk JSON").encode());
          return;
        }
        if (!fastPath(a, off, len)) {
          slowPath(new String(a, off, len, StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        closeNow();
      }
    }

    /** The usual encoding of an audio chunk, read without a JSON parser; false if not that. */
    boolean fastPath(byte[] a, int off, int len) throws IOException {
      if (!WsCodec.startsWith(a, off, len, AUDIO_PREFIX)) {
        return false;
      }
      int b64 = off + AUDIO_PREFIX.length;
      int endAll = off + len;
      int quote = b64;
      while (quote < endAll && a[quote] != '"') {
        quote++;
      }
      if (quote == endAll || (quote - b64) % 4 != 0) {
        return false;
      }
      boolean commit = WsCodec.indexOf(a, quote, endAll, COMMIT_TRUE) >= 0;
      if (!commit && WsCodec.indexOf(a, quote, endAll, COMMIT_KEY) >= 0
          && WsCodec.indexOf(a, quote, endAll, COMMIT_FALSE) < 0) {
        return false; // a commit written otherwise: let the parser decide
      }
      int chars = quote - b64;
      int bytes = chars / 4 * 3;
      if (chars > 0 && a[quote - 1] == '=') {
        bytes -= a[quote - 2] == '=' ? 2 : 1;
      }
      if (bytes >= 8) {
        long seq = 0;
        int got = 0;
        for (int i = 0; i < 12 && got < 8; i += 4) {
          int v = 0;
          for (int j = 0; j < 4; j++) {
            int c = a[b64 + i + j];
            int d = c == '=' ? 0 : c >= 0 && c < 128 ? B64[c] : -1;
            if (d < 0) {
              return false;
            }
            v = (v << 6) | d;
          }
          for (int s = 16; s >= 0 && got < 8; s -= 8, got++) {
            seq = (seq << 8) | ((v >> s) & 0xff);
          }
        }
        sendPartial(seq);
      }
      if (commit) {
        sendCommitted();
      }
      return true;
    }

    void slowPath(String json) throws IOException {
      SttClientMessage m;
      try {
        m = SttClientMessage.decode(json);
      } catch (ProtocolException e) {
        sendText(SttServerMessage.Error.of(e.code(), e.getMessage()).encode());
        return;
      }
      byte[] audio = m.audio();
      if (audio.length >= 8) {
        long seq = 0;
        for (int b = 0; b < 8; b++) {
          seq = (seq << 8) | (audio[b] & 0xff);
        }
        sendPartial(seq);
      }
      if (m.commit()) {
        sendCommitted();
      }
    }

    void sendPartial(long seq) throws IOException {
      if (seq < 0) {
        sendText(new SttServerMessage.Partial("seq " + seq).encode());
        return;
      }
      byte[] s = scratch;
      int digits = 1;
      for (long v = seq / 10; v > 0; v /= 10) {
        digits++;
      }
      int payload = PARTIAL_PREFIX.length + digits + 2;
      s[0] = (byte) (0x80 | WsCodec.OP_TEXT);
      s[1] = (byte) payload; // always < 126
      System.arraycopy(PARTIAL_PREFIX, 0, s, 2, PARTIAL_PREFIX.length);
      int p = 2 + PARTIAL_PREFIX.length + digits;
      long v = seq;
      for (int i = 1; i <= digits; i++) {
        s[p - i] = (byte) ('0' + (v % 10));
        v /= 10;
      }
      s[p] = '"';
      s[p + 1] = '}';
      sendOrDrop(s, 0, p + 2);
    }

    void sendCommitted() throws IOException {
      sendOrDrop(COMMITTED, 0, COMMITTED.length);
      if (request != null && request.includeTimestamps()) {
        sendOrDrop(COMMITTED_TS, 0, COMMITTED_TS.length);
      }
    }
  }
}
