package io.voicewire.server.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.voicewire.fuzz.ParserProperty;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzz target: a batch STT upload's {@code Content-Type} and {@code multipart/form-data} body
 * ({@link Multipart}), as {@link BatchStt} reads them. Input: the Content-Type line, a newline,
 * then the body. The body parser's documented refusal is {@link IllegalArgumentException} with a
 * message (answered as 400).
 */
class MultipartFuzzTest {
  @FuzzTest
  void parse(byte[] data) {
    int nl = 0;
    while (nl < data.length && data[nl] != '\n') {
      nl++;
    }
    String contentType = new String(data, 0, nl, StandardCharsets.ISO_8859_1);
    byte[] body = Arrays.copyOfRange(data, Math.min(data.length, nl + 1), data.length);
    String boundary = ParserProperty.check(nl, () -> Multipart.boundary(contentType));
    if (boundary != null) {
      ParserProperty.check(body.length, () -> Multipart.parse(body, boundary),
          IllegalArgumentException.class);
    }
  }
}
