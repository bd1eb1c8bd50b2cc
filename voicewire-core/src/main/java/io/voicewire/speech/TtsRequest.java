package io.voicewire.speech;

import io.voicewire.audio.AudioFormat;
import java.util.List;
import java.util.Objects;

/**
 * What a text-to-speech session is opened with: the query parameters and the init message of
 * {@code stream-input} (PROTOCOL.md §2.1, §2.3). Build with {@link #builder(String)}.
 *
 * @param voiceId the voice
 * @param modelId the model, e.g. {@code eleven_flash_v2_5}
 * @param outputFormat the audio format of the chunks
 * @param voiceSettings voice settings
 * @param chunkLengthSchedule characters to buffer before each generation; each 50–500
 * @param autoMode release text at sentence boundaries instead of following the schedule
 * @param syncAlignment send alignment with every chunk
 * @param languageCode ISO 639-1 code, or null
 * @param seed deterministic-sampling seed, or null
 * @param applyTextNormalization {@code auto}, {@code on} or {@code off}
 */
public record TtsRequest(
    String voiceId,
    String modelId,
    AudioFormat outputFormat,
    VoiceSettings voiceSettings,
    List<Integer> chunkLengthSchedule,
    boolean autoMode,
    boolean syncAlignment,
    String languageCode,
    Long seed,
    String applyTextNormalization) {

  /** The protocol's default chunk-length schedule. */
  public static final List<Integer> DEFAULT_SCHEDULE = List.of(120, 160, 250, 290);
  /** Smallest value of a schedule entry. */
  public static final int MIN_SCHEDULE_CHARS = 50;
  /** Largest value of a schedule entry. */
  public static final int MAX_SCHEDULE_CHARS = 500;
  /** The default model. */
  public static final String DEFAULT_MODEL = "eleven_flash_v2_5";

  public TtsRequest {
    Objects.requireNonNull(voiceId, "voiceId == null");
    Objects.requireNonNull(modelId, "modelId == null");
    Objects.requireNonNull(outputFormat, "outputFormat == null");
    Objects.requireNonNull(voiceSettings, "voiceSettings == null");
    chunkLengthSchedule = List.copyOf(Objects.requireNonNull(chunkLengthSchedule,
        "chunkLengthSchedule == null"));
    if (chunkLengthSchedule.isEmpty()) {
      throw new IllegalArgumentException("chunk_length_schedule is empty");
    }
    for (int v : chunkLengthSchedule) {
      if (v < MIN_SCHEDULE_CHARS || v > MAX_SCHEDULE_CHARS) {
        throw new IllegalArgumentException("chunk_length_schedule values must be in range ["
            + MIN_SCHEDULE_CHARS + "," + MAX_SCHEDULE_CHARS + "]: " + v);
      }
    }
    if (seed != null && (seed < 0 || seed > 4294967295L)) {
      throw new IllegalArgumentException("seed must be in range [0,4294967295]: " + seed);
    }
    if (applyTextNormalization == null) {
      applyTextNormalization = "auto";
    }
    if (!List.of("auto", "on", "off").contains(applyTextNormalization)) {
      throw new IllegalArgumentException(
          "apply_text_normalization must be auto, on or off: " + applyTextNormalization);
    }
  }

  /** A builder with the protocol's defaults for everything but the voice. */
  public static Builder builder(String voiceId) {
    return new Builder(voiceId);
  }

  /** A builder initialised from this request. */
  public Builder toBuilder() {
    Builder b = new Builder(voiceId);
    b.modelId = modelId;
    b.outputFormat = outputFormat;
    b.voiceSettings = voiceSettings;
    b.chunkLengthSchedule = chunkLengthSchedule;
    b.autoMode = autoMode;
    b.syncAlignment = syncAlignment;
    b.languageCode = languageCode;
    b.seed = seed;
    b.applyTextNormalization = applyTextNormalization;
    return b;
  }

  /** Builds a {@link TtsRequest}. Not thread safe. */
  public static final class Builder {
    private String voiceId;
    private String modelId = DEFAULT_MODEL;
    private AudioFormat outputFormat = AudioFormat.PCM_24000;
    private VoiceSettings voiceSettings = VoiceSettings.DEFAULT;
    private List<Integer> chunkLengthSchedule = DEFAULT_SCHEDULE;
    private boolean autoMode;
    private boolean syncAlignment = true;
    private String languageCode;
    private Long seed;
    private String applyTextNormalization = "auto";

    private Builder(String voiceId) {
      this.voiceId = voiceId;
    }

    public Builder voiceId(String v) {
      this.voiceId = v;
      return this;
    }

    public Builder modelId(String v) {
      this.modelId = v;
      return this;
    }

    public Builder outputFormat(AudioFormat v) {
      this.outputFormat = v;
      return this;
    }

    public Builder voiceSettings(VoiceSettings v) {
      this.voiceSettings = v;
      return this;
    }

    public Builder chunkLengthSchedule(List<Integer> v) {
      this.chunkLengthSchedule = v;
      return this;
    }

    public Builder autoMode(boolean v) {
      this.autoMode = v;
      return this;
    }

    public Builder syncAlignment(boolean v) {
      this.syncAlignment = v;
      return this;
    }

    public Builder languageCode(String v) {
      this.languageCode = v;
      return this;
    }

    public Builder seed(Long v) {
      this.seed = v;
      return this;
    }

    public Builder applyTextNormalization(String v) {
      this.applyTextNormalization = v;
      return this;
    }

    /** Validates and builds; throws {@link IllegalArgumentException} with an exact message. */
    public TtsRequest build() {
      return new TtsRequest(voiceId, modelId, outputFormat, voiceSettings, chunkLengthSchedule,
          autoMode, syncAlignment, languageCode, seed, applyTextNormalization);
    }
  }
}
