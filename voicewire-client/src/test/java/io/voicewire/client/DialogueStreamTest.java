package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.audio.AudioFormat;
import io.voicewire.server.VoicewireServer;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Java SDK's {@link DialogueStream} against a real voicewire server on port 0: a dialogue of
 * two voices over both Text-to-Dialogue sockets.
 */
@Timeout(60)
public class DialogueStreamTest {
  static final String A = CodedSpeechProvider.VOICE;
  static final String B = CodedSpeechProvider.VOICE_2;
  CodedSpeechProvider provider;
  VoicewireServer server;
  VoiceClient client;

  @BeforeEach
  void start() throws Exception {
    provider = new CodedSpeechProvider(5, 1);
    server = VoicewireServer.create(c -> c.provider(provider).apiKeys(List.of("k")));
    client = VoiceClient.builder().baseUrl("http://127.0.0.1:" + server.start(0)).apiKey("k")
        .build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
    provider.close();
  }

  /** Records events as a transcript: voiced characters, "|turn|" and "|final" markers. */
  public static final class Recorder implements DialogueStream.Listener {
    final StringBuilder all = new StringBuilder();
    final java.util.Map<String, StringBuilder> byContext = new java.util.HashMap<>();
    public final CompletableFuture<Boolean> done = new CompletableFuture<>();

    @Override
    public synchronized void onAudio(String contextId, TtsAudio audio) {
      all.append(String.join("", audio.alignment().chars()));
      of(contextId).append(String.join("", audio.alignment().chars()));
    }

    private StringBuilder of(String contextId) {
      return byContext.computeIfAbsent(String.valueOf(contextId), k -> new StringBuilder());
    }

    @Override
    public synchronized void onTurnEnd(String contextId) {
      all.append("|turn|");
      of(contextId).append("|turn|");
    }

    @Override
    public synchronized void onFinal(String contextId) {
      all.append("|final(").append(contextId).append(")");
      of(contextId).append("|final");
    }

    @Override
    public void onClosed() {
      done.complete(true);
    }

    @Override
    public void onFailure(SpeechError error) {
      done.completeExceptionally(new AssertionError(error.toString()));
    }

    public synchronized String text() {
      return all.toString();
    }

    /** The transcript of one context. */
    public synchronized String text(String contextId) {
      return of(contextId).toString();
    }
  }

  @Test
  void aTwoVoiceDialogueOverStreamInput() throws Exception {
    Recorder r = new Recorder();
    try (DialogueStream d = client.newDialogueStream(
        DialogueStream.Options.dialogue(AudioFormat.PCM_16000), r)) {
      assertTrue(d.open(null, List.of(A, B)));
      assertTrue(d.say(null, List.of(DialogueStream.Line.of(A, "Knock knock. "),
          DialogueStream.Line.of(B, "Who is there? ")), false));
      assertTrue(d.say(null, List.of(new DialogueStream.Line("Interrupting cow. ", B, true)),
          true));
      assertTrue(d.end());
      assertTrue(r.done.get(20, TimeUnit.SECONDS));
    }
    assertEquals("Knock knock. |turn|Who is there? |turn|Interrupting cow. |turn||final(null)",
        r.text());
  }

  @Test
  void twoDialogueContextsOverMultiStreamInput() throws Exception {
    Recorder r = new Recorder();
    try (DialogueStream d = client.newDialogueStream(
        DialogueStream.Options.dialogue(AudioFormat.PCM_16000).multiContext(), r)) {
      d.open("x", List.of(A, B));
      d.say("x", List.of(DialogueStream.Line.of(A, "Hello. "), DialogueStream.Line.of(B,
          "Hi. ")), false);
      d.closeContext("x");
      d.open("y", List.of(B));
      d.say("y", List.of(DialogueStream.Line.of(B, "Elsewhere. ")), true);
      d.keepAlive("y");
      d.end();
      assertTrue(r.done.get(20, TimeUnit.SECONDS));
    }
    assertEquals("Hello. |turn|Hi. |turn||final", r.text("x"));
    assertEquals("Elsewhere. |turn||final", r.text("y"));
  }

  @Test
  void aRefusalReachesTheListener() throws Exception {
    Recorder r = new Recorder();
    try (DialogueStream d = client.newDialogueStream(new DialogueStream.Options(false, null,
        AudioFormat.PCM_16000, false), r)) {
      d.open(null, List.of(A, B)); // the default model takes one voice
      Throwable e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
          () -> r.done.get(20, TimeUnit.SECONDS));
      assertTrue(e.getCause().getMessage().contains("at most 1"), e.toString());
    }
  }
}
