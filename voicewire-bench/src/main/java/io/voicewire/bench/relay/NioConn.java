package io.voicewire.bench.relay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One non-blocking socket of the raw stand-ins, driven by a single selector thread: a growable
 * read buffer and a bounded write buffer that is only used when the socket does not take
 * everything at once (then {@code OP_WRITE} is armed until it drains).
 */
abstract class NioConn {
  /** Read buffer to start with; grows to the frame size a partial frame needs. */
  static final int READ_BUFFER_BYTES = 16 * 1024;

  final SocketChannel ch;
  final int maxOutboundBytes;
  SelectionKey key;
  ByteBuffer in = ByteBuffer.allocate(READ_BUFFER_BYTES);
  private ByteBuffer out = ByteBuffer.allocate(4096); // write mode: pending bytes in [0, position)
  boolean closed;
  /** Close the socket once the pending bytes are written (after a close frame). */
  boolean closeAfterFlush;

  /** @param maxOutboundBytes bound of the pending bytes; overflow fails the {@link #send} */
  NioConn(SocketChannel ch, int maxOutboundBytes) {
    this.ch = ch;
    this.maxOutboundBytes = maxOutboundBytes;
  }

  /** Whether bytes from an earlier send still wait for the socket. */
  final boolean hasPendingOutput() {
    return out.position() > 0;
  }

  /**
   * Writes {@code a[off, off+len)}, keeping what the socket does not take.
   *
   * @return false (nothing queued) when the pending bytes would exceed the bound or the socket is
   *     closed
   */
  final boolean send(byte[] a, int off, int len) throws IOException {
    if (closed) {
      return false;
    }
    int done = 0;
    if (out.position() == 0) {
      done = ch.write(ByteBuffer.wrap(a, off, len));
      if (done == len) {
        return true;
      }
    }
    int rest = len - done;
    if (out.position() + rest > maxOutboundBytes) {
      return false;
    }
    if (out.remaining() < rest) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + rest));
      out.flip();
      bigger.put(out);
      out = bigger;
    }
    out.put(a, off + done, rest);
    key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
    return true;
  }

  /** On {@code OP_WRITE}: writes pending bytes; disarms when drained. */
  final void flush() throws IOException {
    out.flip();
    ch.write(out);
    out.compact();
    if (out.position() == 0) {
      key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
      if (closeAfterFlush) {
        closeNow();
      }
    }
  }

  /** Closes after the pending bytes, or now when there are none. */
  final void closeWhenFlushed() {
    closeAfterFlush = true;
    if (out.position() == 0) {
      closeNow();
    }
  }

  /**
   * On {@code OP_READ}: reads what is there into {@link #in} (write mode), growing it to
   * {@code need} first when a partial frame needs more room.
   *
   * @return bytes read, -1 at end of stream
   */
  final int read(int need) throws IOException {
    if (need > in.capacity()) {
      ByteBuffer bigger = ByteBuffer.allocate(need);
      in.flip();
      bigger.put(in);
      in = bigger;
    }
    return ch.read(in);
  }

  void closeNow() {
    if (closed) {
      return;
    }
    closed = true;
    if (key != null) {
      key.cancel();
    }
    try {
      ch.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
