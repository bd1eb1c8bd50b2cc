package io.voicewire.engine.local.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream read in blocks: the one-byte {@link #read()} goes through
 * {@link #read(byte[], int, int)}, which subclasses implement. The decoders read in blocks; the
 * single-byte read is there for the {@link InputStream} contract.
 */
abstract class BulkInputStream extends InputStream {
  @Override
  public final int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) == -1 ? -1 : one[0] & 0xFF;
  }

  @Override
  public abstract int read(byte[] b, int off, int len) throws IOException;
}
