package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.voicewire.audio.AudioFormat;
import io.voicewire.protocol.TokenType;
import io.voicewire.speech.SttRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A closed client refuses every stream and request with the same clear exception, before any
 * network use (the runtime is the one place that hands out what they start from).
 */
class VoiceClientClosedTest {
  @Test
  void aClosedClientRefusesEveryEntryPoint() {
    VoiceClient client = VoiceClient.builder().baseUrl("http://127.0.0.1:9").build();
    client.close();
    client.close(); // idempotent
    List<Executable> calls = List.of(
        () -> client.newTtsStream(VoiceClient.ttsRequest("v"), new TtsStream.Listener() {}),
        () -> client.newSttStream(SttRequest.builder().build(), new SttStream.Listener() {}),
        () -> client.newMultiContextTts(VoiceClient.ttsRequest("v"),
            new MultiContextTts.Listener() {}),
        () -> client.newDialogueStream(DialogueStream.Options.dialogue(AudioFormat.PCM_16000),
            new DialogueStream.Listener() {}),
        () -> client.mintToken(TokenType.TTS_WEBSOCKET),
        client::voices,
        client::models,
        () -> client.streamSpeech(VoiceClient.ttsRequest("v"), "x"),
        () -> client.streamSpeechWithTimestamps(VoiceClient.ttsRequest("v"), "x"));
    for (Executable call : calls) {
      IllegalStateException e = assertThrows(IllegalStateException.class, call);
      assertEquals("VoiceClient is closed", e.getMessage());
    }
  }
}
