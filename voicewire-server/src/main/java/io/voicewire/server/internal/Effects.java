package io.voicewire.server.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * What to do once a socket's monitor is released: provider calls, slot releases. Collected under
 * the monitor ({@link SocketSession#locked}), run after it, in order. Confined to one thread.
 */
final class Effects {
  private final List<Runnable> list = new ArrayList<>(2);

  /** Runs {@code change} under {@code monitor}'s lock and returns the effects it collected. */
  static <T> Effects collect(T monitor, java.util.function.Consumer<Effects> change) {
    Effects fx = new Effects();
    synchronized (monitor) {
      change.accept(fx);
    }
    return fx;
  }

  void add(Runnable r) {
    list.add(r);
  }

  void run() {
    for (Runnable r : list) {
      r.run();
    }
  }
}
