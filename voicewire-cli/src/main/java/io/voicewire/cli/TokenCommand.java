package io.voicewire.cli;

import io.voicewire.protocol.TokenType;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code voicewire token}: mints a single-use token (valid 15 minutes, one use). */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = {"Mint a single-use token: realtime_scribe, tts_websocket or batch_scribe.",
        "Needs --server (a running voicewire server, or https://api.elevenlabs.io) and a key."})
public final class TokenCommand implements Callable<Integer> {
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
      throw target.usageError(e.getMessage());
    }
    if (target.server == null) {
      throw target.usageError("token needs --server: a "
          + "token from a server that ends with this command would be useless");
    }
    try (ClientOptions.Target c = target.open()) {
      PrintWriter out = target.out();
      out.println(c.client().mintToken(t));
      out.flush();
    }
    return CommandLine.ExitCode.OK;
  }
}
