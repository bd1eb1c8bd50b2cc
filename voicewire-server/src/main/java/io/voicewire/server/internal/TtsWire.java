package io.voicewire.server.internal;

import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.TtsClientMessage;
import java.util.function.Function;

/**
 * How a {@link TtsSocket} endpoint's client messages are read: decoded, and the first message's
 * credentials. Immutable.
 *
 * @param <M> the endpoint's message type
 * @param decoder decodes one text frame
 * @param apiKey the first message's API key, or null
 * @param authorization the first message's bearer token (or single-use token), or null
 */
record TtsWire<M>(Decoder<M> decoder, Function<M, String> apiKey,
    Function<M, String> authorization) {

  /** The TTS sockets' messages. */
  static final TtsWire<TtsClientMessage> TTS = new TtsWire<>(TtsClientMessage::decode,
      TtsClientMessage::apiKey, TtsClientMessage::authorization);

  /** Decodes a client message of the endpoint. */
  interface Decoder<M> {
    M decode(String json) throws ProtocolException;
  }
}
