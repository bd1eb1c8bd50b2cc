package io.voicewire.bench.relay;

import io.voicewire.protocol.SttServerMessage;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One stream of the {@link RawWsLoad}: a minimal RFC 6455 client connection that upgrades
 * ({@link WsUpgrade}), sends its {@link SeqFrame} stamped with the next sequence number at each
 * beat (skipping the beat while the previous frame is not written), and matches each
 * {@code partial_transcript "seq N"} to the send time of chunk N, into the {@link LoadTally}.
 * Protocol violations, error messages, unexpected closes and socket errors count as errors.
 *
 * <p>Not thread safe: confined to the load generator's selector thread.
 */
final class RawWsStream extends NioConn implements WsCodec.Handler {
  final int id;
  final SeqFrame frame;
  final WsUpgrade upgrade;
  final LoadTally tally;
  final WsCodec.Parser parser = new WsCodec.Parser(false);
  final long[] sentSeq = new long[RawWsLoad.SENT_RING];
  final long[] sentAt = new long[RawWsLoad.SENT_RING];
  /** Every commitEvery-th chunk is this frame (a commit), when set. */
  SeqFrame commitFrame;
  int commitEvery;
  boolean upgraded;
  boolean closeSent;
  String failure;
  long seq;
  int need;

  RawWsStream(int id, SocketChannel ch, SeqFrame frame, WsUpgrade upgrade, LoadTally tally) {
    super(ch, RawWsLoad.MAX_OUTBOUND_BYTES);
    this.id = id;
    this.frame = frame;
    this.upgrade = upgrade;
    this.tally = tally;
    java.util.Arrays.fill(sentSeq, -1);
  }

  /** Makes every {@code every}-th chunk a commit, sent as {@code commit}. */
  void commitEvery(SeqFrame commit, int every) {
    this.commitFrame = commit;
    this.commitEvery = every;
  }

  void onConnected() throws IOException {
    key.interestOps(SelectionKey.OP_READ);
    byte[] r = upgrade.request();
    send(r, 0, r.length);
  }

  void sendNext() {
    if (!upgraded || closeSent || hasPendingOutput()) {
      return; // the previous frame is not written yet: saturated; skip a beat (as SttLoad)
    }
    long n = seq++;
    byte[] f = commitEvery > 0 && n % commitEvery == commitEvery - 1 ? commitFrame.stamp(n)
        : frame.stamp(n);
    int slot = (int) (n & (RawWsLoad.SENT_RING - 1));
    sentSeq[slot] = n;
    sentAt[slot] = System.nanoTime();
    try {
      if (!send(f, 0, f.length)) {
        fail("outbound buffer full");
        return;
      }
    } catch (IOException e) {
      fail(e.toString());
      return;
    }
    tally.sent++;
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
        if (in.remaining() > WsUpgrade.MAX_HEAD_BYTES) {
          fail("upgrade response head too large");
        } else {
          in.compact();
        }
        return;
      }
      String head = new String(in.array(), in.position(), end - in.position(),
          StandardCharsets.ISO_8859_1);
      in.position(end);
      String refusal = upgrade.refusal(head);
      if (refusal != null) {
        fail(refusal);
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
    long n = RawWsLoad.partialSeq(a, off, len);
    if (n == Long.MIN_VALUE) {
      try {
        SttServerMessage m = SttServerMessage.decode(new String(a, off, len,
            StandardCharsets.UTF_8));
        if (m instanceof SttServerMessage.Partial p && p.text().startsWith("seq ")) {
          n = Long.parseLong(p.text().substring(4).trim());
        } else {
          if (m instanceof SttServerMessage.Error) {
            tally.errors++;
          } else if (m instanceof SttServerMessage.Committed) {
            tally.committed++;
          }
          return;
        }
      } catch (Exception e) {
        tally.errors++;
        return;
      }
    }
    int slot = (int) (n & (RawWsLoad.SENT_RING - 1));
    if (sentSeq[slot] == n) {
      sentSeq[slot] = -1;
      long micros = (System.nanoTime() - sentAt[slot]) / 1000;
      if (tally.measuring) {
        tally.histogram.recordValueWithExpectedInterval(micros, tally.expectedIntervalMicros);
      }
      tally.received++;
    }
  }

  @Override
  public void onControl(int opcode, byte[] a, int off, int len) {
    try {
      if (opcode == WsCodec.OP_PING) {
        byte[] f = WsCodec.frame(WsCodec.OP_PONG, java.util.Arrays.copyOfRange(a, off,
            off + len), frame.mask);
        if (!closeSent && !send(f, 0, f.length)) {
          fail("outbound buffer full");
        }
      } else if (opcode == WsCodec.OP_CLOSE) {
        if (!tally.ending) {
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
        frame.mask);
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
    if (!tally.ending) {
      tally.errors++;
      if (failure == null) {
        failure = why;
      }
    }
    sendClose(1002);
    closeNow();
  }
}
