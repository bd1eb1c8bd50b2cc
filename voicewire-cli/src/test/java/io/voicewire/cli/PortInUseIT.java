package io.voicewire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What a user sees when {@code voicewire serve} or {@code voicewire demo} cannot take its port:
 * the real jar in its own JVM, as {@code ./voicewire} runs it, against a port this test holds.
 * One line that says what to do, exit code 1, and nothing else: no stack trace, although the
 * offline engine was still starting when the process exited. Before, MaryTTS's JVM shutdown
 * hook printed {@code IllegalStateException: MARY system is not running} after that line.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PortInUseIT {
  @TempDir
  Path dir;

  @Test
  void serveAndDemoSayWhatToDoAndNothingElse() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      // three runs each: the engine is at a different point of its start when the process
      // exits (the stack trace came in about two runs of three)
      for (String command : List.of("serve", "demo", "serve", "demo", "serve", "demo")) {
        Path out = dir.resolve(command + ".txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-jar", ScaleOutIT.JAR.toString(), command, "--port",
            Integer.toString(taken.getLocalPort()))
            .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), command + " did not exit");
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(CommandLine.ExitCode.SOFTWARE, p.exitValue(), text);
        assertTrue(text.contains("voicewire: cannot listen on 127.0.0.1:" + taken.getLocalPort()
            + " (in use?): choose another with --port"), text);
        assertFalse(text.contains("Exception") || text.contains("\tat "), text);
      }
    }
  }
}
