/**
 * The Java SDK: {@code VoiceClient}, TTS and STT streams with exact resume, and the audio helpers
 * ({@code io.voicewire.client.audio}). The transports, streams and resume machinery
 * ({@code io.voicewire.client.internal}) are not exported. The Jetty transport is optional: the
 * JDK's {@code java.net.http} is the default.
 */
module io.voicewire.client {
  requires transitive io.voicewire.core;
  requires transitive io.voicewire.protocol;
  requires transitive java.net.http;
  requires static java.desktop; // javax.sound for the player and the microphone, when used
  requires org.slf4j;
  requires HdrHistogram;
  requires static org.eclipse.jetty.websocket.client;
  requires static org.eclipse.jetty.client;
  requires static org.eclipse.jetty.util;
  requires static org.eclipse.jetty.io; // InlineReadClientConnector
  requires static org.eclipse.jetty.websocket.api;
  requires static org.eclipse.jetty.websocket.core.common;
  requires static org.eclipse.jetty.websocket.common; // MaskKeys

  uses org.slf4j.spi.SLF4JServiceProvider;

  exports io.voicewire.client;
  exports io.voicewire.client.audio;
}
