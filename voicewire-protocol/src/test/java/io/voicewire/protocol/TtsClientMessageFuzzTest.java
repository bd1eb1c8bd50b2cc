package io.voicewire.protocol;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.voicewire.fuzz.ParserProperty;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target: a client's text message on {@code stream-input} / {@code multi-stream-input}, as
 * the server decodes it. Corpus: {@code TtsClientMessageFuzzTestInputs/decode/}; see
 * {@code docs/fuzzing.md}.
 */
class TtsClientMessageFuzzTest {
  @FuzzTest
  @DictionaryEntries({
      "\"text\"", "\"flush\"", "\"context_id\"", "\"close_context\"", "\"close_socket\"",
      "\"voice_settings\"", "\"generation_config\"", "\"chunk_length_schedule\"",
      "\"xi_api_key\"", "\"authorization\"", "\"try_trigger_generation\"",
      "\"pronunciation_dictionary_locators\"", "\"stability\"", "\"speed\"", "true", "null", "[",
      "]", "{", "}", ":", ","})
  void decode(byte[] data) {
    String json = new String(data, StandardCharsets.UTF_8);
    ParserProperty.check(data.length, () -> TtsClientMessage.decode(json),
        ProtocolException.class);
  }
}
