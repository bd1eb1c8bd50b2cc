package io.voicewire.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.voicewire.fuzz.ParserProperty;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target: a WebSocket upgrade's query string, parsed and read as the TTS and the STT socket
 * read it ({@link TtsParams}, {@link SttParams}). {@link Query#parse} itself refuses nothing.
 */
class QueryFuzzTest {
  @FuzzTest
  void parse(byte[] data) {
    String raw = new String(data, StandardCharsets.UTF_8);
    Query q = ParserProperty.check(data.length, () -> Query.parse(raw));
    ParserProperty.check(data.length, () -> TtsParams.parse("voice", q), ProtocolException.class);
    ParserProperty.check(data.length, () -> SttParams.parse(q), ProtocolException.class);
  }
}
