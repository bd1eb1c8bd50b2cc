package io.voicewire.speech;

import java.io.IOException;
import java.io.InputStream;

/**
 * A provider's upstream for HTTP endpoints: a relay serves each HTTP endpoint by calling the same
 * endpoint upstream with the client's body and official query parameters, unchanged, and streams
 * the answer back. This is how HTTP-only formats and fields reach the cloud, and why a relay never
 * serves HTTP text-to-speech over a WebSocket or batch transcription over the realtime socket.
 *
 * <p>Implementations are thread safe.
 */
public interface HttpRelay {
  /**
   * An upstream answer. Close {@code body} when done.
   *
   * @param status the HTTP status
   * @param contentType its {@code Content-Type}, or null
   * @param body the body as it arrives
   */
  record Response(int status, String contentType, InputStream body) {}

  /**
   * Calls {@code method pathAndQuery} upstream with {@code body} (null for none) of
   * {@code contentType}, authenticated as the provider; blocks until the status line arrives.
   */
  Response forward(String method, String pathAndQuery, String contentType, byte[] body)
      throws IOException;
}
