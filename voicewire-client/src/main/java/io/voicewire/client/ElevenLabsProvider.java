package io.voicewire.client;

import io.voicewire.client.internal.Logs;
import io.voicewire.speech.ModelInfo;
import io.voicewire.speech.SpeechProvider;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.TtsListener;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import io.voicewire.speech.VoiceInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The relay backend: a {@link SpeechProvider} whose sessions are streams of this SDK to
 * ElevenLabs (or to any voicewire server), so a voicewire server can serve the cloud to browsers
 * without giving them the key, and with resume on upstream drops.
 *
 * <ul>
 *   <li>TTS sessions are {@link TtsStream}s: the official parameters and init fields the client
 *       chose ({@link TtsRequest#explicit()}) go upstream as the client sent them, and nothing
 *       else: no model, format, voice settings or schedule the client left out. The pieces of
 *       text, {@code flush} and {@code try_trigger_generation} follow: the upstream server applies
 *       the protocol's buffering rules. Upstream also gets {@code sync_alignment=true}, which
 *       resume needs (the alignment is official and the relay's client may ignore it).
 *   <li>STT sessions are {@link SttStream}s with exactly the client's official parameters (plus
 *       {@code include_timestamps}, which resume needs).
 *   <li>Text-to-Dialogue sockets are relayed to the same sockets upstream by
 *       {@link #dialogueRelay()}.
 *   <li>HTTP endpoints (text to speech, batch speech to text, voices, models) are relayed to the
 *       same endpoint upstream by {@link #httpRelay()}, body and query unchanged.
 *   <li>{@link #voices()} and {@link #models()} come from {@code GET /v1/voices} and
 *       {@code GET /v1/models}: fetched on first use, then refreshed in the background once
 *       older than {@link #CATALOG_TTL} while callers get the last answer (no caller waits for
 *       HTTP after the first); when a refresh fails the last good answer is kept.
 * </ul>
 * Thread safe. {@link #close()} closes the client only when this provider created it.
 */
public final class ElevenLabsProvider implements SpeechProvider {
  private static final Logger log = Logs.get(ElevenLabsProvider.class);

  /** How long a voices or models answer is reused. */
  public static final Duration CATALOG_TTL = Duration.ofMinutes(5);

  private final VoiceClient client;
  private final boolean ownsClient;
  private final LongSupplier nanoClock;
  private final Catalog<VoiceInfo> voices = new Catalog<>("voices");
  private final Catalog<ModelInfo> models = new Catalog<>("models");
  private volatile boolean reachable = true;

  private record Cached<T>(List<T> items, long atNanos) {}

  /** One cached catalog list and whether a background refresh of it is running. */
  private static final class Catalog<T> {
    final String what;
    final AtomicReference<Cached<T>> ref = new AtomicReference<>();
    final AtomicBoolean refreshing = new AtomicBoolean();

    Catalog(String what) {
      this.what = what;
    }
  }

  private interface Fetch<T> {
    List<T> get() throws IOException;
  }

  /** A provider over {@code client}, which stays the caller's to close. */
  public ElevenLabsProvider(VoiceClient client) {
    this(client, false);
  }

  private ElevenLabsProvider(VoiceClient client, boolean owns) {
    this.client = Objects.requireNonNull(client, "client == null");
    this.ownsClient = owns;
    this.nanoClock = System::nanoTime;
  }

  /**
   * A provider with its own client for {@code baseUrl} (e.g. {@link VoiceClient#ELEVENLABS}) and
   * {@code apiKey}; {@link #close()} closes that client. The client uses the
   * {@link VoiceClient.Transport#JETTY Jetty transport} when it is on the class path, with its
   * listener callbacks run inline and its WebSocket frames read on Jetty's selector threads
   * ({@code ws} and {@code wss}): the sessions' listeners are a server's, which never block.
   * {@code -Dvoicewire.relay.inlineClientReads=false} hands every read to a pool thread instead.
   */
  public static ElevenLabsProvider create(String baseUrl, String apiKey) {
    return new ElevenLabsProvider(upstreamClient(baseUrl, apiKey).build(), true);
  }

  /** The builder of {@link #create}'s client (tests add their reconnect policy to it). */
  static VoiceClient.Builder upstreamClient(String baseUrl, String apiKey) {
    // the sessions' listeners are the server's, which only enqueue: no hand-off per message,
    // neither from the socket's reader to a callback thread nor from the selector to a reader
    VoiceClient.Builder b = VoiceClient.builder().baseUrl(baseUrl).apiKey(apiKey)
        .inlineCallbacks().inlineReads();
    if (VoiceClient.Transport.JETTY.isAvailable()) {
      b.transport(VoiceClient.Transport.JETTY); // a relay carries many streams
    }
    return b;
  }

  /** The client the sessions use. */
  public VoiceClient client() {
    return client;
  }

  @Override
  public String name() {
    return "elevenlabs";
  }

  /**
   * Opening a session and every session call are asynchronous sends: none blocks. The catalog
   * ({@link #voices()}, {@link #models()}) is an HTTP request only the first time; an answer
   * older than {@link #CATALOG_TTL} is returned while a background request refreshes it.
   */
  @Override
  public boolean nonBlockingCalls() {
    return true;
  }

  /** True unless the last catalog request to the upstream failed. */
  @Override
  public boolean isReady() {
    return reachable;
  }

  @Override
  public List<VoiceInfo> voices() {
    return cached(voices, client::voices);
  }

  @Override
  public List<ModelInfo> models() {
    return cached(models, client::models);
  }

  /**
   * The cached list; a stale one is returned at once and refreshed on a virtual thread (one
   * refresh at a time), so a caller (e.g. a socket validating a dialogue's voices under its lock)
   * waits for HTTP only the very first time, when there is no answer yet.
   */
  private <T> List<T> cached(Catalog<T> cat, Fetch<T> fetch) {
    Cached<T> c = cat.ref.get();
    if (c == null) {
      return refresh(cat, fetch, null);
    }
    if (nanoClock.getAsLong() - c.atNanos() >= CATALOG_TTL.toNanos()
        && cat.refreshing.compareAndSet(false, true)) {
      Thread.ofVirtual().name("voicewire-catalog-" + cat.what).start(() -> {
        try {
          refresh(cat, fetch, c);
        } finally {
          cat.refreshing.set(false);
        }
      });
    }
    return c.items();
  }

  private <T> List<T> refresh(Catalog<T> cat, Fetch<T> fetch, Cached<T> last) {
    try {
      List<T> items = List.copyOf(fetch.get());
      cat.ref.set(new Cached<>(items, nanoClock.getAsLong()));
      reachable = true;
      return items;
    } catch (IOException | RuntimeException e) {
      reachable = false;
      log.warn("upstream {} request failed: {}", cat.what, e.toString());
      return last == null ? List.of() : last.items();
    }
  }

  @Override
  public TtsSession openTts(TtsRequest request, TtsListener listener) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(listener, "listener == null");
    return client.openRelayTts(request, upstream(request), listener,
        status -> logUpstream("tts " + request.voiceId(), status));
  }

  /** The official default {@code output_format}: what upstream sends when none is chosen. */
  static final io.voicewire.audio.AudioFormat OFFICIAL_DEFAULT_FORMAT =
      io.voicewire.audio.AudioFormat.parse("mp3_44100_128");

  /**
   * The request as it goes upstream: {@code sync_alignment=true} added for resume; when the
   * client chose no {@code output_format}, the stream knows the audio is the official default
   * (MP3) and sends no format.
   */
  static TtsRequest upstream(TtsRequest request) {
    TtsRequest.Builder b = request.toBuilder().syncAlignment(true);
    if (request.explicit() != null) {
      java.util.Set<String> chosen = new java.util.LinkedHashSet<>(request.explicit());
      chosen.add("sync_alignment");
      if (!chosen.contains("output_format")) {
        b.outputFormat(OFFICIAL_DEFAULT_FORMAT);
      }
      b.explicit(chosen);
    }
    return b.build();
  }

  /** Upstream makes every official format itself: nothing is encoded on the way. */
  @Override
  public boolean producesFormat(io.voicewire.audio.AudioFormat format) {
    return true;
  }

  /** The HTTP endpoints go to the same endpoints upstream. */
  @Override
  public io.voicewire.speech.HttpRelay httpRelay() {
    return client::forward;
  }

  /**
   * The Text-to-Dialogue sockets go to the same sockets upstream: one upstream socket per
   * client socket, the client's official query and messages (without its credentials) as sent,
   * the upstream's turns and messages as received. No resume: see docs/server.md.
   */
  @Override
  public io.voicewire.speech.DialogueRelay dialogueRelay() {
    return client::openRelayDialogue;
  }

  @Override
  public SttSession openStt(SttRequest request, SttListener listener) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(listener, "listener == null");
    SttRequest upstream = request;
    if (request.explicit() != null) {
      java.util.Set<String> chosen = new java.util.LinkedHashSet<>(request.explicit());
      chosen.add("include_timestamps"); // resume places seams by word times
      upstream = request.toBuilder().explicit(chosen).build();
    }
    return client.openRelayStt(request, upstream, listener,
        status -> logUpstream("stt", status));
  }

  /** Logs what a relayed stream's upstream connection goes through: reconnects, refusals. */
  private static void logUpstream(String what, ConnectionStatus status) {
    if (status.state() == ConnectionStatus.State.RECONNECTING
        || status.state() == ConnectionStatus.State.CAPACITY_REFUSAL) {
      log.info("relay {}: upstream {}", what, status);
    }
  }

  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }
}
