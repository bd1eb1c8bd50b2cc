/**
 * The server (Jetty 12): ElevenLabs' endpoints over any {@code SpeechProvider}, its
 * configuration, limits and token stores. Routing, sockets and endpoints
 * ({@code io.voicewire.server.internal}) are not exported.
 */
module io.voicewire.server {
  requires transitive io.voicewire.core;
  requires transitive io.voicewire.protocol; // TokenStore and SingleUseToken name its TokenType
  requires com.fasterxml.jackson.core; // JSON bodies written through protocol.internal.Json
  requires org.eclipse.jetty.server;
  requires org.eclipse.jetty.http;
  requires org.eclipse.jetty.io;
  requires org.eclipse.jetty.util;
  requires org.eclipse.jetty.websocket.server;
  requires org.eclipse.jetty.websocket.api;
  requires org.eclipse.jetty.websocket.core.common; // InlineReadConnector
  requires redis.clients.jedis;
  requires org.apache.commons.pool2;
  requires org.slf4j;
  requires HdrHistogram;
  requires java.management;
  requires java.net.http; // the warm-up's loopback sessions (WarmUp)
  requires jump3r; // core's AudioEncoder encodes MP3 and Opus for the server (optional in core)
  requires concentus;
  requires micrometer.core;
  requires micrometer.registry.prometheus;

  exports io.voicewire.server;
}
