package io.voicewire.server.internal;

import io.voicewire.protocol.HttpTtsBody;
import io.voicewire.protocol.SttClientMessage;
import io.voicewire.protocol.SttServerMessage;
import io.voicewire.protocol.TokenType;
import io.voicewire.protocol.TtsClientMessage;
import io.voicewire.protocol.TtsServerMessage;
import io.voicewire.speech.VoiceInfo;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's warm-up before it reports ready ({@code ServerConfig.warmUpBeforeReady}): once
 * the provider is ready, one text-to-speech session speaks {@link #TEXT} through the server's own
 * {@code stream-input} WebSocket on loopback, one realtime speech-to-text session transcribes
 * that audio, one short session each speaks in {@link #ENCODED_FORMATS}, and one
 * {@code POST .../stream} request speaks in {@link #HTTP_FORMAT}, so the code a session runs
 * (Jetty's upgrade and HTTP handling, the sockets, codecs, JSON, the provider's session set-up)
 * is loaded and compiled before the first user's session, not during it. Until it ends,
 * {@code /readyz} answers 503; sessions opened meanwhile are served as usual.
 * ({@code multi-stream-input} and the dialogue sockets need no step of their own: measured from
 * outside, their first session after this warm-up is as fast as the later ones.)
 *
 * <p>Bounded: each session has {@link #STEP_TIMEOUT}; a warm-up that fails or times out is logged
 * and the server becomes ready without it. The sessions authenticate as every client does, as
 * key id {@link #KEY_ID} when API keys are set: the WebSockets with single-use tokens, the HTTP
 * request with a key of the server's own that exists only for that request
 * ({@code Auth.internalKey}). They are counted in the metrics and the server's session limits
 * like any other, but not in the per-key limits shared by replicas (replicas that start together
 * must not refuse each other's warm-up). Only for providers that cost nothing per session: the
 * caller decides.
 */
public final class WarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);

  /** What the warm-up session speaks. */
  static final String TEXT = "Good morning: one, two, three.";
  /**
   * The encoded formats spoken once each after the PCM session, so that their encoders are loaded
   * too: MP3 is what the official SDKs ask for by default.
   */
  static final List<String> ENCODED_FORMATS = List.of("mp3_44100_128", "opus_48000_64");
  /** What is spoken in each of {@link #ENCODED_FORMATS} and over HTTP. */
  static final String ENCODED_TEXT = "One.";
  /** The format of the HTTP step: what the official SDKs ask for by default. */
  static final String HTTP_FORMAT = "mp3_44100_128";
  /** The key id the warm-up's single-use tokens are minted for, when API keys are set. */
  static final String KEY_ID = "warm-up";
  /** Longest each step (one session: connect, speak or transcribe, close) may take. */
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);
  private static final int SAMPLE_RATE = 16_000;
  /** Audio per STT chunk sent, bytes (100 ms of 16 kHz PCM, as a microphone sends it). */
  private static final int CHUNK_BYTES = SAMPLE_RATE / 10 * 2;

  private final Services s;
  /** {@code host:port}, the host in brackets when it is an IPv6 address. */
  private final String authority;
  /** The warm-up's one client for all its sessions, open while {@link #run} runs. */
  private HttpClient http;
  private volatile boolean stopped;

  private WarmUp(Services s, String host, int port) {
    this.s = s;
    this.authority = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * Starts the warm-up on its own daemon thread: {@code s} reports not ready until it ends.
   *
   * @param host the address to reach the server at (loopback, or the bind address)
   * @return what stops it early (the server stopping)
   */
  public static Runnable start(Services s, String host, int port) {
    WarmUp w = new WarmUp(s, host, port);
    s.warm = false;
    Thread t = new Thread(w::run, "voicewire-warm-up");
    t.setDaemon(true);
    t.start();
    return () -> {
      w.stopped = true;
      t.interrupt();
    };
  }

  private void run() {
    try {
      while (!s.provider.isReady()) {
        if (stopped) {
          return;
        }
        Thread.sleep(20);
      }
      long start = System.nanoTime();
      try (HttpClient client = HttpClient.newBuilder().connectTimeout(STEP_TIMEOUT).build()) {
        http = client;
        byte[] pcm = speak("pcm_" + SAMPLE_RATE, TEXT);
        String heard = transcribe(pcm);
        for (String format : ENCODED_FORMATS) {
          speak(format, ENCODED_TEXT);
        }
        speakOverHttp(ENCODED_TEXT);
        LOG.info("warmed up in {} ms: spoke {} ms of audio, heard \"{}\", and spoke in {} and"
            + " over HTTP", (System.nanoTime() - start) / 1_000_000,
            pcm.length * 1000L / (2 * SAMPLE_RATE), heard, ENCODED_FORMATS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      if (!stopped) {
        LOG.warn("warm-up failed ({}); ready without it", e.toString());
        LOG.debug("warm-up failure", e);
      }
    } finally {
      s.warm = true;
    }
  }

  /** Speaks {@code text} through {@code stream-input} in {@code format}: the audio's bytes. */
  private byte[] speak(String format, String text) throws Exception {
    String path = speechPath() + "/stream-input?output_format=" + format
        + credential(TokenType.TTS_WEBSOCKET);
    ByteArrayOutputStream audio = new ByteArrayOutputStream();
    try (Socket ws = Socket.open(http, "ws://" + authority + path)) {
      ws.send(TtsClientMessage.text(" ", false, null).encode());
      ws.send(TtsClientMessage.text(text + " ", true, null).encode());
      ws.send(TtsClientMessage.text("", false, null).encode());
      while (true) {
        TtsServerMessage m = TtsServerMessage.decode(ws.next());
        if (m instanceof TtsServerMessage.Audio a) {
          audio.writeBytes(a.audio());
        } else if (m instanceof TtsServerMessage.Final) {
          break;
        } else if (m instanceof TtsServerMessage.Error e) {
          throw new IllegalStateException("text to speech: " + e.message());
        }
      }
    }
    if (audio.size() == 0) {
      throw new IllegalStateException("text to speech gave no audio in " + format);
    }
    return audio.toByteArray();
  }

  /**
   * Speaks {@code text} through {@code POST /v1/text-to-speech/{voice_id}/stream} in
   * {@link #HTTP_FORMAT}, reading the response to its end.
   */
  private void speakOverHttp(String text) throws Exception {
    String key = s.auth.internalKey(KEY_ID); // null without API keys
    try {
      HttpRequest.Builder rq = HttpRequest.newBuilder(URI.create("http://" + authority
              + speechPath() + "/stream?output_format=" + HTTP_FORMAT))
          .timeout(STEP_TIMEOUT)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new HttpTtsBody(text, null, null, null,
              null, null, null, "auto", List.of()).encode()));
      if (key != null) {
        rq.header("xi-api-key", key);
      }
      HttpResponse<byte[]> r = http.sendAsync(rq.build(), HttpResponse.BodyHandlers.ofByteArray())
          .get(STEP_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
      if (r.statusCode() != 200 || r.body().length == 0) {
        throw new IllegalStateException("HTTP text to speech answered " + r.statusCode()
            + " with " + r.body().length + " bytes");
      }
    } finally {
      if (key != null) {
        s.auth.revokeInternalKey();
      }
    }
  }

  /** {@code /v1/text-to-speech/{voice_id}} of the provider's first voice. */
  private String speechPath() {
    List<VoiceInfo> voices = s.provider.voices();
    if (voices.isEmpty()) {
      throw new IllegalStateException("the provider has no voice");
    }
    return "/v1/text-to-speech/" + encode(voices.get(0).voiceId());
  }

  /** Transcribes {@code pcm} through the realtime endpoint, with one manual commit. */
  private String transcribe(byte[] pcm) throws Exception {
    String path = "/v1/speech-to-text/realtime?model_id=scribe_v2_realtime&audio_format=pcm_"
        + SAMPLE_RATE + "&commit_strategy=manual" + credential(TokenType.REALTIME_SCRIBE);
    try (Socket ws = Socket.open(http, "ws://" + authority + path)) {
      for (int at = 0; at < pcm.length; at += CHUNK_BYTES) {
        byte[] chunk = Arrays.copyOfRange(pcm, at, Math.min(pcm.length, at + CHUNK_BYTES));
        ws.send(SttClientMessage.audio(chunk, SAMPLE_RATE).encode());
      }
      ws.send(SttClientMessage.commit(SAMPLE_RATE).encode());
      while (true) {
        SttServerMessage m = SttServerMessage.decode(ws.next());
        if (m instanceof SttServerMessage.Committed c) {
          return c.text();
        } else if (m instanceof SttServerMessage.Error e) {
          throw new IllegalStateException("speech to text: " + e.error());
        }
      }
    }
  }

  /** The query parameter of a fresh single-use token, or nothing without API keys. */
  private String credential(TokenType type) {
    if (s.devMode()) {
      return "";
    }
    String token = s.tokens.issue(type, KEY_ID);
    if (token == null) {
      throw new IllegalStateException("no single-use token could be stored");
    }
    return "&" + type.queryParam() + "=" + encode(token);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /**
   * A client WebSocket of the JDK: whole text messages in a queue, each wait bounded. Closing it
   * leaves its {@link HttpClient} open.
   */
  private static final class Socket implements WebSocket.Listener, AutoCloseable {
    /** A message received, or the end of the socket (null text). */
    private record Received(String text) {}

    private static final Received CLOSED = new Received(null);
    private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    /** When this step's time ({@link #STEP_TIMEOUT}) is up. */
    private final long deadlineNanos = System.nanoTime() + STEP_TIMEOUT.toNanos();
    private WebSocket ws;

    static Socket open(HttpClient http, String uri) throws Exception {
      Socket socket = new Socket();
      socket.ws = http.newWebSocketBuilder().connectTimeout(STEP_TIMEOUT)
          .buildAsync(URI.create(uri), socket)
          .get(socket.deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
      return socket;
    }

    void send(String text) throws Exception {
      ws.sendText(text, true).get(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    /** The next whole message; throws when the socket closed or the step's time is up. */
    String next() throws Exception {
      Received m = received.poll(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (m == null) {
        throw new TimeoutException("the step took longer than " + STEP_TIMEOUT.toSeconds()
            + " s");
      }
      if (m.text() == null) {
        throw new IllegalStateException("the server closed the socket");
      }
      return m.text();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        received.add(new Received(partial.toString()));
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      received.add(CLOSED);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      received.add(CLOSED);
    }

    @Override
    public void close() {
      try {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        ws.abort(); // already closed, or not answering: nothing to wait for
      }
    }
  }
}
