package io.voicewire.protocol;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.voicewire.fuzz.ParserProperty;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target: a server's realtime STT message (transcripts, words, errors), as the SDK decodes
 * it.
 */
class SttServerMessageFuzzTest {
  @FuzzTest
  @DictionaryEntries({
      "\"message_type\"", "\"session_started\"", "\"partial_transcript\"",
      "\"committed_transcript\"", "\"committed_transcript_with_timestamps\"", "\"text\"",
      "\"words\"", "\"start\"", "\"end\"", "\"type\"", "\"characters\"", "\"language_code\"",
      "\"session_id\"", "\"config\"", "\"error\"", "\"input_error\"", "_error"})
  void decode(byte[] data) {
    String json = new String(data, StandardCharsets.UTF_8);
    ParserProperty.check(data.length, () -> SttServerMessage.decode(json),
        ProtocolException.class);
  }
}
