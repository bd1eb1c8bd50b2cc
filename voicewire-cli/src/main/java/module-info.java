/**
 * The {@code voicewire} command: serve, demo, speak, transcribe, token, doctor. An application,
 * not a library: it exports nothing, and ships as one jar run on the class path. The descriptor
 * holds it to the other modules' exported API; picocli reads its commands' annotated fields.
 */
module io.voicewire.cli {
  requires io.voicewire.core;
  requires io.voicewire.protocol;
  requires io.voicewire.client;
  requires io.voicewire.server;
  requires io.voicewire.engine.local;
  requires info.picocli;
  requires com.fasterxml.jackson.core; // the timings file of `speak --timings`
  requires java.net.http;

  opens io.voicewire.cli to info.picocli;
}
