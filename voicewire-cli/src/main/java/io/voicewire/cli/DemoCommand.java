package io.voicewire.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code voicewire demo}: the server on the offline engine with the demo page, in
 * local-development mode on loopback (any {@code VOICEWIRE_API_KEYS} is ignored, so the demo page
 * can get single-use tokens from {@code /demo/token}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start the server on the offline engine with the demo page "
        + "(local-development mode, 127.0.0.1 only).")
public final class DemoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ListenPort listen;

  /** The server runner; for testing, its backend can be replaced. */
  final ServeCommand runner = new ServeCommand();

  @Override
  public Integer call() throws Exception {
    return runner.run(spec, "local", "127.0.0.1", listen.port, List.of(),
        c -> c.demoTokens(true), true);
  }
}
