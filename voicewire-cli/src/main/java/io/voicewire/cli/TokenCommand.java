package io.voicewire.cli;

import io.voicewire.protocol.TokenType;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code voicewire token}: mints a single-use token (valid 15 minutes, one use). */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = {"Mint a single-use token: realtime_scribe, tts_websocket or batch_scribe.",
        "Needs --server (a running voicewire server, or https://api.elevenlabs.io) and a key."})
public final class TokenCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions target;

  @Parameters(index = "0", paramLabel = "TYPE",
      description = "realtime_scribe, tts_websocket or batch_scribe.")
  String type;

  @Override
  public Integer call() throws Exception {
    TokenType t;
    try {
      t = TokenType.parse(type);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (target.server == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "token needs --server: a "
          + "token from a server that ends with this command would be useless");
    }
    try (ClientOptions.Target c = target.open()) {
      PrintWriter out = spec.commandLine().getOut();
      out.println(c.client().mintToken(t));
      out.flush();
    }
    return CommandLine.ExitCode.OK;
  }
}
