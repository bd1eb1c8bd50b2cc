package io.voicewire.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.voicewire.protocol.ErrorPolicy.Retry;
import io.voicewire.speech.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Tier (a): {@link ErrorPolicy} is exactly the shared table {@code test-vectors/errors/errors.json}
 * (which the browser client's tests also read), and every case listed there decides as written.
 */
class ErrorPolicyTest {
  static final Path TABLE = Path.of("..", "test-vectors", "errors", "errors.json");

  static JsonNode table() throws Exception {
    return new ObjectMapper().readTree(Files.readString(TABLE));
  }

  static Retry retry(String wire) {
    for (Retry r : Retry.values()) {
      if (r.wireName().equals(wire)) {
        return r;
      }
    }
    throw new AssertionError("unknown retry class " + wire);
  }

  @Test
  void errorsAreTheSharedTable() throws Exception {
    JsonNode errors = table().path("errors");
    Map<String, String> fromJson = new TreeMap<>();
    for (Iterator<String> it = errors.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      JsonNode e = errors.get(name);
      fromJson.put(name, (e.get("closeCode").isNull() ? 0 : e.get("closeCode").asInt()) + " "
          + e.get("retry").asText());
    }
    Map<String, String> fromJava = new TreeMap<>();
    ErrorPolicy.errors().forEach((code, rule) -> fromJava.put(code.wireName(),
        rule.closeCode() + " " + rule.retry().wireName()));
    assertEquals(fromJson, fromJava);
    assertEquals(ErrorCode.values().length, ErrorPolicy.errors().size(), "every error code");
  }

  @Test
  void closeCodesAreTheSharedTable() throws Exception {
    JsonNode t = table();
    Map<Integer, Retry> fromJson = new TreeMap<>();
    t.path("closeCodes").fields().forEachRemaining(
        e -> fromJson.put(Integer.parseInt(e.getKey()), retry(e.getValue().asText())));
    assertEquals(fromJson, new TreeMap<>(ErrorPolicy.closeCodes()));
    assertEquals(retry(t.path("defaultCloseRetry").asText()), ErrorPolicy.DEFAULT_CLOSE_RETRY);
  }

  @Test
  void httpStatusesAreTheSharedTable() throws Exception {
    JsonNode t = table();
    t.path("httpStatuses").fields().forEachRemaining(e -> assertEquals(
        retry(e.getValue().asText()), ErrorPolicy.retryAfterHttpStatus(Integer.parseInt(e.getKey())),
        "HTTP " + e.getKey()));
    JsonNode other = t.path("defaultHttpRetry");
    for (int status : new int[] {400, 404, 413, 422}) {
      assertEquals(retry(other.path("4xx").asText()), ErrorPolicy.retryAfterHttpStatus(status));
    }
    for (int status : new int[] {500, 502, 503, 504}) {
      assertEquals(retry(other.path("5xx").asText()), ErrorPolicy.retryAfterHttpStatus(status));
    }
  }

  @Test
  void theListedCasesDecideAsWritten() throws Exception {
    JsonNode cases = table().path("cases");
    assertTrue(cases.size() >= 8, "cases: " + cases.size());
    for (JsonNode c : cases) {
      String error = c.get("error").isNull() ? null : c.get("error").asText();
      assertEquals(retry(c.get("retry").asText()), ErrorPolicy.retry(error, c.get("close").asInt()),
          c.get("what").asText());
    }
  }

  @Test
  void theCoreFlagAgreesWithTheTable() {
    for (ErrorCode c : ErrorCode.values()) {
      assertEquals(ErrorPolicy.retry(c).retryable(), c.retryable(), c.wireName());
    }
  }

  @Test
  void transientAndDeterministicAsTheIssueNamesThem() {
    assertEquals(Retry.BACKOFF, ErrorPolicy.retryAfterClose(CloseCodes.ABNORMAL));
    assertEquals(Retry.NOW, ErrorPolicy.retryAfterClose(CloseCodes.SERVICE_RESTART));
    assertEquals(Retry.LATER, ErrorPolicy.retryAfterClose(CloseCodes.TRY_AGAIN_LATER));
    assertEquals(Retry.LATER, ErrorPolicy.retry(ErrorCode.RATE_LIMITED));
    assertEquals(Retry.LATER, ErrorPolicy.retry(ErrorCode.RESOURCE_EXHAUSTED));
    assertEquals(Retry.LATER, ErrorPolicy.retryAfterHttpStatus(429));
    assertEquals(Retry.BACKOFF, ErrorPolicy.retry(ErrorCode.QUEUE_OVERFLOW));
    assertEquals(Retry.NEVER, ErrorPolicy.retry(ErrorCode.AUTH_ERROR));
    assertEquals(Retry.NEVER, ErrorPolicy.retry(ErrorCode.QUOTA_EXCEEDED));
    assertEquals(Retry.NEVER, ErrorPolicy.retry(ErrorCode.INPUT_ERROR));
    assertEquals(Retry.NEVER, ErrorPolicy.retry(ErrorCode.ERROR)); // synthesis failed
    assertEquals(CloseCodes.INTERNAL_ERROR, ErrorPolicy.closeCode(ErrorCode.ERROR));
  }
}
