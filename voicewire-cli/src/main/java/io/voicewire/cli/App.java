package io.voicewire.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code voicewire} command. Each subcommand is one {@code @Command} class implementing
 * {@code Callable<Integer>}; to add one, write the class and list it in {@code subcommands}.
 *
 * <p>Exit codes: 0 success, 1 software error (a message on stderr), 2 usage error.
 */
@Command(name = "voicewire", mixinStandardHelpOptions = true,
    versionProvider = App.Version.class,
    description = "Real-time speech over WebSocket, speaking ElevenLabs' own protocol.",
    subcommands = {
        ServeCommand.class,
        DemoCommand.class,
        BenchCommand.class,
        SpeakCommand.class,
        TranscribeCommand.class,
        TokenCommand.class,
        DoctorCommand.class,
        CommandLine.HelpCommand.class,
    })
public final class App implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line (for tests: set out/err, then {@code execute}). */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new App());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      PrintWriter err = cmd.getErr();
      err.println("voicewire: " + describe(e));
      err.flush();
      return CommandLine.ExitCode.SOFTWARE;
    });
    return cl;
  }

  /**
   * What failed, for the one line a command prints: a file system failure names its file and
   * what is wrong with it (the JDK's own message is the path alone), anything else its message.
   */
  static String describe(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException f) {
      return f.getFile() + ": no such file or directory";
    }
    if (e instanceof java.nio.file.AccessDeniedException f) {
      return f.getFile() + ": permission denied";
    }
    if (e instanceof java.nio.file.FileSystemException f) {
      return f.getFile() + ": " + (f.getReason() != null ? f.getReason()
          : e.getClass().getSimpleName());
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  @Override
  public Integer call() {
    CommandLine cl = spec.commandLine();
    cl.getErr().println("voicewire: missing command");
    cl.usage(cl.getErr());
    return CommandLine.ExitCode.USAGE;
  }

  /** The version from the jar manifest (or "dev" when run from classes). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = App.class.getPackage().getImplementationVersion();
      return new String[] {"voicewire " + (v == null ? "dev" : v)};
    }
  }
}
