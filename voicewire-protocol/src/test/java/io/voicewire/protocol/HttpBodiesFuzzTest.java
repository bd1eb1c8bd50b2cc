package io.voicewire.protocol;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.voicewire.fuzz.ParserProperty;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target: the JSON bodies of the HTTP endpoints. The first byte picks the parser: the server's
 * {@link HttpTtsBody} (text-to-speech request), or the SDK's {@link TimestampLine} (a line of
 * {@code /stream/with-timestamps}) and {@link HttpError} (an error answer, which never throws).
 */
class HttpBodiesFuzzTest {
  @FuzzTest
  @DictionaryEntries({
      "\"text\"", "\"model_id\"", "\"voice_settings\"", "\"seed\"", "\"previous_text\"",
      "\"next_text\"", "\"audio_base64\"", "\"alignment\"", "\"characters\"",
      "\"character_start_times_seconds\"", "\"character_end_times_seconds\"", "\"detail\"",
      "\"status\"", "\"message\""})
  void decode(byte[] data) {
    if (data.length == 0) {
      return;
    }
    String body = new String(data, 1, data.length - 1, StandardCharsets.UTF_8);
    switch (Math.floorMod(data[0], 3)) {
      case 0 -> ParserProperty.check(data.length, () -> HttpTtsBody.decode(body),
          ProtocolException.class);
      case 1 -> ParserProperty.check(data.length, () -> TimestampLine.decode(body),
          ProtocolException.class);
      default -> ParserProperty.check(data.length, () -> HttpError.decode(400, body));
    }
  }
}
