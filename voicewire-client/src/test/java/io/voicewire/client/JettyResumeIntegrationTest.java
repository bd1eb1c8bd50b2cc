package io.voicewire.client;

/**
 * Every {@link ResumeIntegrationTest} (cuts, stalls, refused handshakes, auth errors, resume
 * exactly once) on the Jetty transport, which the server's relay uses.
 */
class JettyResumeIntegrationTest extends ResumeIntegrationTest {
  @Override
  VoiceClient.Transport transport() {
    return VoiceClient.Transport.JETTY;
  }
}
