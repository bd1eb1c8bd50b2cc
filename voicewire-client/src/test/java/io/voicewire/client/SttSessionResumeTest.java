package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.client.internal.FakeSpeech;
import io.voicewire.client.internal.FakeSttPeer;
import io.voicewire.client.internal.transport.InMemoryConnector;
import io.voicewire.speech.Transcript;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tier (b): STT resume by session id (the voicewire extension) against the scripted server:
 * one server session for the whole stream through random drops, exact audio at every seam (the
 * scripted server decodes each frame once, so a byte sent twice or lost shows in the text), the
 * fallback when the server forgot the session, and the rules that keep the extension away from
 * the official API and from servers without it.
 */
@Timeout(60)
class SttSessionResumeTest {
  final FakeSttPeer.World world = new FakeSttPeer.World();
  final InMemoryConnector connector = new InMemoryConnector(n -> new FakeSttPeer(world));
  VoiceClient client;

  VoiceClient client(String baseUrl) {
    if (client == null) {
      client = builder(baseUrl).build();
    }
    return client;
  }

  VoiceClient.Builder builder(String baseUrl) {
    return VoiceClient.builder().baseUrl(baseUrl).apiKey("k")
        .reconnectPolicy(SttStreamStateTest.FAST).connector(connector).random(new Random(0))
        .pingInterval(Duration.ZERO);
  }

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  record Run(String expected, RecordingSttListener listener, StreamMetrics metrics) {}

  /** 40 segments of 3 words through drops after 2–13 messages; VAD or manual commits. */
  Run transcribeThroughDrops(String baseUrl, boolean vad, long seed) throws Exception {
    Random r = new Random(seed);
    world.dropAfterMessages = () -> 2 + r.nextInt(12);
    RecordingSttListener l = new RecordingSttListener();
    SttStream s = client(baseUrl).newSttStream(FakeSttPeer.request(vad), l);
    List<String> words = SttStreamStateTest.words(120, seed);
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < words.size(); i += 3) {
      String seg = String.join(" ", words.subList(i, Math.min(words.size(), i + 3))) + " ";
      expected.append(seg);
      SttStreamStateTest.send(s, FakeSpeech.say(seg), 2 + r.nextInt(5));
      if (vad) {
        SttStreamStateTest.send(s, FakeSpeech.silence(FakeSttPeer.VAD_SILENT_FRAMES + 2), 4);
      } else {
        assertTrue(s.commit());
      }
      Thread.sleep(r.nextInt(3));
    }
    s.end();
    l.await(30).assertClosed();
    long prevEnd = 0;
    for (Transcript t : l.commits) {
      assertTrue(t.audioStartMs() >= prevEnd, "commits in order on the audio timeline: " + t);
      prevEnd = t.audioEndMs();
    }
    assertTrue(world.violations.isEmpty(), world.violations.toString());
    return new Run(expected.toString(), l, s.metrics());
  }

  @Test
  void oneServerSessionThroughRandomDrops() throws Exception {
    for (boolean vad : new boolean[] {false, true}) {
      world.resumable = true;
      int sessionsBefore = world.sessions.get();
      int previousBefore = world.previousTexts.size();
      Run run = transcribeThroughDrops("http://test.invalid", vad, vad ? 21 : 22);
      StreamMetrics m = run.metrics();
      assertEquals(run.expected(), run.listener().committedText(), "vad=" + vad + " " + m);
      assertTrue(m.reconnects() > 5, m.toString());
      if (vad) {
        assertEquals(1, world.sessions.get() - sessionsBefore, "one server session: " + m);
        assertEquals(m.reconnects(), m.resumesAttempted(), m.toString());
        assertEquals(m.resumesAttempted(), m.resumesSucceeded(), m.toString());
        assertEquals(0, m.seams(), m.toString());
      } else {
        // a drop that took the commit message just sent (and no audio after it): the server
        // may or may not have it, so the stream starts a new session (the scripted server
        // drops on a message it then never reads, so this happens here often)
        assertEquals(1 + m.resumesFellBack(), world.sessions.get() - sessionsBefore, m.toString());
        assertEquals(m.resumesAttempted(), m.resumesSucceeded() + m.resumesFellBack());
        assertTrue(m.resumesSucceeded() > m.resumesFellBack(), m.toString());
        assertEquals(m.resumesFellBack(), m.seams(), m.toString());
      }
      assertEquals(0, m.forcedCommits(), "no forced commit on a resumed session: " + m);
      assertEquals(0, m.duplicateCommitsDropped(), "no commit sent twice: " + m);
      assertTrue(world.previousTexts.size() - previousBefore <= (vad ? 0 : m.seams()),
          "previous_text only for a new session: " + world.previousTexts);
    }
  }

  @Test
  void aForgottenSessionFallsBackToANewOneAndTheReplay() throws Exception {
    for (boolean vad : new boolean[] {false, true}) {
      world.resumable = true;
      world.forgetSessions = true;
      int sessionsBefore = world.sessions.get();
      Run run = transcribeThroughDrops("http://test.invalid", vad, vad ? 31 : 32);
      StreamMetrics m = run.metrics();
      assertEquals(run.expected(), run.listener().committedText(), "vad=" + vad + " " + m);
      assertTrue(m.resumesAttempted() > 5, m.toString());
      assertEquals(m.resumesAttempted(), m.resumesFellBack(), m.toString());
      assertEquals(0, m.resumesSucceeded(), m.toString());
      assertEquals(m.reconnects() + 1, world.sessions.get() - sessionsBefore, m.toString());
      assertEquals(0, world.resumed.get());
    }
  }

  @Test
  void neverAsksTheOfficialHost() throws Exception {
    world.resumable = true;
    Run run = transcribeThroughDrops("https://api.elevenlabs.io", true, 41);
    assertEquals(run.expected(), run.listener().committedText());
    assertTrue(run.metrics().reconnects() > 5);
    assertEquals(0, run.metrics().resumesAttempted());
    for (String q : world.queries) {
      assertFalse(q.contains("voicewire_"), q);
    }
  }

  @Test
  void neverResumesWithAServerThatDidNotSayItCan() throws Exception {
    world.resumable = false; // ignores the parameters, says nothing in session_started
    Run run = transcribeThroughDrops("http://test.invalid", true, 51);
    assertEquals(run.expected(), run.listener().committedText());
    assertTrue(run.metrics().reconnects() > 5);
    assertEquals(0, run.metrics().resumesAttempted());
    for (String q : world.queries) {
      assertTrue(q.contains("voicewire_resumable=true"), q);
      assertFalse(q.contains("voicewire_resume_session"), q);
    }
  }

  @Test
  void aStrictServerThatRefusesTheParameterGetsTheOfficialProtocol() throws Exception {
    world.refuseExtension = true;
    Run run = transcribeThroughDrops("http://test.invalid", true, 61);
    assertEquals(run.expected(), run.listener().committedText());
    assertTrue(run.metrics().reconnects() > 5);
    assertEquals(0, run.metrics().resumesAttempted());
    assertEquals(world.sessions.get(), run.metrics().connections(), "one refusal, then sessions");
    for (String q : world.queries) {
      assertFalse(q.contains("voicewire_"), "only accepted connections are recorded: " + q);
    }
  }

  @Test
  void theModeDecidesByHost() {
    assertTrue(SttResumeMode.isOfficial(URI.create("https://api.elevenlabs.io")));
    assertTrue(SttResumeMode.isOfficial(URI.create("wss://api.us.ElevenLabs.io./v1")));
    assertTrue(SttResumeMode.isOfficial(URI.create("https://elevenlabs.io")));
    assertFalse(SttResumeMode.isOfficial(URI.create("https://notelevenlabs.io")));
    assertFalse(SttResumeMode.isOfficial(URI.create("https://elevenlabs.io.example.com")));
    assertFalse(SttResumeMode.isOfficial(URI.create("http://127.0.0.1:8080")));
    assertFalse(SttResumeMode.AUTO.appliesTo(URI.create("https://api.elevenlabs.io")));
    assertTrue(SttResumeMode.AUTO.appliesTo(URI.create("https://speech.example.com")));
    assertTrue(SttResumeMode.ON.appliesTo(URI.create("https://api.elevenlabs.io")));
    assertFalse(SttResumeMode.OFF.appliesTo(URI.create("https://speech.example.com")));
  }

  @Test
  void theBuilderTurnsResumeOffForAVoicewireServer() throws Exception {
    world.resumable = true;
    try {
      System.setProperty(SttResumeMode.PROPERTY, "on"); // the builder's mode wins
      client = builder("http://test.invalid").sttResume(SttResumeMode.OFF).build();
    } finally {
      System.clearProperty(SttResumeMode.PROPERTY);
    }
    Run run = transcribeThroughDrops("http://test.invalid", true, 71);
    assertEquals(run.expected(), run.listener().committedText());
    assertTrue(run.metrics().reconnects() > 5, run.metrics().toString());
    assertEquals(0, run.metrics().resumesAttempted());
    assertEquals(run.metrics().reconnects() + 1, world.sessions.get(), "a new session per drop");
    for (String q : world.queries) {
      assertFalse(q.contains("voicewire_"), q);
    }
  }

  @Test
  void theBuilderTurnsResumeOnForAnyHost() throws Exception {
    world.resumable = true;
    try (VoiceClient original = builder("https://api.elevenlabs.io")
        .sttResume(SttResumeMode.ON).build()) {
      client = original.newBuilder().build(); // a variant keeps the mode
    }
    Run run = transcribeThroughDrops("https://api.elevenlabs.io", true, 72);
    StreamMetrics m = run.metrics();
    assertEquals(run.expected(), run.listener().committedText());
    assertTrue(m.reconnects() > 5, m.toString());
    assertEquals(m.reconnects(), m.resumesSucceeded(), m.toString());
    assertEquals(1, world.sessions.get(), "one server session: " + m);
  }

  @Test
  void theDefaultModeComesFromTheSystemProperty() {
    try {
      assertEquals(SttResumeMode.AUTO, SttResumeMode.defaultMode());
      System.setProperty(SttResumeMode.PROPERTY, " Off ");
      assertEquals(SttResumeMode.OFF, SttResumeMode.defaultMode());
      System.setProperty(SttResumeMode.PROPERTY, "sometimes");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          SttResumeMode::defaultMode);
      assertEquals(SttResumeMode.PROPERTY + " must be auto, on or off: sometimes", e.getMessage());
    } finally {
      System.clearProperty(SttResumeMode.PROPERTY);
    }
  }
}
