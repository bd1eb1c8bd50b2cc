package io.voicewire.server.internal;

import io.voicewire.audio.AudioConverter;
import io.voicewire.audio.AudioDecoder;
import io.voicewire.audio.AudioFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A batch upload in a compressed container, recognised by its first bytes
 * ({@link AudioDecoder#detect}) and decoded to mono 16 kHz PCM: MP3 (MPEG-1, 2 and 2.5) and
 * Ogg Opus. MP3 at 8 kHz is refused (the decoder turns it to noise at the usual bitrates). WAV
 * and raw PCM are read by {@link BatchStt} itself. The file is decoded and resampled
 * piece by piece, and refused once its audio passes {@link #MAX_DECODED_SECONDS}: a compressed
 * file is 10 to 40 times smaller than its audio, so its upload size alone does not bound the
 * memory its decoding takes.
 *
 * <p>FLAC is read by {@link BatchStt} with {@link io.voicewire.audio.Flac}, as WAV. Other
 * containers are refused with a message that names them (MP4/M4A, WebM, Ogg Vorbis): the
 * offline server has no decoder for them. Stateless.
 */
final class UploadedAudio {
  /** Most audio one compressed upload may decode to, seconds (an hour: 115 MB at 16 kHz). */
  static final int MAX_DECODED_SECONDS = 3600;
  /** Bytes of the file given to the decoder at a time. */
  static final int PIECE_BYTES = 64 * 1024;
  /** Supported, for the refusals. */
  static final String SUPPORTED = "send WAV, FLAC, MP3 or Ogg Opus, or raw 16 kHz mono PCM "
      + "with file_format=pcm_s16le_16";

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
    AudioFormat source = AudioDecoder.detect(file);
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
    AudioDecoder d = AudioDecoder.create(source); // it skips an MP3's ID3 tag
    AudioConverter to16k = AudioConverter.create(d.output(), AudioFormat.PCM_16000);
    long max = (long) maxSeconds * AudioFormat.PCM_16000.bytesPerSecond();
    ByteArrayOutputStream pcm = new ByteArrayOutputStream(Math.min(file.length * 8, 1 << 24));
    try {
      for (int at = 0; at <= file.length; at += PIECE_BYTES) {
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

  /** A container this server does not decode, named for the refusal; else null. */
  static String containerName(byte[] b) {
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
