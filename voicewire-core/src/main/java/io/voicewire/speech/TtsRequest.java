package io.voicewire.speech;

import io.voicewire.audio.AudioFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;

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
 * @param enableLogging {@code enable_logging}: false asks for zero retention; null = not chosen
 * @param enableSsmlParsing {@code enable_ssml_parsing}, or null = not chosen
 * @param optimizeStreamingLatency {@code optimize_streaming_latency} (HTTP only, 0–4), or null
 * @param pronunciationDictionaryLocators dictionaries to apply, in order (at most 3)
 * @param previousText {@code previous_text} (HTTP only), or null
 * @param nextText {@code next_text} (HTTP only), or null
 * @param explicit the official parameter and field names the client chose, when the request was
 *     read from a client's request (a relay forwards exactly those and nothing it filled in);
 *     null when the request was built in code (everything is sent)
 * @param tenant the fairness key: whose share of a shared engine this session's work counts
 *     against (the local engine shares its workers and decoders equally between tenants). An
 *     opaque id, never a secret: a server passes its API key's id. Null = the one shared tenant
 *     of callers that have no keys. Backends without a shared engine ignore it
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
    String applyTextNormalization,
    Boolean enableLogging,
    Boolean enableSsmlParsing,
    Integer optimizeStreamingLatency,
    List<PronunciationLocator> pronunciationDictionaryLocators,
    String previousText,
    String nextText,
    Set<String> explicit,
    String tenant) {

  /** The protocol's default chunk-length schedule. */
  public static final List<Integer> DEFAULT_SCHEDULE = List.of(120, 160, 250, 290);
  /** Smallest value of a schedule entry. */
  public static final int MIN_SCHEDULE_CHARS = 50;
  /** Largest value of a schedule entry. */
  public static final int MAX_SCHEDULE_CHARS = 500;
  /** The default model of the WebSockets in this SDK and server. */
  public static final String DEFAULT_MODEL = "eleven_flash_v2_5";
  /** The official default {@code model_id} of the HTTP text-to-speech endpoints. */
  public static final String DEFAULT_HTTP_MODEL = "eleven_multilingual_v2";
  /** Most pronunciation dictionary locators per request. */
  public static final int MAX_PRONUNCIATION_LOCATORS = 3;

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
    if (optimizeStreamingLatency != null && (optimizeStreamingLatency < 0
        || optimizeStreamingLatency > 4)) {
      throw new IllegalArgumentException("optimize_streaming_latency must be in range [0,4]: "
          + optimizeStreamingLatency);
    }
    pronunciationDictionaryLocators = List.copyOf(pronunciationDictionaryLocators == null
        ? List.of() : pronunciationDictionaryLocators);
    if (pronunciationDictionaryLocators.size() > MAX_PRONUNCIATION_LOCATORS) {
      throw new IllegalArgumentException("at most " + MAX_PRONUNCIATION_LOCATORS
          + " pronunciation_dictionary_locators: " + pronunciationDictionaryLocators.size());
    }
    explicit = explicit == null ? null : Set.copyOf(explicit);
  }

  /**
   * True when the official parameter or field {@code name} is to be sent: always for a request
   * built in code, and only when the client chose it for one read from a client.
   */
  public boolean chose(String name) {
    return explicit == null || explicit.contains(name);
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
    b.enableLogging = enableLogging;
    b.enableSsmlParsing = enableSsmlParsing;
    b.optimizeStreamingLatency = optimizeStreamingLatency;
    b.pronunciationDictionaryLocators = pronunciationDictionaryLocators;
    b.previousText = previousText;
    b.nextText = nextText;
    b.explicit = explicit;
    b.tenant = tenant;
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
    private Boolean enableLogging;
    private Boolean enableSsmlParsing;
    private Integer optimizeStreamingLatency;
    private List<PronunciationLocator> pronunciationDictionaryLocators = List.of();
    private String previousText;
    private String nextText;
    private Set<String> explicit;
    private String tenant;

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

    /** {@code enable_logging}: false asks ElevenLabs for zero retention; null = not chosen. */
    public Builder enableLogging(Boolean v) {
      this.enableLogging = v;
      return this;
    }

    public Builder enableSsmlParsing(Boolean v) {
      this.enableSsmlParsing = v;
      return this;
    }

    /** {@code optimize_streaming_latency} of the HTTP endpoints (deprecated upstream), 0–4. */
    public Builder optimizeStreamingLatency(Integer v) {
      this.optimizeStreamingLatency = v;
      return this;
    }

    public Builder pronunciationDictionaryLocators(List<PronunciationLocator> v) {
      this.pronunciationDictionaryLocators = v;
      return this;
    }

    /** {@code previous_text} of the HTTP endpoints. */
    public Builder previousText(String v) {
      this.previousText = v;
      return this;
    }

    /** {@code next_text} of the HTTP endpoints. */
    public Builder nextText(String v) {
      this.nextText = v;
      return this;
    }

    /** The official names the client chose (see {@link TtsRequest#explicit()}); null = all. */
    public Builder explicit(Set<String> v) {
      this.explicit = v;
      return this;
    }

    /** The fairness key (see {@link TtsRequest#tenant()}); null = the shared tenant. */
    public Builder tenant(String v) {
      this.tenant = v;
      return this;
    }

    /** Validates and builds; throws {@link IllegalArgumentException} with an exact message. */
    public TtsRequest build() {
      return new TtsRequest(voiceId, modelId, outputFormat, voiceSettings, chunkLengthSchedule,
          autoMode, syncAlignment, languageCode, seed, applyTextNormalization, enableLogging,
          enableSsmlParsing, optimizeStreamingLatency, pronunciationDictionaryLocators,
          previousText, nextText, explicit, tenant);
    }
  }
}
