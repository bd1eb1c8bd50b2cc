package io.voicewire.server;

import io.voicewire.speech.SpeechProvider;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link VoicewireServer} is made of, set inside the lambda given to
 * {@link VoicewireServer#create}. Only the provider is required.
 *
 * <pre>{@code
 * VoicewireServer server = VoicewireServer.create(config -> config
 *     .provider(provider)
 *     .apiKeys(ServerConfig.apiKeysFromEnvironment())
 *     .bindAddress("0.0.0.0")
 *     .allowedOrigins(List.of("https://app.example.com")));
 * int port = server.start(8080);
 * }</pre>
 *
 * <p>Not thread safe; the server copies the values when it is created, so changing this object
 * afterwards has no effect.
 */
public final class ServerConfig {
  /** The environment variable holding API keys, comma separated. */
  public static final String API_KEYS_ENV = "VOICEWIRE_API_KEYS";
  /** The default bind address: loopback. */
  public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
  /** The environment variable holding the URL of the Redis replicas share. */
  public static final String REDIS_URL_ENV = "VOICEWIRE_REDIS_URL";
  /** The environment variable holding the drain deadline in seconds. */
  public static final String DRAIN_SECONDS_ENV = "VOICEWIRE_DRAIN_SECONDS";
  /** The default drain deadline: 30 s. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
  /**
   * The default lease TTL: when a replica dies, the per-key session slots it held come back
   * within this time (its leases are renewed every third of it while their sessions live).
   */
  public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(15);
  /** The default classpath folder of the static web files. */
  public static final String DEFAULT_STATIC_FOLDER = "voicewire-web";

  SpeechProvider provider;
  List<String> apiKeys = List.of();
  String bindAddress = DEFAULT_BIND_ADDRESS;
  List<String> allowedOrigins = List.of();
  Limits limits = Limits.DEFAULTS;
  TokenStore tokenStore;
  Clock clock = Clock.systemUTC();
  SecureRandom random;
  String staticFolder = DEFAULT_STATIC_FOLDER;
  Boolean demoTokens;
  String redisUrl;
  int maxSessionStartsPerMinutePerKey = Integer.MAX_VALUE;
  Duration leaseTtl = DEFAULT_LEASE_TTL;
  List<String> metricsAllowedFrom;
  boolean warmUpBeforeReady;

  ServerConfig() {}

  /** The speech provider behind every endpoint (required). The server does not close it. */
  public ServerConfig provider(SpeechProvider provider) {
    this.provider = Objects.requireNonNull(provider, "provider == null");
    return this;
  }

  /**
   * The API keys clients must present. Empty (the default) is local-development mode: no key is
   * checked, and the server binds to loopback only.
   */
  public ServerConfig apiKeys(List<String> keys) {
    Objects.requireNonNull(keys, "keys == null");
    List<String> out = new ArrayList<>();
    for (String k : keys) {
      if (k == null || k.isBlank()) {
        throw new IllegalArgumentException("blank API key");
      }
      out.add(k.trim());
    }
    this.apiKeys = List.copyOf(out);
    return this;
  }

  /** The address to bind; {@value #DEFAULT_BIND_ADDRESS} by default. */
  public ServerConfig bindAddress(String address) {
    this.bindAddress = Objects.requireNonNull(address, "address == null");
    return this;
  }

  /**
   * Origins whose browser pages may open WebSockets and call the HTTP API, e.g.
   * {@code https://app.example.com}; {@code "*"} allows any. By default only the server's own
   * origin is allowed. Clients that send no {@code Origin} (servers, SDKs) are not affected.
   */
  public ServerConfig allowedOrigins(List<String> origins) {
    this.allowedOrigins = List.copyOf(Objects.requireNonNull(origins, "origins == null"));
    return this;
  }

  /** The limits; {@link Limits#DEFAULTS} by default. */
  public ServerConfig limits(Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits == null");
    return this;
  }

  /** Where single-use tokens are kept; {@link TokenStore#inMemory()} by default. */
  public ServerConfig tokenStore(TokenStore store) {
    this.tokenStore = Objects.requireNonNull(store, "store == null");
    return this;
  }

  /** The clock for token expiry; the system clock by default. For testing. */
  public ServerConfig clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock == null");
    return this;
  }

  /** The randomness of tokens and session ids; a new {@link SecureRandom} by default. */
  public ServerConfig random(SecureRandom random) {
    this.random = Objects.requireNonNull(random, "random == null");
    return this;
  }

  /**
   * The classpath folder served at {@code /} ({@value #DEFAULT_STATIC_FOLDER} by default); null
   * serves no static files.
   */
  public ServerConfig staticFiles(String classpathFolder) {
    this.staticFolder = classpathFolder;
    return this;
  }

  /**
   * Enables {@code GET /demo/token/{token_type}}, which mints single-use tokens <b>without an API
   * key</b> so the demo page can open WebSockets. On by default only in local-development mode
   * (no API keys). Enabling it with keys configured lets anyone who reaches the server mint
   * tokens, so it is then allowed only with a loopback bind address ({@code start} refuses
   * otherwise): a real application mints tokens behind its own authentication instead.
   */
  public ServerConfig demoTokens(boolean enabled) {
    this.demoTokens = enabled;
    return this;
  }

  /**
   * Shares single-use tokens and per-key limits with every replica that uses the same Redis
   * ({@code redis://[user:password@]host:port[/db]}, {@code rediss://} for TLS): a token minted
   * on one replica is honoured once on any; {@link Limits#maxSessionsPerKey()} and
   * {@link #maxSessionStartsPerMinutePerKey} hold across replicas. When Redis cannot be reached,
   * token redemption fails closed (refused) and limits fall back to each replica's own; see
   * {@code docs/server.md}. Null (the default) keeps both in this process's memory. This replaces
   * {@link #tokenStore}.
   */
  public ServerConfig redis(String url) {
    this.redisUrl = url == null || url.isBlank() ? null : url.trim();
    return this;
  }

  /**
   * Session starts per API key per minute (per calendar minute; across replicas with
   * {@link #redis}); more is {@code rate_limited} (HTTP 429). No limit by default.
   */
  public ServerConfig maxSessionStartsPerMinutePerKey(int starts) {
    if (starts <= 0) {
      throw new IllegalArgumentException("maxSessionStartsPerMinutePerKey <= 0: " + starts);
    }
    this.maxSessionStartsPerMinutePerKey = starts;
    return this;
  }

  /**
   * How long a per-key lease in Redis outlives a replica that stopped renewing it;
   * {@link #DEFAULT_LEASE_TTL} by default.
   */
  public ServerConfig leaseTtl(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl == null");
    if (ttl.toMillis() < 300) {
      throw new IllegalArgumentException("leaseTtl < 300 ms: " + ttl);
    }
    this.leaseTtl = ttl;
    return this;
  }

  /**
   * Who may read {@code GET /metrics}: remote addresses and CIDR blocks, e.g.
   * {@code List.of("127.0.0.1", "10.0.0.0/8")}; others get 404. An empty list turns
   * {@code /metrics} off. By default (null) anyone who reaches the port may read it. Behind a
   * load balancer the remote address is the balancer's: scrape the replicas directly.
   *
   * @throws IllegalArgumentException for an entry that is neither an address nor a CIDR block
   */
  public ServerConfig metricsAllowedFrom(List<String> addresses) {
    io.voicewire.server.internal.Services.checkAddresses(addresses);
    this.metricsAllowedFrom = addresses == null ? null : List.copyOf(addresses);
    return this;
  }

  /**
   * Warms the server up before it reports ready: once the provider is ready, text-to-speech
   * sessions (PCM, MP3, Opus), one realtime speech-to-text session and one HTTP streaming
   * request run through the server's own endpoints on loopback, so the first user's session does
   * not wait for the code it runs to be loaded and compiled (docs/server.md measures it).
   * {@code GET /readyz} answers 503 until the warm-up ends (bounded: a failed or slow warm-up is
   * logged and the server becomes ready without it); sessions opened meanwhile are served as
   * usual. The sessions are counted in the metrics. Off by default: turn it on only for a
   * provider that costs nothing per session (the offline engine; {@code voicewire serve
   * --backend local} does), never for a relay to a paid API.
   */
  public ServerConfig warmUpBeforeReady(boolean enabled) {
    this.warmUpBeforeReady = enabled;
    return this;
  }

  /** Reads {@value #API_KEYS_ENV} (comma separated, blanks ignored); empty when unset. */
  public static List<String> apiKeysFromEnvironment() {
    return parseKeys(System.getenv(API_KEYS_ENV));
  }

  /** Splits a comma-separated key list, dropping blanks. */
  public static List<String> parseKeys(String commaSeparated) {
    if (commaSeparated == null) {
      return List.of();
    }
    return Arrays.stream(commaSeparated.split(",")).map(String::trim)
        .filter(s -> !s.isEmpty()).toList();
  }
}
