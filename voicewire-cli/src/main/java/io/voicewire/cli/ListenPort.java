package io.voicewire.cli;

import picocli.CommandLine.Option;

/** The {@code --port} option of the commands that start a server ({@code serve}, {@code demo}). */
final class ListenPort {
  @Option(names = "--port", defaultValue = "${env:VOICEWIRE_PORT:-8080}",
      description = "Port to listen on, 0 for any free port (default: ${DEFAULT-VALUE}).")
  int port;
}
