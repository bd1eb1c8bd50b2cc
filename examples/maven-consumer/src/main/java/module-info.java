/**
 * A user's application on the module path. The SDK is the named module io.voicewire.client;
 * it requires transitively what its API uses (io.voicewire.core, io.voicewire.protocol and
 * java.net.http), and exports only its API packages: its internals are out of reach.
 */
module io.voicewire.example.consumer {
  requires io.voicewire.client;
}
