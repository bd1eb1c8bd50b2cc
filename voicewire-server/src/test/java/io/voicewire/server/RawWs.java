package io.voicewire.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A bare WebSocket client over a plain {@link Socket} with a tiny receive buffer, for tests of a
 * client that does not read: unlike the JDK client, nothing it has not read piles up on its side,
 * so the server's own queue is what fills. Text frames only, unfragmented. Not thread safe.
 */
final class RawWs implements AutoCloseable {
  /** The receive buffer asked for, in bytes (the kernel may round it up a little). */
  static final int RECEIVE_BUFFER_BYTES = 2048;

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;

  private RawWs(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new DataInputStream(socket.getInputStream());
  }

  /** Connects and completes the upgrade of {@code path} with {@code headers}. */
  static RawWs connect(int port, String path, Map<String, String> headers) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    s.setSoTimeout(15_000);
    RawWs ws = new RawWs(s);
    StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]) + "\r\n");
    headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
    ws.out.write(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    ws.out.flush();
    String status = ws.line();
    if (!status.contains(" 101 ")) {
      throw new IOException("upgrade refused: " + status);
    }
    while (!ws.line().isEmpty()) {
      // headers
    }
    return ws;
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed during the handshake");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  /** Sends one masked text frame (mask of zeros: the payload goes as is). */
  void send(String text) throws IOException {
    byte[] p = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream f = new ByteArrayOutputStream(p.length + 14);
    f.write(0x81);
    if (p.length < 126) {
      f.write(0x80 | p.length);
    } else if (p.length < 65_536) {
      f.write(0x80 | 126);
      f.write(p.length >>> 8);
      f.write(p.length & 0xff);
    } else {
      f.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        f.write((int) ((long) p.length >>> (8 * i)) & 0xff);
      }
    }
    f.write(new byte[4]);
    f.write(p);
    out.write(f.toByteArray());
  }

  /**
   * Reads every text frame until the server's close frame (its code in {@code closeCode[0]}) or
   * the end of the connection (1006).
   */
  List<String> readUntilClose(int[] closeCode) throws IOException {
    List<String> texts = new ArrayList<>();
    try {
      readFrames(texts, closeCode);
    } catch (java.io.EOFException | java.net.SocketException cut) {
      closeCode[0] = 1006;
    }
    return texts;
  }

  private void readFrames(List<String> texts, int[] closeCode) throws IOException {
    while (true) {
      int b0 = in.readUnsignedByte();
      int b1 = in.readUnsignedByte();
      long len = b1 & 0x7f;
      if (len == 126) {
        len = in.readUnsignedShort();
      } else if (len == 127) {
        len = in.readLong();
      }
      byte[] payload = new byte[(int) len];
      in.readFully(payload);
      int op = b0 & 0x0f;
      if (op == 1) {
        texts.add(new String(payload, StandardCharsets.UTF_8));
      } else if (op == 8) {
        closeCode[0] = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff)
            : 1005;
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
