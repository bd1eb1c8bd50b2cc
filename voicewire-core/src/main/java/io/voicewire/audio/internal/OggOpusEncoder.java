package io.voicewire.audio.internal;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Opus in Ogg (RFC 7845), mono, 48 kHz, 20 ms frames, with the pure-Java Concentus encoder.
 *
 * <p>The first output carries the OpusHead page (its pre-skip is the encoder's look-ahead) and
 * the OpusTags page; then each call puts the frames it completed into one page whose granule
 * position counts every sample encoded so far. {@link #finish()} pads with silence until the
 * look-ahead is flushed and writes the last page with the end-of-stream flag and the granule
 * position {@code pre-skip + samples}, so a decoder trims delay and padding exactly. At most one
 * frame of input is held back.
 *
 * <p>Not thread safe.
 */
final class OggOpusEncoder implements Encoders.Codec {
  static final int RATE = 48_000;
  /** Samples per frame: 20 ms at 48 kHz. */
  static final int FRAME_SAMPLES = 960;
  /** Largest Opus packet (RFC 6716, 3.2.1). */
  private static final int MAX_PACKET_BYTES = 1275;
  private static final String VENDOR = "voicewire (Concentus)";

  private final OpusEncoder opus;
  private final OggPages pages;
  private final int preSkip;
  private final int inputRate;
  private final short[] frame = new short[FRAME_SAMPLES];
  private final byte[] packet = new byte[MAX_PACKET_BYTES];
  private int filled;
  private long inputSamples;
  private long encodedSamples;
  /** Silence {@link #drain()} put into the timeline. */
  private long silence;
  private boolean headersWritten;
  /** Granule position of the last page returned. */
  private long lastGranule;

  OggOpusEncoder(int kbps, int inputRate) {
    try {
      opus = new OpusEncoder(RATE, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
    } catch (OpusException e) {
      throw new IllegalStateException("cannot create the Opus encoder", e);
    }
    opus.setBitrate(kbps * 1000);
    opus.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE);
    opus.setComplexity(5);
    this.preSkip = opus.getLookahead();
    this.inputRate = inputRate;
    this.pages = new OggPages(Long.hashCode(System.nanoTime()));
  }

  @Override
  public byte[] encode(byte[] pcm, int off, int len) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(len / 4 + 256);
    headers(out);
    for (int p = off, end = off + len - 1; p < end; p += 2) {
      frame[filled++] = (short) ((pcm[p] & 0xFF) | (pcm[p + 1] << 8));
      inputSamples++;
      if (filled == FRAME_SAMPLES) {
        encodeFrame(out);
      }
    }
    if (pages.openSegments() > 0) {
      pages.page(encodedSamples, 0, out);
    }
    lastGranule = encodedSamples;
    return out.toByteArray();
  }

  @Override
  public byte[] drain() {
    if (inputSamples + silence + preSkip <= encodedSamples) {
      return new byte[0];
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    headers(out);
    pad(out);
    silence = encodedSamples - preSkip - inputSamples;
    pages.page(encodedSamples, 0, out);
    lastGranule = encodedSamples;
    return out.toByteArray();
  }

  @Override
  public byte[] finish() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    headers(out);
    long needed = pad(out);
    pages.page(needed, OggPages.EOS, out);
    lastGranule = needed;
    return out.toByteArray();
  }

  @Override
  public long decodedSamples() {
    return Math.max(0, lastGranule - preSkip);
  }

  @Override
  public long nextInputPosition() {
    return inputSamples + silence;
  }

  /** Encodes silence until every sample fed has passed the look-ahead; the granule they end at. */
  private long pad(ByteArrayOutputStream out) {
    long needed = inputSamples + silence + preSkip;
    while (encodedSamples < needed) {
      java.util.Arrays.fill(frame, filled, FRAME_SAMPLES, (short) 0);
      filled = FRAME_SAMPLES;
      encodeFrame(out);
    }
    return needed;
  }

  private void encodeFrame(ByteArrayOutputStream out) {
    int n;
    try {
      n = opus.encode(frame, 0, FRAME_SAMPLES, packet, 0, packet.length);
    } catch (OpusException e) {
      throw new IllegalStateException("Opus encoding failed", e);
    }
    filled = 0;
    if (pages.openSegments() + OggPages.segments(n) > OggPages.MAX_SEGMENTS) {
      pages.page(encodedSamples, 0, out);
    }
    pages.add(packet, n);
    encodedSamples += FRAME_SAMPLES;
  }

  private void headers(ByteArrayOutputStream out) {
    if (headersWritten) {
      return;
    }
    headersWritten = true;
    byte[] head = new byte[19];
    System.arraycopy("OpusHead".getBytes(StandardCharsets.US_ASCII), 0, head, 0, 8);
    head[8] = 1; // version
    head[9] = 1; // channels
    OggPages.putLe(head, 10, preSkip, 2);
    OggPages.putLe(head, 12, inputRate, 4);
    // output gain 0, channel mapping family 0
    pages.add(head, head.length);
    pages.page(0, OggPages.BOS, out);
    byte[] vendor = VENDOR.getBytes(StandardCharsets.UTF_8);
    byte[] tags = new byte[8 + 4 + vendor.length + 4];
    System.arraycopy("OpusTags".getBytes(StandardCharsets.US_ASCII), 0, tags, 0, 8);
    OggPages.putLe(tags, 8, vendor.length, 4);
    System.arraycopy(vendor, 0, tags, 12, vendor.length);
    pages.add(tags, tags.length);
    pages.page(0, 0, out);
  }
}
