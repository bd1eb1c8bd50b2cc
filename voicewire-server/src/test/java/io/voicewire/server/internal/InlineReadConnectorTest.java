package io.voicewire.server.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * When the server reads WebSocket frames on its selector threads: by default for a relay (a
 * provider that never blocks) without Redis; never where a handler could wait.
 */
class InlineReadConnectorTest {
  @Test
  void aRelayWithoutRedisReadsInlineUnlessTurnedOff() {
    assertTrue(InlineReadConnector.enabled(true, false, null), "the default");
    assertTrue(InlineReadConnector.enabled(true, false, "true"));
    assertFalse(InlineReadConnector.enabled(true, false, "false"), "turned off");
    assertFalse(InlineReadConnector.enabled(true, false, "FALSE"), "turned off");
  }

  @Test
  void aProviderThatMayBlockOrRedisNeverReadsInline() {
    assertFalse(InlineReadConnector.enabled(false, false, null), "the offline engine");
    assertFalse(InlineReadConnector.enabled(false, false, "true"), "even when asked");
    assertFalse(InlineReadConnector.enabled(true, true, null), "Redis may be asked on a frame");
    assertFalse(InlineReadConnector.enabled(true, true, "true"));
  }
}
