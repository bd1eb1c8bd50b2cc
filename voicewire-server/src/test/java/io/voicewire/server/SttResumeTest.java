package io.voicewire.server;

import static io.voicewire.server.SttRealtimeTest.chunk;
import static io.voicewire.server.SttRealtimeTest.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.protocol.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tier (c): resuming a realtime STT session by id after a lost connection (docs/stt-resume.md),
 * against a real server with the tone engine, real WebSockets and abrupt drops ({@code abort()}:
 * no close frame).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SttResumeTest {
  static final String VAD = SttRealtimeTest.PATH
      + "&commit_strategy=vad&vad_silence_threshold_secs=0.3";
  static final String RESUMABLE = "&voicewire_resumable=true";
  static final int RATE = 16000;

  /** This test's engine and server (started by the test, closed after it). */
  private ToneSpeechProvider p;
  private ServerFixture f;

  @AfterEach
  void close() {
    if (f != null) {
      f.close();
    }
    if (p != null) {
      p.close();
    }
  }

  /** A word: a 300 ms tone, then 500 ms of silence (a VAD commit with a 0.3 s threshold). */
  static byte[] word(int hz) {
    return Tones.concat(Tones.pcm(hz, 300, RATE), Tones.silence(500, RATE));
  }

  static void send(WsClient c, byte[] pcm, int from) throws Exception {
    int step = RATE / 50 * 2;
    for (int off = from; off < pcm.length; off += step) {
      c.send(chunk(Arrays.copyOfRange(pcm, off, Math.min(pcm.length, off + step)), false, RATE));
    }
  }

  static String resumeQuery(String base, String id, long n) {
    return base + "&voicewire_resume_session=" + id + "&voicewire_commits_received=" + n;
  }

  static boolean isCommit(JsonNode m) {
    return m.path("message_type").asText().startsWith("committed_transcript");
  }

  /** The texts of the commits among {@code raw} messages. */
  static List<String> commitTexts(List<String> raw) throws Exception {
    List<String> out = new ArrayList<>();
    for (String m : raw) {
      JsonNode n = Json.mapper().readTree(m);
      if (n.path("message_type").asText().equals("committed_transcript")) {
        out.add(n.get("text").asText());
      }
    }
    return out;
  }

  /** Raw messages until {@code count} committed_transcript messages have arrived (10 s each). */
  static List<String> untilCommits(WsClient c, int count) throws Exception {
    List<String> raw = new ArrayList<>();
    int seen = 0;
    while (seen < count) {
      String m = c.messages.poll(10, TimeUnit.SECONDS);
      assertNotNull(m, "no message within 10 s; so far " + raw);
      raw.add(m);
      if (Json.mapper().readTree(m).path("message_type").asText()
          .equals("committed_transcript")) {
        seen++;
      }
    }
    return raw;
  }

  static ServerFixture server(ToneSpeechProvider p, Consumer<Limits.Builder> limits)
      throws Exception {
    Limits.Builder b = Limits.DEFAULTS.toBuilder();
    limits.accept(b);
    return ServerFixture.start(p, c -> c.limits(b.build()));
  }

  /** Waits until {@code check} holds; fails after {@code seconds}. */
  static void await(String what, long seconds, java.util.function.BooleanSupplier check)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!check.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not within " + seconds + " s: " + what);
      Thread.sleep(20);
    }
  }

  /** Opens a resumable session ({@code query} plus opt-in), loses it abruptly, waits until parked. */
  String parkedSession(String query, Map<String, String> headers) throws Exception {
    WsClient a = f.connect(query + RESUMABLE, headers);
    String id = type(a, "session_started").get("session_id").asText();
    a.ws.abort();
    f.awaitMetric("voicewire_stt_sessions_parked 1.0", 10);
    return id;
  }

  // ---------------------------------------------------------------- opt-in

  @Test
  void officialClientsSeeNoNewFieldNorHeader() throws Exception {
    p = ToneSpeechProvider.create();
    f = ServerFixture.start(p);
    WsClient c = f.connect(SttRealtimeTest.PATH);
    JsonNode s = type(c, "session_started");
    assertFalse(s.has("voicewire_resume"), s.toString());
    assertTrue(s.get("session_id").asText().startsWith("tone-"), s.toString());
    c.close();
    assertNull(upgradeHeaders(f, SttRealtimeTest.PATH).get("x-voicewire-session-id"));
  }

  @Test
  void aResumableSessionAnnouncesItsIdInTheHeaderAndSessionStarted() throws Exception {
    p = ToneSpeechProvider.create();
    f = ServerFixture.start(p);
    Map<String, String> h = upgradeHeaders(f, SttRealtimeTest.PATH + RESUMABLE);
    String header = h.get("x-voicewire-session-id");
    assertNotNull(header, h.toString());
    assertTrue(header.matches("[0-9a-f]{32}"), header);
    WsClient c = f.connect(SttRealtimeTest.PATH + RESUMABLE);
    JsonNode s = type(c, "session_started");
    assertTrue(s.get("session_id").asText().matches("[0-9a-f]{32}"), s.toString());
    JsonNode r = s.get("voicewire_resume");
    assertFalse(r.get("resumed").asBoolean());
    assertEquals(10_000, r.get("grace_ms").asLong());
    assertEquals(0, r.get("audio_bytes_received").asLong());
    assertEquals(0, r.get("commits_sent").asLong());
    assertFalse(r.has("reason"));
    c.close();
  }

  // ---------------------------------------------------------------- resume

  @Test
  void resumeAfterAnAbruptDropContinuesTheSameSessionWithoutLossOrDuplicates() throws Exception {
    // the engine decodes slower than real time, so the drop falls inside an utterance
    p = ToneSpeechProvider.builder().sttDelayPerChunkMillis(15).build();
    byte[] rest = Tones.concat(word(660), word(880));
    f = ServerFixture.start(p);
    WsClient a = f.connect(VAD + RESUMABLE);
    String id = type(a, "session_started").get("session_id").asText();
    send(a, word(440), 0);
    List<String> first = untilCommits(a, 1);
    assertEquals(List.of("alpha"), commitTexts(first));
    long beforeRest = p.sttBytesReceived.get();
    send(a, rest, 0);
    a.ws.abort(); // no close frame: the server sees the connection lost
    f.awaitMetric("voicewire_stt_sessions_parked 1.0", 10);

    WsClient b = f.connect(resumeQuery(VAD, id, 1));
    JsonNode s = type(b, "session_started");
    assertEquals(id, s.get("session_id").asText());
    JsonNode r = s.get("voicewire_resume");
    assertTrue(r.get("resumed").asBoolean(), s.toString());
    long accepted = r.get("audio_bytes_received").asLong();
    assertEquals(p.sttBytesReceived.get(), accepted, "B is what the engine accepted");
    assertTrue(accepted >= beforeRest && accepted % 2 == 0, "B " + accepted);
    long offset = accepted - word(440).length;
    assertTrue(offset >= 0 && offset <= rest.length, "offset " + offset);
    send(b, rest, (int) offset); // only what the server never received
    List<String> after = untilCommits(b, 2);
    assertEquals(List.of("bravo", "charlie"), commitTexts(after), after.toString());
    Thread.sleep(300);
    assertEquals(List.of(), commitTexts(new ArrayList<>(b.messages)), "no duplicate");
    assertEquals(0, p.sttCancelled.get(), "the engine session was never restarted");
    assertEquals(1, p.openStt.get());
    f.awaitMetric("voicewire_stt_resume_sessions_total{event=\"resumed\"} 1.0", 5);
    f.awaitMetric("voicewire_stt_sessions_parked 0.0", 5);
    b.close();
  }

  /**
   * A TCP reset in the middle of the stream (a proxy resets both sides: no close frame, data in
   * flight lost): the resume reports exactly what the engine accepted, the client sends the rest
   * from there, and the committed transcript equals the uncut one.
   */
  @Test
  void aTcpResetMidStreamLosesNothing() throws Exception {
    p = ToneSpeechProvider.create();
    byte[] all = Tones.concat(word(440), word(660), word(880), word(1100));
    f = ServerFixture.start(p);
    try (ResetProxy proxy = new ResetProxy(f.port)) {
      WsClient a = WsClient.connect("ws://127.0.0.1:" + proxy.port() + VAD + RESUMABLE);
      String id = type(a, "session_started").get("session_id").asText();
      int step = RATE / 50 * 2;
      int sent = 0;
      try {
        for (; sent < all.length; sent += step) {
          if (sent == all.length / 2) {
            proxy.resetAll(); // the reset lands while chunks are still on their way
          }
          a.send(chunk(Arrays.copyOfRange(all, sent, Math.min(all.length, sent + step)), false,
              RATE));
        }
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
          | IllegalStateException e) {
        // the client noticed the reset
      }
      assertEquals(1006, a.awaitClose().code(), "the client saw the reset");
      List<String> first = new ArrayList<>(a.messages);
      long n = first.stream().filter(m -> m.contains("\"committed_transcript")).count();
      f.awaitMetric("voicewire_stt_sessions_parked 1.0", 10);

      WsClient b = f.connect(resumeQuery(VAD, id, n));
      JsonNode r = type(b, "session_started").get("voicewire_resume");
      assertTrue(r.get("resumed").asBoolean());
      long accepted = r.get("audio_bytes_received").asLong();
      assertEquals(p.sttBytesReceived.get(), accepted);
      assertTrue(accepted <= all.length && accepted % 2 == 0, "B " + accepted);
      send(b, all, (int) accepted);
      List<String> texts = new ArrayList<>(commitTexts(first));
      texts.addAll(commitTexts(untilCommits(b, 4 - (int) n)));
      assertEquals(List.of("alpha", "bravo", "charlie", "delta"), texts);
      b.close();
    }
  }

  @Test
  void commitsAfterNAreReplayedByteIdenticalAndInOrderWithTheirTimestampTwins() throws Exception {
    p = ToneSpeechProvider.builder().sttDelayPerChunkMillis(15).build();
    String q = VAD + "&include_timestamps=true";
    f = ServerFixture.start(p);
    WsClient a = f.connect(q + RESUMABLE);
    String id = type(a, "session_started").get("session_id").asText();
    send(a, word(440), 0);
    List<String> first = untilCommits(a, 1);
    String alpha = first.get(first.size() - 1);
    String alphaTwin = a.messages.poll(10, TimeUnit.SECONDS);
    assertTrue(alphaTwin.contains("committed_transcript_with_timestamps"), alphaTwin);
    // bravo and charlie are decoded while the client is away
    send(a, Tones.concat(word(660), word(880)), 0);
    a.ws.abort();
    await("both parked commits", 20, () -> p.sttChunksProcessed.get() >= 3 * 40);
    Thread.sleep(200);

    // n = 0: every commit message again, the first byte-identical to the one sent live
    WsClient b = f.connect(resumeQuery(q, id, 0));
    JsonNode s = type(b, "session_started");
    assertTrue(s.get("voicewire_resume").get("resumed").asBoolean());
    assertEquals(6, s.get("voicewire_resume").get("commits_sent").asLong(), s.toString());
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String m = b.messages.poll(10, TimeUnit.SECONDS);
      assertNotNull(m);
      all.add(m);
    }
    assertEquals(alpha, all.get(0));
    assertEquals(alphaTwin, all.get(1));
    assertEquals(List.of("alpha", "bravo", "charlie"), commitTexts(all));
    b.ws.abort();
    f.awaitMetric("voicewire_stt_sessions_parked 1.0", 10);

    // the client received only the plain alpha (1 of 2 messages): its twin comes again
    WsClient c = f.connect(resumeQuery(q, id, 1));
    assertTrue(type(c, "session_started").get("voicewire_resume").get("resumed").asBoolean());
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      rest.add(c.messages.poll(10, TimeUnit.SECONDS));
    }
    assertEquals(all.subList(1, 6), rest);
    c.ws.abort();
    f.awaitMetric("voicewire_stt_sessions_parked 1.0", 10);

    // what a resume acknowledged is forgotten: n = 0 now cannot be honoured, a new session
    WsClient d = f.connect(resumeQuery(q, id, 0));
    JsonNode fresh = type(d, "session_started");
    assertFalse(fresh.get("voicewire_resume").get("resumed").asBoolean());
    assertTrue(fresh.get("voicewire_resume").get("reason").asText().contains("no longer held"),
        fresh.toString());
    await("the old session cancelled", 5, () -> p.sttCancelled.get() == 1);
    d.close();
  }

  @Test
  void aStillAttachedSessionIsTakenOverAndTheOldConnectionClosed1001() throws Exception {
    p = ToneSpeechProvider.create();
    f = ServerFixture.start(p);
    WsClient a = f.connect(VAD + RESUMABLE);
    String id = type(a, "session_started").get("session_id").asText();
    send(a, word(440), 0);
    untilCommits(a, 1);
    WsClient b = f.connect(resumeQuery(VAD, id, 1));
    JsonNode s = type(b, "session_started");
    assertTrue(s.get("voicewire_resume").get("resumed").asBoolean());
    assertEquals(word(440).length, s.get("voicewire_resume").get("audio_bytes_received")
        .asLong());
    WsClient.Close old = a.awaitClose();
    assertEquals(1001, old.code());
    assertEquals("replaced by a resumed connection", old.reason());
    send(b, word(660), 0);
    assertEquals(List.of("bravo"), commitTexts(untilCommits(b, 1)));
    b.close();
    f.awaitMetric("voicewire_stt_sessions_parked 0.0", 5);
  }

  // ---------------------------------------------------------------- no resume

  @Test
  void anUnknownExpiredOrClosedIdGetsANewSession() throws Exception {
    p = ToneSpeechProvider.create();
    f = server(p, l -> l.sttResumeGrace(Duration.ofMillis(400)));
    JsonNode unknown = type(f.connect(resumeQuery(VAD, "0123abcd", 0)), "session_started");
    assertFalse(unknown.get("voicewire_resume").get("resumed").asBoolean());
    assertNotEquals("0123abcd", unknown.get("session_id").asText());
    assertTrue(unknown.get("voicewire_resume").get("reason").asText().contains("no session"));

    WsClient a = f.connect(VAD + RESUMABLE);
    String id = type(a, "session_started").get("session_id").asText();
    a.ws.abort();
    f.awaitMetric("voicewire_stt_resume_sessions_total{event=\"expired\"} 1.0", 10);
    JsonNode late = type(f.connect(resumeQuery(VAD, id, 0)), "session_started");
    assertFalse(late.get("voicewire_resume").get("resumed").asBoolean());
    assertNotEquals(id, late.get("session_id").asText());
    assertTrue(late.get("voicewire_resume").get("reason").asText().contains("sttResumeGrace"),
        late.toString());

    WsClient closed = f.connect(VAD + RESUMABLE);
    String closedId = type(closed, "session_started").get("session_id").asText();
    closed.close(); // the client's close 1000: the session ends, nothing is parked
    await("closed session ended", 5, () -> p.sttCancelled.get() >= 2);
    JsonNode again = type(f.connect(resumeQuery(VAD, closedId, 0)), "session_started");
    assertFalse(again.get("voicewire_resume").get("resumed").asBoolean());
    assertEquals("the client closed the session",
        again.get("voicewire_resume").get("reason").asText());
    assertTrue(f.server.metrics().contains(
        "voicewire_stt_resume_sessions_total{event=\"parked\"} 1.0"));
  }

  @Test
  void anotherKeysSessionIsNotResumed() throws Exception {
    p = ToneSpeechProvider.create();
    f = ServerFixture.start(p, c -> c.apiKeys(List.of("key-one-123456",
        "key-two-654321")));
    String id = parkedSession(VAD, Map.of("xi-api-key", "key-one-123456"));
    WsClient other = f.connect(resumeQuery(VAD, id, 0), Map.of("xi-api-key",
        "key-two-654321"));
    JsonNode s = type(other, "session_started");
    assertFalse(s.get("voicewire_resume").get("resumed").asBoolean());
    assertNotEquals(id, s.get("session_id").asText());
    // the owner still can
    WsClient owner = f.connect(resumeQuery(VAD, id, 0), Map.of("xi-api-key",
        "key-one-123456"));
    assertTrue(type(owner, "session_started").get("voicewire_resume").get("resumed")
        .asBoolean());
    other.close();
    owner.close();
  }

  @Test
  void aParkedSessionHoldsItsPermitUntilItsGraceExpires() throws Exception {
    p = ToneSpeechProvider.create();
    f = server(p, l -> l.maxSessionsPerKey(1)
        .sttResumeGrace(Duration.ofMillis(1500)));
    parkedSession(VAD, Map.of());
    WsClient refused = f.connect(VAD);
    assertEquals("resource_exhausted", refused.next().get("message_type").asText());
    assertEquals(1013, refused.awaitClose().code());
    f.awaitMetric("voicewire_stt_resume_sessions_total{event=\"expired\"} 1.0", 10);
    await("grace expiry cancels the engine session", 5, () -> p.sttCancelled.get() == 1);
    JsonNode next = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      WsClient c = f.connect(VAD);
      next = c.next();
      c.close();
      if (next.get("message_type").asText().equals("session_started")) {
        break;
      }
      Thread.sleep(50);
    }
    assertEquals("session_started", next.get("message_type").asText(), "the permit is free");
  }

  @Test
  void logOverflowWhileParkedEndsTheSessionAndSaysSo() throws Exception {
    p = ToneSpeechProvider.builder().sttDelayPerChunkMillis(10).build();
    f = server(p, l -> l.sttResumeLogMessages(2));
    WsClient a = f.connect(VAD + RESUMABLE);
    String id = type(a, "session_started").get("session_id").asText();
    send(a, Tones.concat(word(440), word(660), word(880)), 0);
    a.ws.abort();
    f.awaitMetric("voicewire_stt_resume_sessions_total{event=\"log_overflow\"} 1.0", 20);
    await("the engine session cancelled", 5, () -> p.sttCancelled.get() == 1);
    JsonNode s = type(f.connect(resumeQuery(VAD, id, 0)), "session_started");
    assertFalse(s.get("voicewire_resume").get("resumed").asBoolean());
    assertTrue(s.get("voicewire_resume").get("reason").asText()
        .contains("sttResumeLogMessages"), s.toString());
  }

  @Test
  void theSessionTimeLimitCountsFromTheSessionsStartOverItsConnections() throws Exception {
    p = ToneSpeechProvider.create();
    f = server(p, l -> l.sessionTimeLimit(Duration.ofMillis(800))
        .sttResumeGrace(Duration.ofSeconds(20)));
    String id = parkedSession(VAD, Map.of());
    Thread.sleep(1000); // the limit passes while parked
    WsClient b = f.connect(resumeQuery(VAD, id, 0));
    assertTrue(type(b, "session_started").get("voicewire_resume").get("resumed").asBoolean());
    List<JsonNode> rest = b.untilClose();
    assertEquals("session_time_limit_exceeded",
        rest.get(rest.size() - 1).get("message_type").asText(), rest.toString());
    assertEquals(1008, b.awaitClose().code());
  }

  @Test
  void moreCommitsThanSentIsAPolicyViolation() throws Exception {
    p = ToneSpeechProvider.create();
    f = ServerFixture.start(p);
    String id = parkedSession(VAD, Map.of());
    WsClient b = f.connect(resumeQuery(VAD, id, 3));
    JsonNode err = b.next();
    assertEquals("policy_violation", err.get("message_type").asText());
    assertTrue(err.get("error").asText().contains("voicewire_commits_received=3"), err
        .toString());
    assertEquals(1008, b.awaitClose().code());
  }

  @Test
  void malformedResumeParametersAreInvalidRequests() throws Exception {
    p = ToneSpeechProvider.create();
    f = ServerFixture.start(p);
    for (String q : List.of(VAD + "&voicewire_resume_session=abc",
        resumeQuery(VAD, "x".repeat(65), 0), resumeQuery(VAD, "a%20b", 0),
        resumeQuery(VAD, "abc", -1), VAD + "&voicewire_commits_received=2",
        VAD + "&voicewire_resumable=perhaps")) {
      WsClient c = f.connect(q);
      JsonNode err = c.next();
      assertEquals("invalid_request", err.get("message_type").asText(), q);
      assertTrue(err.get("error").asText().contains("voicewire_"), err.toString());
      assertEquals(1008, c.awaitClose().code(), q);
    }
  }

  @Test
  void aDrainMovesTheSessionWith1012AndParksNothing() throws Exception {
    p = ToneSpeechProvider.create();
    f = ServerFixture.start(p);
    parkedSession(VAD, Map.of());
    WsClient live = f.connect(VAD + RESUMABLE);
    type(live, "session_started");
    assertTrue(f.server.drain(Duration.ofSeconds(10)));
    assertEquals(1012, live.awaitClose().code());
    f.awaitMetric("voicewire_stt_sessions_parked 0.0", 5);
    assertTrue(f.server.metrics().contains(
        "voicewire_stt_resume_sessions_total{event=\"parked\"} 1.0"), "the 1012 was not parked");
    await("both engine sessions cancelled", 5, () -> p.sttCancelled.get() == 2);
  }

  // ---------------------------------------------------------------- helpers

  /** A loopback TCP proxy whose connections can be reset (RST both ways, no close frame). */
  static final class ResetProxy implements AutoCloseable {
    private final java.net.ServerSocket server = new java.net.ServerSocket(0, 50,
        java.net.InetAddress.getLoopbackAddress());
    private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final int target;

    ResetProxy(int target) throws java.io.IOException {
      this.target = target;
      Thread t = new Thread(this::accept, "ResetProxy accept");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      try {
        while (true) {
          Socket in = server.accept();
          Socket out = new Socket("127.0.0.1", target);
          sockets.add(in);
          sockets.add(out);
          pump(in, out);
          pump(out, in);
        }
      } catch (java.io.IOException e) {
        // closed
      }
    }

    private static void pump(Socket from, Socket to) {
      Thread t = new Thread(() -> {
        byte[] buf = new byte[8192];
        try {
          int n;
          while ((n = from.getInputStream().read(buf)) >= 0) {
            to.getOutputStream().write(buf, 0, n);
          }
        } catch (java.io.IOException e) {
          // reset or closed
        }
      }, "ResetProxy pump");
      t.setDaemon(true);
      t.start();
    }

    /** Resets every connection now, both sides. */
    void resetAll() throws java.io.IOException {
      for (Socket s : sockets) {
        s.setSoLinger(true, 0);
        s.close();
      }
      sockets.clear();
    }

    @Override
    public void close() throws java.io.IOException {
      server.close();
      resetAll();
    }
  }

  /** The response headers (lower-case names) of a WebSocket upgrade of {@code pathAndQuery}. */
  static Map<String, String> upgradeHeaders(ServerFixture f, String pathAndQuery)
      throws Exception {
    try (Socket s = new Socket("127.0.0.1", f.port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + f.port
          + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
        int b = in.read();
        assertTrue(b >= 0, "connection closed in the headers: " + head);
        head.write(b);
      }
      String[] lines = head.toString(StandardCharsets.US_ASCII).split("\r\n");
      assertTrue(lines[0].contains(" 101 "), lines[0]);
      Map<String, String> h = new java.util.HashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          h.put(lines[i].substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT),
              lines[i].substring(colon + 1).trim());
        }
      }
      s.setSoLinger(true, 0); // reset: the server sees the connection lost
      return h;
    }
  }
}
