package io.voicewire.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A bare WebSocket client over a plain socket, for clients that misbehave on purpose: it reads
 * only when asked (so a client can stop reading and let TCP back up), writes masked frames of
 * any size, and can drop the connection with a reset. Also sends raw HTTP for slow uploads.
 * Its small receive buffer means that what it does not read backs up on the server's side, so
 * the server's own queue is what fills. Used by the server's tests and the soak's abusers.
 *
 * <p>Not thread safe: one thread per connection.
 */
public final class RawWs implements AutoCloseable {
  /** Largest server frame payload {@link #readFrame} accepts, bytes. */
  public static final int MAX_READ_PAYLOAD_BYTES = 16 * 1024 * 1024;
  /** The receive buffer {@link #socket} asks for, bytes (the kernel may round it up a little). */
  public static final int RECEIVE_BUFFER_BYTES = 2048;
  /** The GUID of RFC 6455's accept key. */
  private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  /** How long a read blocks at most unless a call says otherwise, ms. */
  public static final int READ_TIMEOUT_MILLIS = 30_000;

  /** A frame from the server: its opcode and payload. */
  public record Frame(int opcode, byte[] payload) {
    /** The close code of a close frame, or -1. */
    public int closeCode() {
      return opcode == 8 && payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff)
          : -1;
    }

    /** The payload as UTF-8 text (a close frame: its reason). */
    public String text() {
      return new String(payload, opcode == 8 && payload.length >= 2 ? 2 : 0,
          Math.max(0, payload.length - (opcode == 8 && payload.length >= 2 ? 2 : 0)),
          StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private final Random random;
  /** The HTTP status of the upgrade (101 when upgraded). */
  public final int status;

  private RawWs(Socket socket, int status, Random random) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new DataInputStream(socket.getInputStream());
    this.status = status;
    this.random = random;
  }

  /** Opens a socket to {@code host:port} with a small receive buffer (backs up soon). */
  public static Socket socket(String host, int port) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
    s.connect(new InetSocketAddress(host, port), 5_000);
    s.setSoTimeout(READ_TIMEOUT_MILLIS);
    return s;
  }

  /** Upgrades {@code path} on {@code 127.0.0.1:port}; fails unless the server answers 101. */
  public static RawWs connect(int port, String path, Map<String, String> headers)
      throws IOException {
    RawWs ws = connect("127.0.0.1", port, path, headers, new Random());
    if (ws.status != 101) {
      ws.close();
      throw new IOException("upgrade refused: HTTP " + ws.status);
    }
    return ws;
  }

  /**
   * Upgrades to a WebSocket at {@code pathAndQuery}; {@link #status} is the HTTP status (101 when
   * upgraded).
   */
  public static RawWs connect(String host, int port, String pathAndQuery, Map<String, String> headers,
      Random random) throws IOException {
    Socket s = socket(host, port);
    byte[] key = new byte[16];
    random.nextBytes(key);
    StringBuilder req = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host
        + ":" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
        + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n");
    headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
    req.append("\r\n");
    s.getOutputStream().write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
    return new RawWs(s, readStatus(s.getInputStream()), random);
  }

  /**
   * Plays the server: reads a WebSocket upgrade request from {@code s} and accepts it (101, the
   * matching {@code Sec-WebSocket-Accept}, RFC 6455 §4.2.2; no extensions). Then read the
   * client's frames with {@link #readFrom}.
   */
  public static void acceptUpgrade(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0 || head.size() > 64 * 1024) {
        throw new IOException("no whole upgrade request");
      }
      head.write(b);
    }
    String key = null;
    for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-key:")) {
        key = line.substring(line.indexOf(':') + 1).trim();
      }
    }
    String accept;
    try {
      accept = Base64.getEncoder().encodeToString(java.security.MessageDigest
          .getInstance("SHA-1").digest((key + WS_GUID).getBytes(StandardCharsets.ISO_8859_1)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    OutputStream out = s.getOutputStream();
    out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Reads an HTTP response head; returns its status code. */
  public static int readStatus(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed during the response head");
      }
      head.write(b);
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
          ? state + 1 : 0;
      if (head.size() > 64 * 1024) {
        throw new IOException("response head over 64 KiB");
      }
    }
    String first = head.toString(StandardCharsets.ISO_8859_1).split("\r\n", 2)[0];
    String[] parts = first.split(" ");
    return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
  }

  /** Sends one masked text frame. */
  public void sendText(String text) throws IOException {
    send(1, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes one masked frame; blocks when the server does not read. */
  public void send(int opcode, byte[] payload) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
    f.write(0x80 | opcode);
    if (payload.length < 126) {
      f.write(0x80 | payload.length);
    } else if (payload.length < 65_536) {
      f.write(0x80 | 126);
      f.write(payload.length >>> 8);
      f.write(payload.length);
    } else {
      f.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        f.write((int) ((long) payload.length >>> (8 * i)));
      }
    }
    byte[] mask = new byte[4];
    random.nextBytes(mask);
    f.write(mask);
    byte[] masked = payload.clone();
    for (int i = 0; i < masked.length; i++) {
      masked[i] ^= mask[i & 3];
    }
    f.write(masked);
    out.write(f.toByteArray());
    out.flush();
  }

  /** The next frame, or null when none arrived within {@code timeoutMillis}. */
  public Frame readFrame(int timeoutMillis) throws IOException {
    socket.setSoTimeout(timeoutMillis);
    try {
      return readFrom(in);
    } catch (SocketTimeoutException e) {
      return null;
    }
  }

  /**
   * Reads one frame from {@code in}: a server's, or a client's (masked: unmasked here, so a test
   * can play the server). Its FIN bit is not kept: check {@code opcode} for continuations.
   */
  public static Frame readFrom(DataInputStream in) throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long len = b1 & 0x7f;
    if (len == 126) {
      len = in.readUnsignedShort();
    } else if (len == 127) {
      len = in.readLong();
    }
    if (len < 0 || len > MAX_READ_PAYLOAD_BYTES) {
      throw new IOException("frame of " + len + " bytes");
    }
    byte[] mask = new byte[4];
    if ((b1 & 0x80) != 0) {
      in.readFully(mask);
    }
    byte[] p = new byte[(int) len];
    in.readFully(p);
    for (int i = 0; i < p.length; i++) {
      p[i] ^= mask[i & 3];
    }
    return new Frame(b0 & 0x0f, p);
  }

  /** Drops the connection with a TCP reset (no close frame). */
  public void reset() {
    try {
      socket.setSoLinger(true, 0);
      socket.close();
    } catch (IOException ignored) {
      // gone already
    }
  }

  /**
   * Reads every text frame until the server's close frame (its code in {@code closeCode[0]}) or
   * the end of the connection (1006); a read waits at most {@link #READ_TIMEOUT_MILLIS}.
   */
  public List<String> readUntilClose(int[] closeCode) throws IOException {
    List<String> texts = new ArrayList<>();
    try {
      while (true) {
        Frame f = readFrame(READ_TIMEOUT_MILLIS);
        if (f == null) {
          throw new SocketTimeoutException("no frame in " + READ_TIMEOUT_MILLIS + " ms");
        }
        if (f.opcode() == 1) {
          texts.add(new String(f.payload(), StandardCharsets.UTF_8));
        } else if (f.opcode() == 8) {
          closeCode[0] = f.closeCode() < 0 ? 1005 : f.closeCode();
          return texts;
        }
      }
    } catch (java.io.EOFException | java.net.SocketException cut) {
      closeCode[0] = 1006;
    }
    return texts;
  }

  @Override
  public void close() {
    reset();
  }
}
