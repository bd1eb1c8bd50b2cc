package io.voicewire.audio.internal;

import io.voicewire.audio.AudioConverter;
import io.voicewire.audio.AudioDecoder;
import io.voicewire.audio.AudioFormat;
import java.util.Arrays;

/**
 * Creates the {@link AudioDecoder}s: a codec that turns the stream's bytes into PCM as whole
 * frames or pages arrive. {@link AudioConverter} decodes PCM and G.711.
 *
 * <p>Thread safety: stateless; the decoders it creates are not thread safe.
 */
public final class Decoders {
  private Decoders() {}

  /**
   * Sample rates of MPEG-1, MPEG-2 and MPEG-2.5 audio that mpglib decodes as ffmpeg does (sample
   * for sample, checked at 11.025–44.1 kHz); not 8 kHz, which it turns to noise below 32 kbit/s.
   */
  private static final int[] MP3_RATES = {11025, 12000, 16000, 22050, 24000, 32000, 44100,
      48000};

  /** Sample rates of MPEG-1, 2 and 2.5 layer III, by the header's version bits, then rate index. */
  private static final int[][] MPEG_RATES = {
      {11025, 12000, 8000}, // 00: MPEG-2.5
      null, // 01: reserved
      {22050, 24000, 16000}, // 10: MPEG-2
      {44100, 48000, 32000}}; // 11: MPEG-1

  /** See {@code AudioDecoder.detect}. */
  public static AudioFormat detect(byte[] b) {
    if (b.length >= 4 && b[0] == 'O' && b[1] == 'g' && b[2] == 'g' && b[3] == 'S') {
      byte[] opusHead = "OpusHead".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      for (int i = 0; i + opusHead.length <= Math.min(b.length, 512); i++) {
        if (Arrays.equals(b, i, i + opusHead.length, opusHead, 0, opusHead.length)) {
          return new AudioFormat(AudioFormat.Encoding.OPUS, 48_000, 64);
        }
      }
      return null;
    }
    int at = (int) Math.min(Integer.MAX_VALUE, id3TagLength(b));
    if (at < 0 || at + 4 > b.length || (b[at] & 0xff) != 0xff || (b[at + 1] & 0xe0) != 0xe0) {
      return null;
    }
    int version = (b[at + 1] >> 3) & 3;
    int layer = (b[at + 1] >> 1) & 3;
    int rateIndex = (b[at + 2] >> 2) & 3;
    int bitrateIndex = (b[at + 2] >> 4) & 0xf;
    if (MPEG_RATES[version] == null || layer != 1 || rateIndex == 3 || bitrateIndex == 0
        || bitrateIndex == 15) {
      return null; // layer III only ("01"), no free-format or bad bitrate, no reserved rate
    }
    return new AudioFormat(AudioFormat.Encoding.MP3, MPEG_RATES[version][rateIndex], 128);
  }

  /** The length of the ID3v2 tag (and its footer, if flagged) that starts {@code b}, else 0. */
  static long id3TagLength(byte[] b) {
    if (b.length < 10 || b[0] != 'I' || b[1] != 'D' || b[2] != '3') {
      return 0;
    }
    long size = (b[6] & 0x7f) << 21 | (b[7] & 0x7f) << 14 | (b[8] & 0x7f) << 7 | (b[9] & 0x7f);
    return 10 + size + ((b[5] & 0x10) != 0 ? 10 : 0);
  }

  /** True when {@code source} can be decoded. */
  public static boolean canDecode(AudioFormat source) {
    if (source.encoding() == AudioFormat.Encoding.MP3) {
      return Arrays.stream(MP3_RATES).anyMatch(r -> r == source.sampleRate());
    }
    return Encoders.canEncode(source);
  }

  /** A new decoder; the argument is checked by the caller. */
  public static AudioDecoder create(AudioFormat source) {
    AudioFormat pcm = AudioFormat.PCM_48000.withSampleRate(source.sampleRate());
    Codec codec = switch (source.encoding()) {
      case PCM_S16LE, ULAW, ALAW -> AudioConverter.create(source, pcm)::convert;
      case WAV -> new WavStreamReader();
      case MP3 -> {
        Encoders.requireClass("de.sciss.jump3r.mpg.MPGLib", "de.sciss:jump3r");
        yield new Mp3Decoder();
      }
      case OPUS -> {
        Encoders.requireClass("io.github.jaredmdobson.concentus.OpusDecoder",
            "io.github.jaredmdobson:concentus");
        yield new OggOpusDecoder();
      }
    };
    return new Stream(source, pcm, codec);
  }

  /** Bytes of a stream in, PCM out. */
  interface Codec {
    byte[] decode(byte[] chunk);
  }

  /** Adds the end-of-stream state to a codec. */
  private static final class Stream implements AudioDecoder {
    private final AudioFormat source;
    private final AudioFormat output;
    private final Codec codec;
    private boolean finished;

    Stream(AudioFormat source, AudioFormat output, Codec codec) {
      this.source = source;
      this.output = output;
      this.codec = codec;
    }

    @Override
    public AudioFormat source() {
      return source;
    }

    @Override
    public AudioFormat output() {
      return output;
    }

    @Override
    public byte[] decode(byte[] chunk) {
      if (finished) {
        throw new IllegalStateException("decode after finish");
      }
      return codec.decode(chunk);
    }

    @Override
    public byte[] finish() {
      finished = true;
      return new byte[0];
    }

    @Override
    public String toString() {
      return "AudioDecoder[" + source + " -> " + output + "]";
    }
  }

  /**
   * The samples of a streamed WAVE file: the RIFF header and the chunks before {@code data} are
   * read (and checked: 16-bit mono PCM), then the data passes through, an odd byte held back.
   */
  static final class WavStreamReader implements Codec {
    /** Largest header read before {@code data}, bytes. */
    static final int MAX_HEADER_BYTES = 4096;
    private byte[] head = new byte[0];
    private boolean inData;
    private int odd = -1;

    @Override
    public byte[] decode(byte[] chunk) {
      byte[] b = chunk;
      if (!inData) {
        head = Bytes.concat(head, chunk);
        int data = dataStart(head);
        if (data < 0) {
          if (head.length > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("no WAVE 'data' chunk in the first "
                + MAX_HEADER_BYTES + " bytes");
          }
          return new byte[0];
        }
        inData = true;
        b = Arrays.copyOfRange(head, data, head.length);
        head = null;
      }
      if (odd >= 0) {
        b = Bytes.concat(new byte[] {(byte) odd}, b);
        odd = -1;
      }
      if ((b.length & 1) != 0) {
        odd = b[b.length - 1] & 0xFF;
        b = Arrays.copyOf(b, b.length - 1);
      }
      return b;
    }

    /** Where the samples start in {@code h}, or -1 while the header is incomplete. */
    private static int dataStart(byte[] h) {
      if (h.length < 12) {
        return -1;
      }
      if (!ascii(h, 0, "RIFF") || !ascii(h, 8, "WAVE")) {
        throw new IllegalArgumentException("not a WAVE stream: no RIFF/WAVE header");
      }
      int p = 12;
      while (p + 8 <= h.length) {
        long size = Bytes.le32(h, p + 4) & 0xFFFFFFFFL;
        if (ascii(h, p, "data")) {
          return p + 8;
        }
        if (ascii(h, p, "fmt ") && p + 24 <= h.length
            && (Bytes.le16(h, p + 8) != 1 || Bytes.le16(h, p + 10) != 1
            || Bytes.le16(h, p + 22) != 16)) {
          throw new IllegalArgumentException("a wav_* stream is 16-bit mono PCM");
        }
        p += 8 + (int) Math.min(size + (size & 1), MAX_HEADER_BYTES);
      }
      return -1;
    }

    private static boolean ascii(byte[] b, int p, String s) {
      for (int i = 0; i < 4; i++) {
        if (b[p + i] != s.charAt(i)) {
          return false;
        }
      }
      return true;
    }
  }
}
