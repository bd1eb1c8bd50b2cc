package io.voicewire.protocol;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.voicewire.fuzz.ParserProperty;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target: a server's TTS message (audio, alignment, isFinal, error), as the SDK decodes
 * it.
 */
class TtsServerMessageFuzzTest {
  @FuzzTest
  @DictionaryEntries({
      "\"audio\"", "\"isFinal\"", "\"is_final\"", "\"alignment\"", "\"normalizedAlignment\"",
      "\"chars\"", "\"charStartTimesMs\"", "\"charDurationsMs\"", "\"charsStartTimesMs\"",
      "\"charsDurationsMs\"", "\"contextId\"", "\"context_id\"", "\"error\"", "\"message\"",
      "\"code\"", "true", "null"})
  void decode(byte[] data) {
    String json = new String(data, StandardCharsets.UTF_8);
    ParserProperty.check(data.length, () -> TtsServerMessage.decode(json),
        ProtocolException.class);
  }
}
