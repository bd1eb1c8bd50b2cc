package io.voicewire.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.voicewire.fuzz.ParserProperty;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target: a client's {@code input_audio_chunk} on the realtime STT socket (JSON and its
 * base64 audio), as the server decodes it.
 */
class SttClientMessageFuzzTest {
  @FuzzTest
  void decode(byte[] data) {
    String json = new String(data, StandardCharsets.UTF_8);
    ParserProperty.check(data.length, () -> SttClientMessage.decode(json),
        ProtocolException.class);
  }
}
