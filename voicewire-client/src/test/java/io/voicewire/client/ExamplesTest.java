package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.audio.Wav;
import io.voicewire.client.internal.FakeSpeech;
import io.voicewire.client.internal.FakeSttPeer;
import io.voicewire.client.internal.FakeVoice;
import io.voicewire.examples.DialogueToPcm;
import io.voicewire.examples.LiveTranscription;
import io.voicewire.examples.LlmTokensSpoken;
import io.voicewire.examples.SpeakFileToWav;
import io.voicewire.server.VoicewireServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The examples in {@code examples/} run, against a server with the auditable test engine. */
@Timeout(120)
class ExamplesTest {
  @TempDir
  Path dir;
  CodedSpeechProvider provider;
  VoicewireServer server;
  String url;
  final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  PrintStream savedOut;

  @BeforeEach
  void start() throws Exception {
    provider = new CodedSpeechProvider(12, 1);
    server = VoicewireServer.create(c -> c.provider(provider));
    url = "http://127.0.0.1:" + server.start(0);
    savedOut = System.out;
    System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() {
    System.setOut(savedOut);
    server.close();
    provider.close();
  }

  @Test
  void speakFileToWav() throws Exception {
    Path text = dir.resolve("story.txt");
    Files.writeString(text, "Once upon a time, a stream never lost a word. The end. ");
    Path wav = dir.resolve("story.wav");
    SpeakFileToWav.main(new String[] {text.toString(), wav.toString(), "--server", url});
    assertEquals(Files.readString(text), FakeVoice.decode(Wav.read(wav).pcm16le()));
  }

  @Test
  void liveTranscription() throws Exception {
    ByteArrayOutputStream speech = new ByteArrayOutputStream();
    speech.writeBytes(FakeSpeech.say("hello world "));
    speech.writeBytes(FakeSpeech.silence(FakeSttPeer.VAD_SILENT_FRAMES + 2));
    speech.writeBytes(FakeSpeech.say("live and well "));
    Path wav = dir.resolve("speech.wav");
    Wav.write(wav, 16_000, speech.toByteArray());
    LiveTranscription.main(new String[] {wav.toString(), "--server", url});
    String out = stdout.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("] hello world"), out);
    assertTrue(out.contains("] live and well"), out);
  }

  @Test
  void dialogueToPcm() throws Exception {
    Path pcm = dir.resolve("dialogue.pcm");
    DialogueToPcm.main(new String[] {"--server", url, "--out", pcm.toString()});
    assertEquals(String.join("", DialogueToPcm.SCRIPT),
        FakeVoice.decode(Files.readAllBytes(pcm)));
    String out = stdout.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("turn 5 spoken"), out);
  }

  @Test
  void llmTokensSpoken() throws Exception {
    Path pcm = dir.resolve("reply.pcm");
    LlmTokensSpoken.main(new String[] {"--server", url, "--out", pcm.toString()});
    assertEquals(LlmTokensSpoken.REPLY.stripTrailing(),
        FakeVoice.decode(Files.readAllBytes(pcm)).stripTrailing());
  }
}
