package io.voicewire.audio;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An audio format of the ElevenLabs protocol, such as {@code pcm_16000}, {@code ulaw_8000} or
 * {@code mp3_44100_128}.
 *
 * <p>PCM is always 16-bit signed little-endian mono; μ-law and A-law are 8-bit mono (G.711).
 * MP3, Opus and WAV formats are carried as opaque bytes ({@link #frameSize()} is 0 and the
 * duration helpers throw for them); {@link AudioEncoder} makes them and {@link AudioDecoder}
 * turns them back into PCM.
 *
 * <p>Instances are immutable values; compare them with {@code equals}.
 *
 * @param encoding the sample encoding
 * @param sampleRate samples per second
 * @param bitrateKbps the bitrate of a compressed format, 0 for PCM, μ-law and A-law
 */
public record AudioFormat(Encoding encoding, int sampleRate, int bitrateKbps) {

  /** How samples are encoded. */
  public enum Encoding {
    /** 16-bit signed little-endian linear PCM. */
    PCM_S16LE("pcm", 2),
    /** 8-bit G.711 μ-law. */
    ULAW("ulaw", 1),
    /** 8-bit G.711 A-law. */
    ALAW("alaw", 1),
    /** MPEG-1/2 layer III, opaque to voicewire. */
    MP3("mp3", 0),
    /** Opus, opaque to voicewire. */
    OPUS("opus", 0),
    /**
     * 16-bit PCM in a WAVE container (a 44-byte header, then the samples), opaque to voicewire
     * because of the header: {@link AudioDecoder} reads it.
     */
    WAV("wav", 0);

    private final String prefix;
    private final int bytesPerSample;

    Encoding(String prefix, int bytesPerSample) {
      this.prefix = prefix;
      this.bytesPerSample = bytesPerSample;
    }

    /** The wire-name prefix, e.g. {@code "pcm"}. */
    public String prefix() {
      return prefix;
    }

    /** Bytes per mono sample, 0 for opaque encodings. */
    public int bytesPerSample() {
      return bytesPerSample;
    }
  }

  public static final AudioFormat PCM_8000 = new AudioFormat(Encoding.PCM_S16LE, 8000, 0);
  public static final AudioFormat PCM_16000 = new AudioFormat(Encoding.PCM_S16LE, 16000, 0);
  public static final AudioFormat PCM_22050 = new AudioFormat(Encoding.PCM_S16LE, 22050, 0);
  public static final AudioFormat PCM_24000 = new AudioFormat(Encoding.PCM_S16LE, 24000, 0);
  public static final AudioFormat PCM_32000 = new AudioFormat(Encoding.PCM_S16LE, 32000, 0);
  public static final AudioFormat PCM_44100 = new AudioFormat(Encoding.PCM_S16LE, 44100, 0);
  public static final AudioFormat PCM_48000 = new AudioFormat(Encoding.PCM_S16LE, 48000, 0);
  public static final AudioFormat ULAW_8000 = new AudioFormat(Encoding.ULAW, 8000, 0);
  public static final AudioFormat ALAW_8000 = new AudioFormat(Encoding.ALAW, 8000, 0);

  /** Every PCM rate the protocol names, ascending. */
  public static final List<AudioFormat> PCM_FORMATS =
      List.of(PCM_8000, PCM_16000, PCM_22050, PCM_24000, PCM_32000, PCM_44100, PCM_48000);

  /** Every format name the protocol knows (TTS WebSocket, HTTP and STT lists together). */
  public static final List<String> KNOWN_NAMES = List.of(
      "mp3_22050_32", "mp3_24000_48", "mp3_44100_32", "mp3_44100_64", "mp3_44100_96",
      "mp3_44100_128", "mp3_44100_192", "pcm_8000", "pcm_16000", "pcm_22050", "pcm_24000",
      "pcm_32000", "pcm_44100", "pcm_48000", "ulaw_8000", "alaw_8000", "opus_48000_32",
      "opus_48000_64", "opus_48000_96", "opus_48000_128", "opus_48000_192", "wav_8000",
      "wav_16000", "wav_22050", "wav_24000", "wav_32000", "wav_44100", "wav_48000");

  public AudioFormat {
    Objects.requireNonNull(encoding, "encoding == null");
    if (sampleRate <= 0) {
      throw new IllegalArgumentException("sampleRate <= 0: " + sampleRate);
    }
    boolean compressed = encoding == Encoding.MP3 || encoding == Encoding.OPUS;
    if (compressed ? bitrateKbps <= 0 : bitrateKbps != 0) {
      throw new IllegalArgumentException("bitrateKbps " + bitrateKbps + " does not fit " + encoding);
    }
  }

  /**
   * Parses a wire name such as {@code pcm_16000}.
   *
   * @throws IllegalArgumentException with the list of known names, for an unknown name
   */
  public static AudioFormat parse(String wireName) {
    Objects.requireNonNull(wireName, "wireName == null");
    String name = wireName.trim().toLowerCase(Locale.ROOT);
    if (KNOWN_NAMES.contains(name)) {
      String[] parts = name.split("_");
      for (Encoding e : Encoding.values()) {
        if (e.prefix.equals(parts[0])) {
          int rate = Integer.parseInt(parts[1]);
          int kbps = parts.length > 2 ? Integer.parseInt(parts[2]) : 0;
          return new AudioFormat(e, rate, kbps);
        }
      }
    }
    throw new IllegalArgumentException("unknown audio format '" + wireName + "'; known: "
        + String.join(", ", KNOWN_NAMES));
  }

  /** The wire name, e.g. {@code pcm_16000} or {@code mp3_44100_128}. */
  public String wireName() {
    return encoding.prefix + "_" + sampleRate + (bitrateKbps > 0 ? "_" + bitrateKbps : "");
  }

  /** True for 16-bit linear PCM. */
  public boolean isPcm() {
    return encoding == Encoding.PCM_S16LE;
  }

  /** True for formats voicewire can decode to PCM (PCM, μ-law, A-law). */
  public boolean isDecodable() {
    return encoding.bytesPerSample > 0;
  }

  /** Bytes per mono frame (one sample), 0 for opaque formats. */
  public int frameSize() {
    return encoding.bytesPerSample;
  }

  /** Bytes per second of audio. */
  public int bytesPerSecond() {
    requireDecodable();
    return sampleRate * encoding.bytesPerSample;
  }

  /** Bytes per millisecond of audio (fractional for 22050 and 44100 Hz). */
  public double bytesPerMillis() {
    return bytesPerSecond() / 1000.0;
  }

  /** Bytes holding {@code millis} of audio, rounded down to a whole frame. */
  public int bytesForMillis(double millis) {
    requireDecodable();
    long frames = (long) Math.floor(millis * sampleRate / 1000.0);
    return Math.toIntExact(frames * encoding.bytesPerSample);
  }

  /** Milliseconds of audio in {@code bytes}. */
  public double millisForBytes(long bytes) {
    requireDecodable();
    return bytes * 1000.0 / bytesPerSecond();
  }

  /** The same encoding at another rate ({@code pcm} and G.711 only). */
  public AudioFormat withSampleRate(int rate) {
    return new AudioFormat(encoding, rate, bitrateKbps);
  }

  private void requireDecodable() {
    if (!isDecodable()) {
      throw new UnsupportedOperationException(wireName() + " is opaque to voicewire");
    }
  }

  /** The names of every PCM format, for error messages. */
  public static List<String> pcmNames() {
    List<String> out = new ArrayList<>();
    for (AudioFormat f : PCM_FORMATS) {
      out.add(f.wireName());
    }
    return out;
  }

  @Override
  public String toString() {
    return wireName();
  }
}
