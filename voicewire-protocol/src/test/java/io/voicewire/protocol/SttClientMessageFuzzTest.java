package io.voicewire.protocol;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.voicewire.fuzz.ParserProperty;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target: a client's {@code input_audio_chunk} on the realtime STT socket (JSON and its
 * base64 audio), as the server decodes it.
 */
class SttClientMessageFuzzTest {
  @FuzzTest
  @DictionaryEntries({
      "\"message_type\"", "\"input_audio_chunk\"", "\"audio_base_64\"", "\"commit\"",
      "\"sample_rate\"", "\"previous_text\"", "true", "null", "=="})
  void decode(byte[] data) {
    String json = new String(data, StandardCharsets.UTF_8);
    ParserProperty.check(data.length, () -> SttClientMessage.decode(json),
        ProtocolException.class);
  }
}
