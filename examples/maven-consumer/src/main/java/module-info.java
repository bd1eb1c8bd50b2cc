/**
 * A user's application on the module path. voicewire's jars are automatic modules named after
 * their files: the SDK (voicewire.client) and the audio vocabulary and speech types its API uses
 * (voicewire.core). An automatic module cannot declare what it needs from the JDK, so the
 * application names the SDK's transport, java.net.http (and java.desktop for the SDK's
 * javax.sound player and microphone, when used).
 */
module io.voicewire.example.consumer {
  requires voicewire.client;
  requires voicewire.core;
  requires java.net.http;
}
