package io.voicewire.server.internal;

import io.voicewire.audio.AudioConverter;
import io.voicewire.audio.AudioDecoder;
import io.voicewire.audio.AudioFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A batch upload in a compressed container, recognised by its first bytes and decoded to mono
 * 16 kHz PCM: MP3 (an ID3v2 tag or an MPEG audio frame first; MPEG-1, 2 and 2.5, every rate) and
 * Ogg Opus. MP3 at 8 kHz is refused (the decoder turns it to noise at the usual bitrates). WAV
 * and raw PCM are read by {@link BatchStt} itself. The file is decoded and resampled
 * piece by piece, and refused once its audio passes {@link #MAX_DECODED_SECONDS}: a compressed
 * file is 10 to 40 times smaller than its audio, so its upload size alone does not bound the
 * memory its decoding takes.
 *
 * <p>Other containers are refused with a message that names them (FLAC, MP4/M4A, WebM, Ogg
 * Vorbis): the offline server has no decoder for them. Stateless.
 */
final class UploadedAudio {
  /** Most audio one compressed upload may decode to, seconds (an hour: 115 MB at 16 kHz). */
  static final int MAX_DECODED_SECONDS = 3600;
  /** Bytes of the file given to the decoder at a time. */
  static final int PIECE_BYTES = 64 * 1024;
  /** Sample rates of MPEG-1, MPEG-2 and MPEG-2.5 audio, by version bits then rate index. */
  private static final int[][] MPEG_RATES = {
      {11025, 12000, 8000}, // 00: MPEG-2.5
      null, // 01: reserved
      {22050, 24000, 16000}, // 10: MPEG-2
      {44100, 48000, 32000}}; // 11: MPEG-1
  /** Supported, for the refusals. */
  static final String SUPPORTED = "send WAV, MP3 or Ogg Opus, or raw 16 kHz mono PCM with "
      + "file_format=pcm_s16le_16";

  private UploadedAudio() {}

  /**
   * The upload's audio as mono 16 kHz PCM, or null when it is neither MP3 nor Ogg Opus.
   *
   * @throws HttpProblem when it is one of them but cannot be decoded, or is too long, or is a
   *     container this server does not read
   */
  static byte[] decode(byte[] file) throws HttpProblem {
    return decode(file, MAX_DECODED_SECONDS);
  }

  /** {@link #decode(byte[])} with a limit of {@code maxSeconds} (tests). */
  static byte[] decode(byte[] file, int maxSeconds) throws HttpProblem {
    AudioFormat source = sniff(file);
    if (source == null) {
      String other = containerName(file);
      if (other != null) {
        throw HttpProblem.validation("unsupported_file", other + " files are not supported by "
            + "this server: " + SUPPORTED, "file");
      }
      return null;
    }
    if (!AudioDecoder.canDecode(source)) {
      throw HttpProblem.validation("unsupported_file", "MP3 at " + source.sampleRate()
          + " Hz is not supported by this server: send WAV, or MP3 at 11025 Hz or more", "file");
    }
    AudioDecoder d = AudioDecoder.create(source);
    int start = audioStart(file);
    AudioConverter to16k = AudioConverter.create(d.output(), AudioFormat.PCM_16000);
    long max = (long) maxSeconds * AudioFormat.PCM_16000.bytesPerSecond();
    ByteArrayOutputStream pcm = new ByteArrayOutputStream(Math.min(file.length * 8, 1 << 24));
    try {
      for (int at = start; at <= file.length; at += PIECE_BYTES) {
        byte[] out = at < file.length
            ? d.decode(Arrays.copyOfRange(file, at, Math.min(file.length, at + PIECE_BYTES)))
            : d.finish();
        pcm.writeBytes(to16k.convert(out));
        if (pcm.size() > max) {
          throw HttpProblem.badRequest("audio_too_long", "The file's audio is longer than "
              + maxSeconds + " s (MAX_DECODED_SECONDS): send a shorter one", "file");
        }
      }
      pcm.writeBytes(to16k.flush());
    } catch (IllegalArgumentException e) {
      throw HttpProblem.validation("unsupported_file", "Unsupported " + label(source) + " file: "
          + e.getMessage(), "file");
    }
    if (pcm.size() == 0) {
      throw HttpProblem.validation("unsupported_file", "The " + label(source) + " file has no "
          + "audio that could be decoded", "file");
    }
    return pcm.toByteArray();
  }

  /** MP3 (with its first frame's rate) or Ogg Opus, from the first bytes; else null. */
  static AudioFormat sniff(byte[] b) {
    if (startsWith(b, 0, "OggS")) {
      int head = indexOf(b, "OpusHead", Math.min(b.length, 512));
      return head < 0 ? null : new AudioFormat(AudioFormat.Encoding.OPUS, 48_000, 64);
    }
    int rate = mpegRate(b, audioStart(b));
    return rate == 0 ? null : new AudioFormat(AudioFormat.Encoding.MP3, rate, 128);
  }

  /** Where the audio starts: after an ID3v2 tag (and its footer, if flagged), else 0. */
  private static int audioStart(byte[] b) {
    if (!startsWith(b, 0, "ID3") || b.length < 10) {
      return 0;
    }
    int size = (b[6] & 0x7f) << 21 | (b[7] & 0x7f) << 14 | (b[8] & 0x7f) << 7 | (b[9] & 0x7f);
    return 10 + size + ((b[5] & 0x10) != 0 ? 10 : 0);
  }

  /** The sample rate of an MPEG audio layer III frame header at {@code at}, or 0. */
  private static int mpegRate(byte[] b, int at) {
    if (at < 0 || at + 4 > b.length || (b[at] & 0xff) != 0xff || (b[at + 1] & 0xe0) != 0xe0) {
      return 0;
    }
    int version = (b[at + 1] >> 3) & 3;
    int layer = (b[at + 1] >> 1) & 3;
    int rateIndex = (b[at + 2] >> 2) & 3;
    int bitrateIndex = (b[at + 2] >> 4) & 0xf;
    if (MPEG_RATES[version] == null || layer != 1 || rateIndex == 3 || bitrateIndex == 0
        || bitrateIndex == 15) {
      return 0; // layer III only ("01"), no free-format or bad bitrate, no reserved rate
    }
    return MPEG_RATES[version][rateIndex];
  }

  /** A container this server does not decode, named for the refusal; else null. */
  static String containerName(byte[] b) {
    if (startsWith(b, 0, "fLaC")) {
      return "FLAC";
    }
    if (startsWith(b, 4, "ftyp")) {
      return "MP4/M4A";
    }
    if (b.length >= 4 && (b[0] & 0xff) == 0x1a && (b[1] & 0xff) == 0x45
        && (b[2] & 0xff) == 0xdf && (b[3] & 0xff) == 0xa3) {
      return "WebM/Matroska";
    }
    if (startsWith(b, 0, "OggS")) {
      return indexOf(b, "vorbis", Math.min(b.length, 512)) >= 0 ? "Ogg Vorbis" : "Ogg";
    }
    return null;
  }

  private static String label(AudioFormat f) {
    return f.encoding() == AudioFormat.Encoding.MP3 ? "MP3" : "Ogg Opus";
  }

  private static boolean startsWith(byte[] b, int at, String ascii) {
    byte[] p = ascii.getBytes(StandardCharsets.US_ASCII);
    return b.length >= at + p.length && Arrays.equals(b, at, at + p.length, p, 0, p.length);
  }

  private static int indexOf(byte[] b, String ascii, int within) {
    byte[] p = ascii.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + p.length <= within; i++) {
      if (Arrays.equals(b, i, i + p.length, p, 0, p.length)) {
        return i;
      }
    }
    return -1;
  }
}
