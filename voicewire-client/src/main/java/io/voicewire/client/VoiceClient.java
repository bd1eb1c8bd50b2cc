package io.voicewire.client;

import io.voicewire.client.internal.ClientConfig;
import io.voicewire.client.internal.ClientRuntime;
import io.voicewire.client.internal.ClientSettings;
import io.voicewire.client.internal.transport.Connector;
import io.voicewire.client.internal.Dispatcher;
import io.voicewire.client.internal.stream.RealDialogueStream;
import io.voicewire.client.internal.stream.RealMultiContextTts;
import io.voicewire.client.internal.stream.RealSttStream;
import io.voicewire.client.internal.stream.RealTtsStream;
import io.voicewire.client.internal.stream.RelaySessions;
import io.voicewire.protocol.TimestampLine;
import io.voicewire.protocol.TokenType;
import io.voicewire.speech.ModelInfo;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.TtsListener;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import io.voicewire.speech.VoiceInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The voicewire / ElevenLabs client: streaming text-to-speech ({@link TtsStream},
 * {@link MultiContextTts}), realtime speech-to-text ({@link SttStream}), HTTP speech, voices,
 * models and single-use tokens. The same code talks to {@code https://api.elevenlabs.io} (or a
 * regional host) and to any voicewire server; only the base URL differs.
 *
 * <pre>{@code
 * VoiceClient client = VoiceClient.builder()
 *     .baseUrl("https://api.elevenlabs.io")
 *     .apiKey(System.getenv("ELEVENLABS_API_KEY"))
 *     .build();
 * TtsAudioQueue audio = new TtsAudioQueue();
 * try (TtsStream tts = client.newTtsStream(VoiceClient.ttsRequest(voiceId), audio)) {
 *   tts.send("Hello there. ");
 *   tts.end();
 *   for (TtsAudio chunk : audio) out.write(chunk.audio());
 * }
 * }</pre>
 *
 * <h2>Share one client</h2>
 * A client owns a scheduler thread, an HTTP client with its reader threads, and creates virtual
 * threads for callbacks. Create one per application (or per configuration) and share it: streams
 * are cheap, clients are not. Variants with other settings come from {@link #newBuilder()}, which
 * shares nothing with this client. Call {@link #close()} at shutdown; it fails the streams still
 * open. Instances are immutable and thread safe.
 */
public final class VoiceClient implements TtsStream.Factory, SttStream.Factory,
    MultiContextTts.Factory, AutoCloseable {

  /** The ElevenLabs production API. */
  public static final String ELEVENLABS = "https://api.elevenlabs.io";
  /** Default graceful-close wait for the peer's close frame, ms. */
  public static final long CANCEL_AFTER_CLOSE_MILLIS = 2_000;
  /** STT: the replay ring's default limit, in seconds of audio ({@link Builder#sttReplayLimit}). */
  public static final Duration DEFAULT_STT_REPLAY_LIMIT = Duration.ofSeconds(30);

  /** The WebSocket implementation under the streams. */
  public enum Transport {
    /** The JDK's {@code java.net.http.WebSocket}: no dependency; the default. */
    JDK,
    /**
     * Jetty's WebSocket client, for servers that carry many streams (the voicewire relay uses
     * it): no writer thread and no thread hand-off per message, a fraction of the JDK's CPU per
     * message. Needs {@code org.eclipse.jetty.websocket:jetty-websocket-jetty-client} on the
     * class path (an optional dependency of this library).
     */
    JETTY;

    /** Whether this transport's classes are on the class path. */
    public boolean isAvailable() {
      return this == JDK || ClientRuntime.jettyOnClassPath();
    }
  }

  private final ClientConfig config;
  /** Every stream and request starts from it; it refuses once the client is closed. */
  private final ClientRuntime runtime;

  /** Whether the Jetty transport was asked to read on its selector threads. */
  boolean inlineReads() {
    return config.inlineReads();
  }

  private VoiceClient(ClientConfig config) {
    this.config = config;
    this.runtime = new ClientRuntime(config);
  }

  /** A builder with the defaults (ElevenLabs, no credentials). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this client's settings, for a variant. The new client shares nothing. */
  public Builder newBuilder() {
    return new Builder(config);
  }

  /**
   * A TTS request with the defaults chosen for latency: {@code eleven_flash_v2_5}, PCM 24 kHz,
   * {@code auto_mode} (the stream's {@link TextChunker} sends whole sentences and clauses, so
   * token streams work too) and {@code sync_alignment} (which resume relies on).
   */
  public static TtsRequest ttsRequest(String voiceId) {
    return TtsRequest.builder(voiceId).autoMode(true).syncAlignment(true).build();
  }

  /** The base URL. */
  public URI baseUrl() {
    return config.baseUrl();
  }

  @Override
  public TtsStream newTtsStream(TtsRequest request, TtsStream.Listener listener) {
    return RealTtsStream.open(runtime.context(), request, listener);
  }

  @Override
  public SttStream newSttStream(SttRequest request, SttStream.Listener listener) {
    return RealSttStream.open(runtime.context(), request, listener);
  }

  /** The relay's TTS session ({@link ElevenLabsProvider}): {@code upstream} on the wire. */
  TtsSession openRelayTts(TtsRequest request, TtsRequest upstream, TtsListener listener,
      Consumer<ConnectionStatus> status) {
    return RelaySessions.tts(runtime.context(), request, upstream, listener, status);
  }

  /** The relay's STT session ({@link ElevenLabsProvider}): {@code upstream} on the wire. */
  SttSession openRelayStt(SttRequest request, SttRequest upstream, SttListener listener,
      Consumer<ConnectionStatus> status) {
    return RelaySessions.stt(runtime.context(), request, upstream, listener, status);
  }

  /** The relay's upstream dialogue socket ({@link ElevenLabsProvider#dialogueRelay()}). */
  io.voicewire.speech.DialogueRelay.Upstream openRelayDialogue(boolean multi, String query,
      io.voicewire.speech.DialogueRelay.Listener listener) {
    return io.voicewire.client.internal.stream.RelayDialogue.open(runtime.context(), multi, query,
        listener);
  }

  @Override
  public MultiContextTts newMultiContextTts(TtsRequest request, MultiContextTts.Listener listener) {
    return RealMultiContextTts.open(runtime.context(), request, listener);
  }

  /** Opens a Text-to-Dialogue WebSocket ({@link DialogueStream}). */
  public DialogueStream newDialogueStream(DialogueStream.Options options,
      DialogueStream.Listener listener) {
    return RealDialogueStream.open(runtime.context(), options, listener);
  }

  /**
   * Mints a single-use token ({@code POST /v1/single-use-token/{type}}); needs an API key.
   * Blocks (virtual-thread friendly).
   *
   * @throws VoiceClientException when the server answers with an error status
   */
  public String mintToken(TokenType type) throws IOException {
    Objects.requireNonNull(type, "type == null");
    return runtime.api().mintToken(type);
  }

  /** {@code GET /v1/voices}. Blocks. */
  public List<VoiceInfo> voices() throws IOException {
    return runtime.api().voices();
  }

  /** {@code GET /v1/models}. Blocks. */
  public List<ModelInfo> models() throws IOException {
    return runtime.api().models();
  }

  /**
   * HTTP streaming TTS ({@code POST /v1/text-to-speech/{voice}/stream}): returns once the
   * response starts; read the audio (in the request's output format) as it is generated, and
   * close the stream. Use this when the whole text is known up front.
   */
  public InputStream streamSpeech(TtsRequest request, String text) throws IOException {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(text, "text == null");
    return runtime.api().streamSpeech(request, text);
  }

  /**
   * HTTP streaming TTS with timestamps ({@code /stream/with-timestamps}): one element per line;
   * alignment times run from the start of the request (PROTOCOL.md §4.4). Close the stream.
   */
  public Stream<TimestampLine> streamSpeechWithTimestamps(TtsRequest request, String text)
      throws IOException {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(text, "text == null");
    return runtime.api().streamSpeechWithTimestamps(request, text);
  }

  /** For the relay: one HTTP request to the same endpoint upstream, authenticated as this client. */
  io.voicewire.speech.HttpRelay.Response forward(String method, String pathAndQuery,
      String contentType, byte[] body) throws IOException {
    return runtime.api().forward(method, pathAndQuery, contentType, body);
  }

  /**
   * Stops the client's threads; open streams fail. A stream that ended just before, whose close
   * handshake is still under way, finishes it first (for up to {@link Builder#closeTimeout}), so
   * that the server sees a normal close rather than a dropped connection. Idempotent.
   */
  @Override
  public void close() {
    runtime.close();
  }

  /** Configures a {@link VoiceClient}. Not thread safe. */
  public static final class Builder {
    /** Every setting; the setters write it, {@link #build} freezes it. */
    private final ClientSettings settings;

    private Builder() {
      settings = new ClientSettings();
    }

    /** A builder holding the settings of {@code c}. */
    private Builder(ClientConfig c) {
      settings = new ClientSettings(c);
    }

    /**
     * The HTTP base URL: {@code https://api.elevenlabs.io}, a regional host, or a voicewire server
     * such as {@code http://localhost:8080}. WebSocket URLs are derived ({@code https}→{@code wss}).
     */
    public Builder baseUrl(String url) {
      settings.baseUrl = ClientSettings.httpUrl(url);
      return this;
    }

    /** The API key, sent as the {@code xi-api-key} header. Server-side use only. */
    public Builder apiKey(String key) {
      settings.apiKey = key;
      return this;
    }

    /** Asked for a fresh single-use token on every (re)connection. */
    public Builder tokenSupplier(TokenSupplier supplier) {
      settings.tokenSupplier = supplier;
      return this;
    }

    /** TCP + WebSocket handshake timeout; default 10 s. */
    public Builder connectTimeout(Duration d) {
      settings.connectTimeout = ClientConfig.positive(d, "connectTimeout");
      return this;
    }

    /** HTTP request timeout (until the response starts); default 60 s. */
    public Builder requestTimeout(Duration d) {
      settings.requestTimeout = ClientConfig.positive(d, "requestTimeout");
      return this;
    }

    /**
     * WebSocket heartbeat: a ping every interval, at most one outstanding; a pong missing at the
     * next beat fails the connection (and a stream reconnects). Default 10 s; zero disables it.
     */
    public Builder pingInterval(Duration d) {
      settings.pingInterval = ClientSettings.notNegative(d, "pingInterval");
      return this;
    }

    /** How long a graceful close waits for the server's close frame before aborting; 2 s. */
    public Builder closeTimeout(Duration d) {
      settings.closeTimeout = ClientConfig.positive(d, "closeTimeout");
      return this;
    }

    /**
     * After end of input, the longest wait for the next message from the server ({@code isFinal},
     * audio, the last committed transcript) before the stream fails; default 30 s.
     */
    public Builder finishTimeout(Duration d) {
      settings.finishTimeout = ClientConfig.positive(d, "finishTimeout");
      return this;
    }

    /**
     * The {@code inactivity_timeout} asked of TTS servers (1–180 s, default 20 s). Keep-alives
     * ({@code " "} on stream-input, {@code ""} per context on multi-stream-input) are sent
     * automatically after 40 % of it without text.
     */
    public Builder ttsInactivityTimeout(Duration d) {
      settings.ttsInactivityTimeout = ClientSettings.ttsInactivity(d);
      return this;
    }

    /** STT: an empty audio chunk is sent after this long without audio; default 5 s. */
    public Builder sttKeepAlive(Duration d) {
      settings.sttKeepAlive = ClientConfig.positive(d, "sttKeepAlive");
      return this;
    }

    /**
     * STT: audio kept since the last committed transcript, replayed after a drop; default 30 s.
     * When full, the oldest audio is dropped: counted in
     * {@link StreamMetrics#replayOverflowMillis()} and reported by
     * {@link SttStream.Listener#onReplayDropped}.
     */
    public Builder sttReplayLimit(Duration d) {
      settings.sttReplayLimit = ClientConfig.positive(d, "sttReplayLimit");
      return this;
    }

    /**
     * STT: whether streams resume their server session by id after a drop (the voicewire
     * extension, never sent to an official ElevenLabs host in {@link SttResumeMode#AUTO});
     * default: the system property {@value SttResumeMode#PROPERTY} when set, else {@code AUTO}.
     */
    public Builder sttResume(SttResumeMode mode) {
      settings.sttResume = Objects.requireNonNull(mode, "sttResume == null");
      return this;
    }

    /** Multi-context: the longest wait for a free context slot; default 10 s. */
    public Builder contextWaitTimeout(Duration d) {
      settings.contextWaitTimeout = ClientConfig.positive(d, "contextWaitTimeout");
      return this;
    }

    /** Backoff and limits of reconnection; {@link ReconnectPolicy#DEFAULT}. */
    public Builder reconnectPolicy(ReconnectPolicy p) {
      settings.reconnectPolicy = Objects.requireNonNull(p, "reconnectPolicy == null");
      return this;
    }

    /** Timers (for tests); the client then does not shut it down. */
    public Builder scheduler(ScheduledExecutorService s) {
      settings.scheduler = Objects.requireNonNull(s, "scheduler == null");
      return this;
    }

    /**
     * The WebSocket implementation (default {@link Transport#JDK}).
     *
     * @throws IllegalArgumentException when its classes are not on the class path
     */
    public Builder transport(Transport t) {
      Objects.requireNonNull(t, "transport == null");
      if (!t.isAvailable()) {
        throw new IllegalArgumentException("transport " + t + " needs "
            + "org.eclipse.jetty.websocket:jetty-websocket-jetty-client on the class path");
      }
      settings.jetty = t == Transport.JETTY;
      return this;
    }

    /**
     * Runs listener callbacks on the thread that produced them (usually the socket's I/O thread)
     * as soon as the stream has released its lock, with no thread hand-off: the least latency and
     * CPU per message. Only for listeners that never block — a server relaying to its own sockets
     * ({@link ElevenLabsProvider#create} uses it); a listener that blocks stalls its stream's
     * socket. Replaces {@link #callbackExecutor}.
     */
    public Builder inlineCallbacks() {
      settings.callbackExecutor = Dispatcher.INLINE;
      return this;
    }

    /**
     * On the {@link Transport#JETTY Jetty transport}, reads WebSocket frames ({@code ws} and
     * {@code wss}) on Jetty's selector threads, one per core, with no hand-off to a pool thread
     * per readable socket: for the relay's own upstream client ({@link ElevenLabsProvider#create}),
     * whose listeners never block. With {@link #inlineCallbacks()}, a listener that blocked would
     * stall every connection of its selector, so this is not public API. The system property
     * {@code voicewire.relay.inlineClientReads} ({@code true}/{@code false}), when set, decides
     * instead, for every Jetty-transport client of the JVM (docs/bench-relay.md).
     */
    Builder inlineReads() {
      settings.inlineReads = true;
      return this;
    }

    /** Runs listener callbacks (serially per stream); default: virtual threads. */
    public Builder callbackExecutor(Executor e) {
      settings.callbackExecutor = Objects.requireNonNull(e, "callbackExecutor == null");
      return this;
    }

    /** The HTTP client (for tests or a shared one); the client then does not close it. */
    public Builder httpClient(HttpClient c) {
      settings.httpClient = Objects.requireNonNull(c, "httpClient == null");
      return this;
    }

    /** Randomness for backoff jitter (tests pass {@code new Random(0)}). */
    public Builder random(Random r) {
      settings.random = Objects.requireNonNull(r, "random == null");
      return this;
    }

    /** Monotonic clock in nanoseconds for timeouts and metrics. */
    public Builder nanoClock(LongSupplier clock) {
      settings.nanoClock = Objects.requireNonNull(clock, "nanoClock == null");
      return this;
    }

    /** For testing: another transport, such as an in-memory peer. */
    Builder connector(Connector c) {
      settings.connector = Objects.requireNonNull(c, "connector == null");
      return this;
    }

    /** Builds the client. */
    public VoiceClient build() {
      return new VoiceClient(settings.freeze());
    }
  }
}
