package io.voicewire.bench.relay;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * One stream's pre-built masked {@code input_audio_chunk} frame whose audio's first 8 bytes carry
 * a sequence number: stamping a number re-encodes and re-masks only the 12 base64 characters that
 * hold them (the 9th byte shares their last quad and keeps its value), so a chunk costs no JSON
 * encoding and no masking of the whole payload.
 *
 * <p>Not thread safe: confined to the load generator's selector thread.
 */
final class SeqFrame {
  /** The frame's masking key (client frames of the stream reuse it). */
  final byte[] mask = new byte[4];
  private final byte[] frame;
  private final int seqAt; // index in frame of the 12 base64 characters holding bytes 0..8
  private final int seqMaskPhase; // payload index of seqAt, for the mask
  private final byte[] plain = new byte[12];
  private final byte[] chunkStart; // the template's first 9 PCM bytes (the 9th shares a quad)

  /**
   * @param payload the message's JSON
   * @param b64Off index in {@code payload} of the first base64 character of the audio
   */
  SeqFrame(byte[] payload, int b64Off, SplittableRandom random) {
    random.nextBytes(mask);
    frame = WsCodec.frame(WsCodec.OP_TEXT, payload, mask);
    int header = frame.length - payload.length;
    seqAt = header + b64Off;
    seqMaskPhase = b64Off;
    chunkStart = Base64.getDecoder().decode(
        new String(payload, b64Off, 12, StandardCharsets.US_ASCII));
  }

  /** The frame, its audio stamped with {@code n} (the same array every time). */
  byte[] stamp(long n) {
    byte[] c = chunkStart;
    RawWsLoad.base64Quad((int) (n >>> 56), (int) (n >>> 48), (int) (n >>> 40), plain, 0);
    RawWsLoad.base64Quad((int) (n >>> 32), (int) (n >>> 24), (int) (n >>> 16), plain, 4);
    RawWsLoad.base64Quad((int) (n >>> 8), (int) n, c[8], plain, 8);
    for (int i = 0; i < 12; i++) {
      frame[seqAt + i] = (byte) (plain[i] ^ mask[(seqMaskPhase + i) & 3]);
    }
    return frame;
  }
}
