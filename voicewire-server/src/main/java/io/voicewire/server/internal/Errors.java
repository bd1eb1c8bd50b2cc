package io.voicewire.server.internal;

import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.ErrorPolicy;
import io.voicewire.speech.ErrorCode;

/**
 * The WebSocket close code that follows each protocol error, from {@link ErrorPolicy}, and the
 * messages of the queue overflows.
 */
final class Errors {
  private Errors() {}

  /**
   * 1007 for bad input, 1013 for capacity, 1011 for internal failures, 1008 (policy) for the rest
   * (auth, limits, timeouts, unsupported requests); an error that does not close by itself
   * (commit throttling) closes with 1008 when a session must end on it.
   */
  static int closeCode(ErrorCode code) {
    int c = ErrorPolicy.closeCode(code);
    return c == 0 ? CloseCodes.POLICY_VIOLATION : c;
  }

  /** The message of a session whose outbox is over {@code maxQueuedBytes}. */
  static String overflowMessage(long maxQueuedBytes) {
    return "The client is reading too slowly: more than " + maxQueuedBytes + " bytes of messages "
        + "queued (maxQueuedBytes)";
  }

  /** The message of a session whose audio {@link Outbox#enqueue} refused (an overflow). */
  static String audioOverflowMessage(io.voicewire.server.Limits l) {
    return "The client is reading audio too slowly: more than " + l.maxQueuedMessages()
        + " messages, " + l.maxQueuedAudioMillis() + " ms of audio or " + l.maxQueuedBytes()
        + " bytes queued (maxQueuedMessages, maxQueuedAudioMillis, maxQueuedBytes)";
  }
}
