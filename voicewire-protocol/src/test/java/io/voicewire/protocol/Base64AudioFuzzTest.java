package io.voicewire.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.voicewire.fuzz.ParserProperty;
import io.voicewire.protocol.internal.Json;
import java.nio.charset.StandardCharsets;

/** Fuzz target: base64 audio as every decoder reads it ({@link Json#base64}). */
class Base64AudioFuzzTest {
  @FuzzTest
  void decode(byte[] data) {
    String b64 = new String(data, StandardCharsets.UTF_8);
    ParserProperty.check(data.length, () -> Json.base64("audio", b64), ProtocolException.class);
  }
}
