package io.voicewire.client.internal.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.client.internal.Urls;
import io.voicewire.protocol.ErrorPolicy;
import io.voicewire.speech.ErrorCode;
import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Tier (a): which failures are retried, and URL handling. */
class ClassificationTest {

  @Test
  void handshakeStatuses() {
    Failure f = Failure.classifyFailure(new IOException("x"), 401);
    assertEquals(ErrorCode.AUTH_ERROR, f.error().code());
    assertFalse(f.retryable());
    assertFalse(Failure.classifyFailure(null, 403).retryable());
    assertEquals(ErrorPolicy.Retry.LATER, Failure.classifyFailure(null, 429).retry());
    assertEquals(ErrorPolicy.Retry.BACKOFF, Failure.classifyFailure(null, 503).retry());
    assertFalse(Failure.classifyFailure(null, 404).retryable());
    Failure io =
        Failure.classifyFailure(new IOException("reset"), 0);
    assertTrue(io.retryable());
    assertEquals("connection failed: IOException: reset", io.error().message());
  }

  @Test
  void closeCodes() {
    assertTrue(Failure.classifyClose(1001, "").retryable());
    // a server failure on this very input (e.g. synthesis failed) fails the same way again
    assertFalse(Failure.classifyClose(1011, "boom").retryable());
    assertEquals(ErrorPolicy.Retry.NOW, Failure.classifyClose(1012, "restart").retry());
    assertEquals(ErrorPolicy.Retry.LATER, Failure.classifyClose(1013, "").retry());
    assertEquals(ErrorPolicy.Retry.BACKOFF, Failure.classifyClose(1006, "").retry());
    assertFalse(Failure.classifyClose(1010, "").retryable());
    assertTrue(Failure.classifyClose(1000, "").retryable());
    assertFalse(Failure.classifyClose(1008, "too many").retryable());
    assertFalse(Failure.classifyClose(1007, "").retryable());
    assertEquals("the server closed the connection (1011 boom)",
        Failure.classifyClose(1011, "boom").error().message());
  }

  @Test
  void urls() {
    assertEquals(URI.create("wss://api.elevenlabs.io/v1/x"),
        Urls.toWebSocket(URI.create("https://api.elevenlabs.io/v1/x")));
    assertEquals(URI.create("ws://127.0.0.1:8080/v1/x"),
        Urls.toWebSocket(URI.create("http://127.0.0.1:8080/v1/x")));
    assertEquals(URI.create("http://h:1/base/v1/x?a=1"),
        Urls.resolve(URI.create("http://h:1/base/"), "/v1/x?a=1"));
    assertEquals("wss://h/v1/x?model_id=m&token=***&single_use_token=***",
        Urls.redact(URI.create("wss://h/v1/x?model_id=m&token=abc&single_use_token=def")));
  }
}
