package io.voicewire.speech;

import io.voicewire.audio.AudioFormat;
import java.util.List;
import java.util.Objects;

/**
 * What a speech-to-text session is opened with: the query parameters of
 * {@code /v1/speech-to-text/realtime} (PROTOCOL.md §5.1). Build with {@link #builder()}.
 *
 * @param modelId the model, {@code scribe_v2_realtime}
 * @param audioFormat the format of the audio sent: a PCM rate or {@code ulaw_8000}
 * @param commitStrategy manual or VAD commits
 * @param vad voice-activity parameters (used with {@link CommitStrategy#VAD})
 * @param languageCode ISO 639-1/3 code, or null for auto-detection
 * @param includeTimestamps send word timings after each committed transcript
 * @param includeLanguageDetection report the detected language
 * @param keyterms terms to favour (≤ 50, each ≤ 20 characters)
 * @param previousText context text for the first segment, or null
 * @param enableLogging {@code enable_logging}: false asks for zero retention; null = not chosen
 * @param noVerbatim {@code no_verbatim}: drop filler words and disfluencies; null = not chosen
 * @param secondaryLanguages {@code secondary_languages}: other languages the audio may contain
 * @param filterBackgroundAudio {@code filter_background_audio}, or null = not chosen
 * @param entityDetection {@code entity_detection}: entity categories or types to detect
 * @param transcriptEdit {@code transcript_edit}: an instruction for editing each committed
 *     transcript (answered by {@code edited_transcript}), or null = not chosen
 * @param explicit the official query parameter names the client chose, when the request was read
 *     from a client (a relay forwards exactly those); null when built in code (everything is sent)
 * @param tenant the fairness key: whose share of a shared engine this session's work counts
 *     against (the local engine shares its workers and decoders equally between tenants). An
 *     opaque id, never a secret: a server passes its API key's id. Null = the one shared tenant
 *     of callers that have no keys. Backends without a shared engine ignore it
 */
public record SttRequest(
    String modelId,
    AudioFormat audioFormat,
    CommitStrategy commitStrategy,
    VadParams vad,
    String languageCode,
    boolean includeTimestamps,
    boolean includeLanguageDetection,
    List<String> keyterms,
    String previousText,
    Boolean enableLogging,
    Boolean noVerbatim,
    List<String> secondaryLanguages,
    Boolean filterBackgroundAudio,
    List<String> entityDetection,
    String transcriptEdit,
    java.util.Set<String> explicit,
    String tenant) {

  /** The default model. */
  public static final String DEFAULT_MODEL = "scribe_v2_realtime";
  /** Most key terms per session. */
  public static final int MAX_KEYTERMS = 50;
  /** Longest key term, in characters. */
  public static final int MAX_KEYTERM_CHARS = 20;

  public SttRequest {
    Objects.requireNonNull(modelId, "modelId == null");
    Objects.requireNonNull(audioFormat, "audioFormat == null");
    Objects.requireNonNull(commitStrategy, "commitStrategy == null");
    Objects.requireNonNull(vad, "vad == null");
    if (!(audioFormat.isPcm() || audioFormat.equals(AudioFormat.ULAW_8000))) {
      throw new IllegalArgumentException("audio_format must be a pcm rate or ulaw_8000: "
          + audioFormat.wireName());
    }
    keyterms = List.copyOf(keyterms == null ? List.of() : keyterms);
    secondaryLanguages = List.copyOf(secondaryLanguages == null ? List.of() : secondaryLanguages);
    entityDetection = List.copyOf(entityDetection == null ? List.of() : entityDetection);
    explicit = explicit == null ? null : java.util.Set.copyOf(explicit);
    if (keyterms.size() > MAX_KEYTERMS) {
      throw new IllegalArgumentException("at most " + MAX_KEYTERMS + " keyterms: " + keyterms.size());
    }
    for (String k : keyterms) {
      if (k.length() > MAX_KEYTERM_CHARS) {
        throw new IllegalArgumentException("keyterm longer than " + MAX_KEYTERM_CHARS
            + " characters: " + k);
      }
    }
  }

  /**
   * True when the official query parameter {@code name} is to be sent: always for a request built
   * in code, and only when the client chose it for one read from a client.
   */
  public boolean chose(String name) {
    return explicit == null || explicit.contains(name);
  }

  /** A builder with the protocol's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder initialised from this request. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.modelId = modelId;
    b.audioFormat = audioFormat;
    b.commitStrategy = commitStrategy;
    b.vad = vad;
    b.languageCode = languageCode;
    b.includeTimestamps = includeTimestamps;
    b.includeLanguageDetection = includeLanguageDetection;
    b.keyterms = keyterms;
    b.previousText = previousText;
    b.enableLogging = enableLogging;
    b.noVerbatim = noVerbatim;
    b.secondaryLanguages = secondaryLanguages;
    b.filterBackgroundAudio = filterBackgroundAudio;
    b.entityDetection = entityDetection;
    b.transcriptEdit = transcriptEdit;
    b.explicit = explicit;
    b.tenant = tenant;
    return b;
  }

  /** Builds an {@link SttRequest}. Not thread safe. */
  public static final class Builder {
    private String modelId = DEFAULT_MODEL;
    private AudioFormat audioFormat = AudioFormat.PCM_16000;
    private CommitStrategy commitStrategy = CommitStrategy.MANUAL;
    private VadParams vad = VadParams.DEFAULT;
    private String languageCode;
    private boolean includeTimestamps;
    private boolean includeLanguageDetection;
    private List<String> keyterms = List.of();
    private String previousText;
    private Boolean enableLogging;
    private Boolean noVerbatim;
    private List<String> secondaryLanguages = List.of();
    private Boolean filterBackgroundAudio;
    private List<String> entityDetection = List.of();
    private String transcriptEdit;
    private java.util.Set<String> explicit;
    private String tenant;

    private Builder() {}

    public Builder modelId(String v) {
      this.modelId = v;
      return this;
    }

    public Builder audioFormat(AudioFormat v) {
      this.audioFormat = v;
      return this;
    }

    public Builder commitStrategy(CommitStrategy v) {
      this.commitStrategy = v;
      return this;
    }

    public Builder vad(VadParams v) {
      this.vad = v;
      return this;
    }

    public Builder languageCode(String v) {
      this.languageCode = v;
      return this;
    }

    public Builder includeTimestamps(boolean v) {
      this.includeTimestamps = v;
      return this;
    }

    public Builder includeLanguageDetection(boolean v) {
      this.includeLanguageDetection = v;
      return this;
    }

    public Builder keyterms(List<String> v) {
      this.keyterms = v;
      return this;
    }

    public Builder previousText(String v) {
      this.previousText = v;
      return this;
    }

    /** {@code enable_logging}: false asks ElevenLabs for zero retention; null = not chosen. */
    public Builder enableLogging(Boolean v) {
      this.enableLogging = v;
      return this;
    }

    /** {@code no_verbatim}: remove filler words and disfluencies. */
    public Builder noVerbatim(Boolean v) {
      this.noVerbatim = v;
      return this;
    }

    public Builder secondaryLanguages(List<String> v) {
      this.secondaryLanguages = v;
      return this;
    }

    public Builder filterBackgroundAudio(Boolean v) {
      this.filterBackgroundAudio = v;
      return this;
    }

    /** {@code entity_detection}: categories ({@code pii}, {@code all}, …) or entity types. */
    public Builder entityDetection(List<String> v) {
      this.entityDetection = v;
      return this;
    }

    /**
     * {@code transcript_edit}: an instruction applied to each committed transcript, answered by an
     * {@code edited_transcript} message ({@link SttListener#onServerMessage}); null = none.
     */
    public Builder transcriptEdit(String v) {
      this.transcriptEdit = v;
      return this;
    }

    /** The official names the client chose (see {@link SttRequest#explicit()}); null = all. */
    public Builder explicit(java.util.Set<String> v) {
      this.explicit = v;
      return this;
    }

    /** The fairness key (see {@link SttRequest#tenant()}); null = the shared tenant. */
    public Builder tenant(String v) {
      this.tenant = v;
      return this;
    }

    /** Validates and builds; throws {@link IllegalArgumentException} with an exact message. */
    public SttRequest build() {
      return new SttRequest(modelId, audioFormat, commitStrategy, vad, languageCode,
          includeTimestamps, includeLanguageDetection, keyterms, previousText, enableLogging,
          noVerbatim, secondaryLanguages, filterBackgroundAudio, entityDetection, transcriptEdit,
          explicit, tenant);
    }
  }
}
