/**
 * The wire: ElevenLabs' message records, query parameters, token types, REST bodies and the
 * error, close-code and retry table. Jackson stays inside: no exported signature names it.
 */
module io.voicewire.protocol {
  requires transitive io.voicewire.core;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;

  exports io.voicewire.protocol;
  // the JSON plumbing (one configured mapper, typed field readers, a writer) is shared with the
  // server's ad-hoc bodies (readiness, demo info, batch STT) and the client's size limits; it
  // names Jackson types, so it is open to those two modules only, never to users
  exports io.voicewire.protocol.internal to io.voicewire.server, io.voicewire.client;
}
