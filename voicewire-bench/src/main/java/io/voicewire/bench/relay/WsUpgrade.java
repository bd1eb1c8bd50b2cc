package io.voicewire.bench.relay;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * The client side of one RFC 6455 opening handshake: the upgrade request with a fresh key, and
 * the check of the server's answer (status 101 and the matching {@code Sec-WebSocket-Accept}).
 *
 * <p>Immutable.
 */
final class WsUpgrade {
  /** Most bytes of a response head awaited before the upgrade counts as failed. */
  static final int MAX_HEAD_BYTES = 16 * 1024;

  private final byte[] request;
  private final String expectedAccept;

  /** @param target the request target: path and query */
  WsUpgrade(URI uri, String target, SplittableRandom random) {
    byte[] k = new byte[16];
    random.nextBytes(k);
    String key = Base64.getEncoder().encodeToString(k);
    expectedAccept = WsCodec.acceptKey(key);
    request = ("GET " + target + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
        + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** The request's bytes (a copy). */
  byte[] request() {
    return request.clone();
  }

  /** Why the response {@code head} refuses the upgrade, or null when it accepts it. */
  String refusal(String head) {
    String status = head.substring(0, head.indexOf("\r\n"));
    if (!status.startsWith("HTTP/1.1 101")) {
      return "upgrade refused: " + status;
    }
    if (!expectedAccept.equals(WsCodec.header(head, "Sec-WebSocket-Accept"))) {
      return "wrong Sec-WebSocket-Accept";
    }
    return null;
  }
}
