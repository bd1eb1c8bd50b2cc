package io.voicewire.audio.internal;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Ogg Opus (RFC 7845) to 48 kHz PCM with Concentus: whole Ogg pages are taken as they complete,
 * their packets reassembled (a packet may span pages) and decoded in order. The first
 * {@code pre-skip} samples are dropped, and the page with the end-of-stream flag cuts the output
 * at its granule position, so the PCM has exactly the encoded length. Stereo is averaged to mono.
 *
 * <p>Not thread safe.
 */
final class OggOpusDecoder implements Decoders.Codec {
  /** Largest Ogg page: 27-byte header, 255 lacing values, 255 segments of 255 bytes. */
  static final int MAX_PAGE_BYTES = 27 + 255 + 255 * 255;
  /** Samples per channel of the longest Opus packet (120 ms at 48 kHz). */
  private static final int MAX_PACKET_SAMPLES = 5760;

  private byte[] pending = new byte[0];
  private final ByteArrayOutputStream packet = new ByteArrayOutputStream();
  private int packets;
  private int channels;
  private long preSkipLeft;
  private long preSkip;
  private long emitted;
  private long limit = Long.MAX_VALUE;
  private OpusDecoder opus;
  private short[] pcm;

  @Override
  public byte[] decode(byte[] chunk) {
    pending = Bytes.concat(pending, chunk);
    ByteArrayOutputStream out = new ByteArrayOutputStream(chunk.length * 40);
    int p = 0;
    while (pending.length - p >= 27) {
      if (pending[p] != 'O' || pending[p + 1] != 'g' || pending[p + 2] != 'g'
          || pending[p + 3] != 'S') {
        throw new IllegalArgumentException("not an Ogg stream: no page at byte " + p);
      }
      int segs = pending[p + 26] & 0xFF;
      if (pending.length - p < 27 + segs) {
        break;
      }
      int body = 0;
      for (int i = 0; i < segs; i++) {
        body += pending[p + 27 + i] & 0xFF;
      }
      if (pending.length - p < 27 + segs + body) {
        break;
      }
      boolean eos = (pending[p + 5] & 0x04) != 0;
      long granule = (Bytes.le32(pending, p + 6) & 0xFFFFFFFFL)
          | (long) Bytes.le32(pending, p + 10) << 32;
      if (eos && granule >= 0) {
        limit = Math.max(0, granule - preSkip);
      }
      int q = p + 27 + segs;
      for (int i = 0; i < segs; i++) {
        int len = pending[p + 27 + i] & 0xFF;
        packet.write(pending, q, len);
        q += len;
        if (len < 255) {
          packet(packet.toByteArray(), out);
          packet.reset();
        }
      }
      p = q;
    }
    pending = Arrays.copyOfRange(pending, p, pending.length);
    return out.toByteArray();
  }

  private void packet(byte[] b, ByteArrayOutputStream out) {
    int index = packets++;
    if (index == 0) {
      if (b.length < 19 || !new String(b, 0, 8, java.nio.charset.StandardCharsets.US_ASCII)
          .equals("OpusHead")) {
        throw new IllegalArgumentException("not an Ogg Opus stream: no OpusHead");
      }
      channels = b[9] & 0xFF;
      preSkip = Bytes.le16(b, 10);
      preSkipLeft = preSkip;
      try {
        opus = new OpusDecoder(48_000, channels == 2 ? 2 : 1);
      } catch (OpusException e) {
        throw new IllegalArgumentException("unsupported OpusHead: " + channels + " channels", e);
      }
      pcm = new short[MAX_PACKET_SAMPLES * 2];
      return;
    }
    if (index == 1) {
      return; // OpusTags
    }
    int n;
    try {
      n = opus.decode(b, 0, b.length, pcm, 0, MAX_PACKET_SAMPLES, false);
    } catch (OpusException e) {
      throw new IllegalArgumentException("bad Opus packet: " + e.getMessage(), e);
    }
    short[] mono = pcm;
    if (channels == 2) {
      mono = new short[n];
      for (int i = 0; i < n; i++) {
        mono[i] = (short) ((pcm[2 * i] + pcm[2 * i + 1]) / 2);
      }
    }
    int from = (int) Math.min(n, preSkipLeft);
    preSkipLeft -= from;
    int count = (int) Math.max(0, Math.min(n - from, limit - emitted));
    if (count > 0) {
      byte[] bytes = Bytes.pcm(Arrays.copyOfRange(mono, from, from + count), null, count, false);
      out.writeBytes(bytes);
      emitted += count;
    }
  }
}
