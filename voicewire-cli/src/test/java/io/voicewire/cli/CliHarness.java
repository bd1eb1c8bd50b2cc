package io.voicewire.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** For testing: the command line with its output and errors captured, and a temp directory. */
abstract class CliHarness {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @TempDir
  Path dir;

  CommandLine cli() {
    CommandLine cl = App.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl;
  }
}
