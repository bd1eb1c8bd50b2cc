package io.voicewire.bench.cold;

import io.voicewire.protocol.DialogueClientMessage;
import io.voicewire.protocol.DialogueServerMessage;
import io.voicewire.protocol.HttpTtsBody;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.SttClientMessage;
import io.voicewire.protocol.SttServerMessage;
import io.voicewire.protocol.TtsClientMessage;
import io.voicewire.protocol.TtsServerMessage;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/**
 * The sessions {@link ColdStartBench} times, one per {@link ColdStartBench.Route}: each opens
 * its session on the JDK's own HTTP or WebSocket client, plays its messages, times what the user
 * waits for and waits, bounded, for the session's end.
 */
final class ColdSessions {
  /** The sample rate of the STT clips. */
  static final int STT_RATE = 16_000;
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private ColdSessions() {}

  /** A session's messages: those before the timed one, the timed one, those after it. */
  record Script(List<String> before, String timed, List<String> after) {}

  /** What a server message is to the timing. */
  enum Kind { AUDIO, FINAL, OTHER }

  /** Classifies a server message of one route. */
  interface Classifier {
    Kind of(String json) throws ProtocolException;
  }

  /**
   * A stream-input session, or with {@code contextId} one context of a multi-stream-input
   * session (closed after its text): an init, the flushed text (timed), the end.
   */
  static Script tts(String text, String contextId) {
    String end = contextId == null ? TtsClientMessage.text("", false, null).encode()
        : new TtsClientMessage(null, false, false, null, null, List.of(), null, null,
            contextId, true, false).encode();
    return new Script(List.of(TtsClientMessage.text(" ", false, contextId).encode()),
        TtsClientMessage.text(text + " ", true, contextId).encode(), List.of(end));
  }

  static Kind tts(String json) throws ProtocolException {
    TtsServerMessage m = TtsServerMessage.decode(json);
    return m instanceof TtsServerMessage.Audio ? Kind.AUDIO
        : m instanceof TtsServerMessage.Final ? Kind.FINAL : Kind.OTHER;
  }

  /**
   * A dialogue: the first two voices registered, the text as the first voice's line, flushed
   * (timed), then {@code close_socket}.
   */
  static Script dialogue(String text, List<String> voices) {
    String register = new DialogueClientMessage(null, List.of(), false, false, false, false,
        voices.subList(0, 2), null, List.of(), null, null, null).encode();
    String line = DialogueClientMessage.lines(null,
        List.of(new DialogueClientMessage.Input(text + " ", voices.get(0), false)), true).encode();
    return new Script(List.of(register), line,
        List.of(DialogueClientMessage.control(null, false, false, true, false).encode()));
  }

  static Kind dialogue(String json) throws ProtocolException {
    DialogueServerMessage m = DialogueServerMessage.decode(json);
    return m instanceof DialogueServerMessage.Audio ? Kind.AUDIO
        : m instanceof DialogueServerMessage.Final ? Kind.FINAL : Kind.OTHER;
  }

  /** A WAV file's samples: 16 kHz mono 16-bit little-endian PCM, else an error. */
  static byte[] pcm16k(Path wav) throws Exception {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
      AudioFormat f = in.getFormat();
      if (f.getSampleRate() != STT_RATE || f.getChannels() != 1 || f.getSampleSizeInBits() != 16
          || f.isBigEndian() || f.getEncoding() != AudioFormat.Encoding.PCM_SIGNED) {
        throw new IllegalArgumentException(wav + ": " + f + "; needs 16 kHz mono 16-bit PCM"
            + " (e.g. sox IN -r 16000 -c 1 -b 16 OUT.wav)");
      }
      return in.readAllBytes();
    }
  }

  /** The whole body of a {@code POST .../stream} request speaking {@code text}. */
  static byte[] speak(String url, String text) throws Exception {
    HttpResponse<byte[]> r = HTTP.send(speechRequest(url, text),
        HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200 || r.body().length == 0) {
      throw new IllegalStateException("speaking the STT clip: HTTP " + r.statusCode());
    }
    return r.body();
  }

  /** {@code POST url} with the JSON body of a request to speak {@code text}. */
  private static HttpRequest speechRequest(String url, String text) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new HttpTtsBody(text, "eleven_flash_v2_5",
            null, null, null, null, null, "auto", List.of()).encode()))
        .build();
  }

  /**
   * One realtime STT session: {@code pcm} in 100 ms chunks at real time, then a manual commit;
   * ms from sending the first chunk to the first partial with words, and from sending the
   * commit to the committed transcript.
   */
  static long[] sttMillis(String url, byte[] pcm) throws Exception {
    CompletableFuture<Long> firstWords = new CompletableFuture<>();
    CompletableFuture<Long> committed = new CompletableFuture<>();
    WebSocket.Listener listener = new WholeMessages((json, now) -> {
      SttServerMessage m = SttServerMessage.decode(json);
      if (m instanceof SttServerMessage.Partial p && !p.text().isBlank()) {
        firstWords.complete(now);
      } else if (m instanceof SttServerMessage.Committed) {
        firstWords.complete(now); // a clip too short for a partial: its words came here
        committed.complete(now);
      } else if (m instanceof SttServerMessage.Error e) {
        throw new IllegalStateException("speech to text: " + e.error());
      }
    }, firstWords, committed);
    WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(url), listener)
        .get(30, TimeUnit.SECONDS);
    try {
      int chunk = STT_RATE / 10 * 2;
      long sentAt = System.nanoTime();
      for (int at = 0, n = 0; at < pcm.length; at += chunk, n++) {
        long due = sentAt + n * 100_000_000L;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        ws.sendText(SttClientMessage.audio(Arrays.copyOfRange(pcm, at,
            Math.min(pcm.length, at + chunk)), STT_RATE).encode(), true).get(30, TimeUnit.SECONDS);
      }
      long commitAt = System.nanoTime();
      ws.sendText(SttClientMessage.commit(STT_RATE).encode(), true).get(30, TimeUnit.SECONDS);
      long first = firstWords.get(60, TimeUnit.SECONDS);
      long done = committed.get(60, TimeUnit.SECONDS);
      return new long[] {(first - sentAt) / 1_000_000, (done - commitAt) / 1_000_000};
    } finally {
      ws.abort();
    }
  }

  /**
   * One {@code POST .../stream} request: ms from sending it to the first bytes of audio in the
   * response's body, which is then read to its end.
   */
  static long firstBodyMillis(String url, String text) throws Exception {
    HttpRequest rq = speechRequest(url, text);
    long sentAt = System.nanoTime();
    HttpResponse<InputStream> r = HTTP.send(rq, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      if (r.statusCode() != 200) {
        throw new IllegalStateException("HTTP " + r.statusCode() + ": "
            + new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      if (in.read() < 0) {
        throw new IllegalStateException("an empty body");
      }
      long first = System.nanoTime();
      in.transferTo(OutputStream.nullOutputStream());
      return (first - sentAt) / 1_000_000;
    }
  }

  /**
   * One WebSocket session playing {@code script}: ms from sending its timed message to the first
   * audio message; then waits for the final message.
   */
  static long firstAudioMillis(String url, Script script, Classifier kind) throws Exception {
    CompletableFuture<Long> firstAudio = new CompletableFuture<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    WebSocket.Listener listener = new WholeMessages((json, now) -> {
      Kind k = kind.of(json);
      if (k == Kind.AUDIO) {
        firstAudio.complete(now);
      } else if (k == Kind.FINAL) {
        done.complete(null);
      }
    }, firstAudio, done);
    WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(url), listener)
        .get(30, TimeUnit.SECONDS);
    try {
      for (String m : script.before()) {
        ws.sendText(m, true).get(30, TimeUnit.SECONDS);
      }
      long sentAt = System.nanoTime();
      ws.sendText(script.timed(), true).get(30, TimeUnit.SECONDS);
      for (String m : script.after()) {
        ws.sendText(m, true).get(30, TimeUnit.SECONDS);
      }
      long first = firstAudio.get(60, TimeUnit.SECONDS);
      done.get(60, TimeUnit.SECONDS);
      return (first - sentAt) / 1_000_000;
    } finally {
      ws.abort();
    }
  }

  /**
   * Whole text messages of a JDK WebSocket, each handed on with the time it was complete; a
   * message the handler cannot take, a close or an error fails every future given that is not
   * complete yet.
   */
  private static final class WholeMessages implements WebSocket.Listener {
    /** Takes one whole message received at {@code nanos}. */
    interface Handler {
      void on(String json, long nanos) throws Exception;
    }

    private final StringBuilder partial = new StringBuilder();
    private final Handler handler;
    private final List<CompletableFuture<?>> ends;

    WholeMessages(Handler handler, CompletableFuture<?>... ends) {
      this.handler = handler;
      this.ends = List.of(ends);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        long now = System.nanoTime();
        try {
          handler.on(partial.toString(), now);
        } catch (Exception e) {
          fail(e);
        }
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      fail(new IllegalStateException("closed " + code + " " + reason + " before the end"));
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      fail(error);
    }

    private void fail(Throwable t) {
      for (CompletableFuture<?> f : ends) {
        f.completeExceptionally(t);
      }
    }
  }
}
