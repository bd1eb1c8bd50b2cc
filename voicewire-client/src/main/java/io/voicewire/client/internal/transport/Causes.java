package io.voicewire.client.internal.transport;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The cause a failure reported through a future stands for. Stateless. */
final class Causes {
  private Causes() {}

  /** {@code t} without the JDK's {@link CompletionException}/{@link ExecutionException} wraps. */
  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
