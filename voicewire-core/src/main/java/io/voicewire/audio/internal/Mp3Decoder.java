package io.voicewire.audio.internal;

import de.sciss.jump3r.mp3.MP3Data;
import de.sciss.jump3r.mp3.VBRTag;
import de.sciss.jump3r.mpg.Common;
import de.sciss.jump3r.mpg.Interface;
import de.sciss.jump3r.mpg.MPGLib;
import java.io.ByteArrayOutputStream;

/**
 * MPEG audio to PCM with the pure-Java mpglib of jump3r: bytes are queued as they come, and each
 * complete frame is decoded at once (the decoder keeps its synthesis state across frames, so
 * chunk boundaries leave no trace in the output). Stereo is averaged to mono.
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

  private final MPGLib mpg = new MPGLib();
  private final MPGLib.mpstr_tag state;
  private final MP3Data info = new MP3Data();
  private final short[] left = new short[MAX_FRAME_SAMPLES];
  private final short[] right = new short[MAX_FRAME_SAMPLES];

  Mp3Decoder() {
    Interface intf = new Interface();
    Common common = new Common();
    mpg.setModules(intf, common);
    intf.setModules(new VBRTag(), common);
    state = mpg.hip_decode_init();
  }

  @Override
  public byte[] decode(byte[] chunk) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(chunk.length * 12);
    int n = mpg.hip_decode1_headers(state, chunk, chunk.length, left, right, info);
    int idle = 0;
    while (n >= 0 && idle < IDLE_CALLS) {
      if (n > 0) {
        out.writeBytes(Bytes.pcm(left, right, n, info.stereo == 2));
        idle = 0;
      } else {
        idle++; // mpglib also answers 0 between frames it holds: ask again
      }
      n = mpg.hip_decode1_headers(state, chunk, 0, left, right, info);
    }
    if (n < 0) {
      throw new IllegalArgumentException("not a valid MP3 stream");
    }
    return out.toByteArray();
  }
}
