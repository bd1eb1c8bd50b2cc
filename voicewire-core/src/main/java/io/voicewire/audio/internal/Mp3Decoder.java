package io.voicewire.audio.internal;

import de.sciss.jump3r.mp3.Enc;
import de.sciss.jump3r.mp3.MP3Data;
import de.sciss.jump3r.mp3.VBRTag;
import de.sciss.jump3r.mpg.Common;
import de.sciss.jump3r.mpg.Interface;
import de.sciss.jump3r.mpg.MPGLib;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * MPEG audio to PCM with the pure-Java mpglib of jump3r: bytes are queued as they come, and each
 * complete frame is decoded at once (the decoder keeps its synthesis state across frames, so
 * chunk boundaries leave no trace in the output). Stereo is averaged to mono.
 *
 * <p>A file whose first frame is a LAME (Xing/Info) tag announces its length and the encoder's
 * delay and padding: its decoded audio is trimmed to exactly the samples encoded, as ffmpeg and
 * the browsers' gapless decoders trim it, so that a word's time in a transcript is its time in
 * any player. A stream without the tag (every streamed MP3, this project's encoder's included)
 * keeps the encoder and decoder delay ({@code AudioEncoder.MP3_DECODER_DELAY_SAMPLES}).
 *
 * <p>Not thread safe.
 */
final class Mp3Decoder implements Decoders.Codec {
  /** Samples one call may return: one MPEG-1 frame, with room to spare. */
  private static final int MAX_FRAME_SAMPLES = 4608;
  /**
   * Calls answered with no samples in a row before the queued bytes count as used up: mpglib
   * answers 0 after each frame it returns even when whole frames are still queued (a chunk of ten
   * frames came out as one, the rest a chunk later, and the last chunk's never).
   */
  private static final int IDLE_CALLS = 4;
  /** mpglib's delay before a stream's first sample (LAME's DECDELAY, 528, and one). */
  private static final int MPGLIB_DELAY = 529;

  private final MPGLib mpg = new MPGLib();
  private final MPGLib.mpstr_tag state;
  private final MP3Data info = new MP3Data();
  /** The delay and padding of a LAME tag, written by mpglib when it reads one. */
  private final Enc enc = new Enc();
  /** Whether the samples so far have been checked for a LAME tag (at the first of them). */
  private boolean tagChecked;
  /** Samples still to drop at the start: the tag's encoder delay and mpglib's own. */
  private long skip;
  /** Samples still to return once a tag told the file's length; -1 without a tag. */
  private long remaining = -1;
  private final short[] left = new short[MAX_FRAME_SAMPLES];
  private final short[] right = new short[MAX_FRAME_SAMPLES];
  /** The stream's first bytes while fewer than an ID3v2 header's ten have come; then null. */
  private byte[] head = new byte[0];
  /** Bytes of a leading ID3v2 tag still to drop. */
  private long tagLeft;

  Mp3Decoder() {
    Interface intf = new Interface();
    Common common = new Common();
    mpg.setModules(intf, common);
    intf.setModules(new VBRTag(), common);
    state = mpg.hip_decode_init();
  }

  @Override
  public byte[] decode(byte[] chunk) {
    chunk = withoutId3Tag(chunk);
    ByteArrayOutputStream out = new ByteArrayOutputStream(chunk.length * 12);
    int n = mpg.hip_decode1_headersB(state, chunk, chunk.length, left, right, info, enc);
    int idle = 0;
    while (n >= 0 && idle < IDLE_CALLS) {
      if (n > 0) {
        write(out, n);
        idle = 0;
      } else {
        idle++; // mpglib also answers 0 between frames it holds: ask again
      }
      n = mpg.hip_decode1_headersB(state, chunk, 0, left, right, info, enc);
    }
    if (n < 0) {
      throw new IllegalArgumentException("not a valid MP3 stream");
    }
    return out.toByteArray();
  }

  /** Writes the {@code n} samples decoded, less what a LAME tag says is delay or padding. */
  private void write(ByteArrayOutputStream out, int n) {
    if (!tagChecked) {
      tagChecked = true;
      if (info.totalframes > 0 && enc.enc_delay >= 0 && enc.enc_padding >= 0) {
        skip = enc.enc_delay + MPGLIB_DELAY;
        remaining = Math.max(0, (long) info.totalframes * info.framesize - enc.enc_delay
            - enc.enc_padding);
      }
    }
    int from = (int) Math.min(skip, n);
    skip -= from;
    int count = n - from;
    if (remaining >= 0) {
      count = (int) Math.min(count, remaining);
      remaining -= count;
    }
    if (count > 0) {
      out.write(Bytes.pcm(left, right, n, info.stereo == 2), 2 * from, 2 * count);
    }
  }

  /**
   * {@code chunk} without the bytes of an ID3v2 tag that starts the stream (an MP3 file's
   * metadata, which mpglib would resync past as garbage): the header's first ten bytes are
   * gathered across chunks, then the tag's size (and footer) is dropped.
   */
  private byte[] withoutId3Tag(byte[] chunk) {
    if (head != null) {
      byte[] h = Arrays.copyOf(head, head.length + chunk.length);
      System.arraycopy(chunk, 0, h, head.length, chunk.length);
      boolean maybeTag = startsLikeId3(h);
      if (maybeTag && h.length < 10) {
        head = h; // not known yet
        return new byte[0];
      }
      head = null;
      tagLeft = maybeTag ? Decoders.id3TagLength(h) : 0;
      chunk = h;
    }
    if (tagLeft > 0) {
      int drop = (int) Math.min(tagLeft, chunk.length);
      tagLeft -= drop;
      chunk = Arrays.copyOfRange(chunk, drop, chunk.length);
    }
    return chunk;
  }

  /** Whether {@code b} starts with "ID3", or with as much of it as it has. */
  private static boolean startsLikeId3(byte[] b) {
    String id3 = "ID3";
    for (int i = 0; i < Math.min(3, b.length); i++) {
      if (b[i] != id3.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
