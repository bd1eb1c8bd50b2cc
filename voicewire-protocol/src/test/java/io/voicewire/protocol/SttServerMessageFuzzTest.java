package io.voicewire.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.voicewire.fuzz.ParserProperty;
import java.nio.charset.StandardCharsets;

/** Fuzz target: a server's realtime STT message (transcripts, words, errors), as the SDK decodes it. */
class SttServerMessageFuzzTest {
  @FuzzTest
  void decode(byte[] data) {
    String json = new String(data, StandardCharsets.UTF_8);
    ParserProperty.check(data.length, () -> SttServerMessage.decode(json),
        ProtocolException.class);
  }
}
