package io.voicewire.audio.internal;

import io.voicewire.audio.AudioConverter;
import io.voicewire.audio.AudioEncoder;
import io.voicewire.audio.AudioFormat;
import io.voicewire.audio.Wav;
import java.io.ByteArrayOutputStream;

/**
 * Creates the {@link AudioEncoder}s: an {@link AudioConverter} in front (to the codec's rate, and
 * which also keeps an odd trailing byte for the next chunk), then the codec.
 *
 * <p>Thread safety: stateless; the encoders it creates are not thread safe.
 */
public final class Encoders {
  /** MP3 sample rates (MPEG-1 and MPEG-2) voicewire encodes. */
  private static final int[] MP3_RATES = {22050, 24000, 32000, 44100, 48000};

  private Encoders() {}

  /** True when {@code target} can be encoded. */
  public static boolean canEncode(AudioFormat target) {
    return switch (target.encoding()) {
      case PCM_S16LE, ULAW, ALAW, WAV -> true;
      case MP3 -> java.util.Arrays.stream(MP3_RATES).anyMatch(r -> r == target.sampleRate());
      case OPUS -> target.sampleRate() == OggOpusEncoder.RATE;
    };
  }

  /** A new encoder; the arguments are checked by the caller. */
  public static AudioEncoder create(AudioFormat source, AudioFormat target) {
    if (target.isDecodable()) {
      return new Chain(AudioConverter.create(source, target), null, target);
    }
    AudioFormat pcm = AudioEncoder.codecInput(target);
    Codec codec = switch (target.encoding()) {
      case MP3 -> {
        requireClass("de.sciss.jump3r.lowlevel.LameEncoder", "de.sciss:jump3r");
        yield new Mp3Encoder(target.sampleRate(), target.bitrateKbps());
      }
      case OPUS -> {
        requireClass("io.github.jaredmdobson.concentus.OpusEncoder",
            "io.github.jaredmdobson:concentus");
        yield new OggOpusEncoder(target.bitrateKbps(), source.sampleRate());
      }
      case WAV -> new WavCodec(target.sampleRate());
      default -> throw new IllegalArgumentException("cannot encode " + target);
    };
    return new Chain(AudioConverter.create(source, pcm), codec, target);
  }

  static void requireClass(String name, String artifact) {
    try {
      Class.forName(name, false, Encoders.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("encoding this format needs " + artifact
          + " on the class path", e);
    }
  }

  /** A codec fed with 16-bit little-endian PCM at its own rate, an even number of bytes. */
  interface Codec {
    byte[] encode(byte[] pcm, int off, int len);

    byte[] drain();

    byte[] finish();

    /** Samples a standard decoder outputs for every byte returned so far. */
    long decodedSamples();

    /** Where the next sample fed plays in that decoded timeline. */
    long nextInputPosition();
  }

  /** 16-bit PCM after a streaming WAVE header (sizes unknown: {@code 0xFFFFFFFF}). */
  private static final class WavCodec implements Codec {
    private final int rate;
    private boolean started;
    private long samples;

    WavCodec(int rate) {
      this.rate = rate;
    }

    @Override
    public byte[] encode(byte[] pcm, int off, int len) {
      samples += len / 2;
      byte[] body = java.util.Arrays.copyOfRange(pcm, off, off + len);
      if (started) {
        return body;
      }
      started = true;
      return Bytes.concat(Wav.streamingHeader(rate), body);
    }

    @Override
    public byte[] drain() {
      return new byte[0];
    }

    @Override
    public byte[] finish() {
      return started ? new byte[0] : encode(new byte[0], 0, 0);
    }

    @Override
    public long decodedSamples() {
      return samples;
    }

    @Override
    public long nextInputPosition() {
      return samples;
    }
  }

  /** Converter, then codec (null: the converter is the whole encoder). */
  private static final class Chain implements AudioEncoder {
    private final AudioConverter front;
    private final Codec codec;
    private final AudioFormat target;
    private boolean finished;
    /** Samples passed through when there is no codec. */
    private long passed;

    Chain(AudioConverter front, Codec codec, AudioFormat target) {
      this.front = front;
      this.codec = codec;
      this.target = target;
    }

    @Override
    public AudioFormat target() {
      return target;
    }

    @Override
    public byte[] encode(byte[] pcm) {
      if (finished) {
        throw new IllegalStateException("encode after finish");
      }
      byte[] p = front.convert(pcm);
      if (codec == null) {
        passed += p.length / target.frameSize();
        return p;
      }
      return codec.encode(p, 0, p.length);
    }

    @Override
    public byte[] drain() {
      if (finished || codec == null) {
        return new byte[0];
      }
      return codec.drain();
    }

    @Override
    public byte[] finish() {
      if (finished) {
        return new byte[0];
      }
      finished = true;
      byte[] tail = front.flush();
      if (codec == null) {
        passed += tail.length / target.frameSize();
        return tail;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(codec.encode(tail, 0, tail.length));
      out.writeBytes(codec.finish());
      return out.toByteArray();
    }

    @Override
    public long decodedSamples() {
      return codec == null ? passed : codec.decodedSamples();
    }

    @Override
    public long nextInputPosition() {
      return codec == null ? passed : codec.nextInputPosition();
    }

    @Override
    public String toString() {
      return "AudioEncoder[" + front.from() + " -> " + target + "]";
    }
  }
}
