package io.voicewire.bench.soak;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Random;

/**
 * A bare WebSocket client over a plain socket, for clients that misbehave on purpose: it reads
 * only when asked (so a client can stop reading and let TCP back up), writes masked frames of
 * any size, and can drop the connection with a reset. Also sends raw HTTP for slow uploads.
 *
 * <p>Not thread safe: one thread per connection.
 */
final class RawWs implements AutoCloseable {
  /** Largest server frame payload {@link #readFrame} accepts, bytes. */
  static final int MAX_READ_PAYLOAD_BYTES = 16 * 1024 * 1024;

  /** A frame from the server: its opcode and payload. */
  record Frame(int opcode, byte[] payload) {
    /** The close code of a close frame, or -1. */
    int closeCode() {
      return opcode == 8 && payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff)
          : -1;
    }

    String text() {
      return new String(payload, opcode == 8 && payload.length >= 2 ? 2 : 0,
          Math.max(0, payload.length - (opcode == 8 && payload.length >= 2 ? 2 : 0)),
          StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private final Random random;
  final int status;

  private RawWs(Socket socket, int status, Random random) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new DataInputStream(socket.getInputStream());
    this.status = status;
    this.random = random;
  }

  /** Opens a socket to {@code host:port} with a small receive buffer (backs up soon). */
  static Socket socket(String host, int port) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(8 * 1024);
    s.connect(new InetSocketAddress(host, port), 5_000);
    s.setSoTimeout(30_000);
    return s;
  }

  /**
   * Upgrades to a WebSocket at {@code pathAndQuery}; {@link #status} is the HTTP status (101 when
   * upgraded).
   */
  static RawWs connect(String host, int port, String pathAndQuery, Map<String, String> headers,
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

  /** Reads an HTTP response head; returns its status code. */
  static int readStatus(InputStream in) throws IOException {
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

  void sendText(String text) throws IOException {
    send(1, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes one masked frame; blocks when the server does not read. */
  void send(int opcode, byte[] payload) throws IOException {
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
  Frame readFrame(int timeoutMillis) throws IOException {
    socket.setSoTimeout(timeoutMillis);
    try {
      int b0 = in.readUnsignedByte();
      int b1 = in.readUnsignedByte();
      long len = b1 & 0x7f;
      if (len == 126) {
        len = in.readUnsignedShort();
      } else if (len == 127) {
        len = in.readLong();
      }
      if (len < 0 || len > MAX_READ_PAYLOAD_BYTES) {
        throw new IOException("server frame of " + len + " bytes");
      }
      byte[] p = new byte[(int) len];
      in.readFully(p);
      return new Frame(b0 & 0x0f, p);
    } catch (SocketTimeoutException e) {
      return null;
    }
  }

  /** Drops the connection with a TCP reset (no close frame). */
  void reset() {
    try {
      socket.setSoLinger(true, 0);
      socket.close();
    } catch (IOException ignored) {
      // gone already
    }
  }

  @Override
  public void close() {
    reset();
  }
}
