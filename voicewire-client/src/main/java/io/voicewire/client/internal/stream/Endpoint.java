package io.voicewire.client.internal.stream;

import io.voicewire.protocol.TokenType;

/**
 * Where a supervised stream connects, and what it names in logs and timeouts. Immutable.
 *
 * @param name the stream's name in logs, e.g. {@code "tts <voice>"}
 * @param pathAndQuery path and query of the WebSocket endpoint, without credentials
 * @param tokenType the single-use token type of the endpoint
 * @param finishTimeoutWhat what the finish timeout reports as missing, e.g. {@code "no isFinal"}
 */
record Endpoint(String name, String pathAndQuery, TokenType tokenType, String finishTimeoutWhat) {}
