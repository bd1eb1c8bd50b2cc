package io.voicewire.bench.relay;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where a relay process's time goes, from Linux's {@code /proc}: its user and system CPU time
 * ({@code /proc/<pid>/stat}), and summed over its threads the context switches
 * ({@code /proc/<pid>/task/<tid>/status}) and the time each spent on a CPU and runnable but
 * waiting for one ({@code /proc/<pid>/task/<tid>/schedstat}). Two snapshots around a measured
 * window give a relay's CPU per chunk split into user and kernel time, its context switches per
 * chunk and how long its threads queued for the cores, the figures that tell a relay's own cost
 * from the kernel's and from the scheduler's (docs/bench-relay.md). Threads that end within the
 * window take their counts with them (the relays' threads live as long as the process).
 *
 * @param userTicks user time, clock ticks
 * @param systemTicks system (kernel) time, clock ticks
 * @param contextSwitches voluntary and involuntary context switches of the live threads
 * @param runNanos time the live threads spent on a CPU, ns
 * @param waitNanos time the live threads were runnable and waiting for a CPU, ns
 */
record ProcSched(long userTicks, long systemTicks, long contextSwitches, long runNanos,
    long waitNanos) {

  /** The process's snapshot now, or null where there is no {@code /proc} (not Linux). */
  static ProcSched read(long pid) {
    Path proc = Path.of("/proc", Long.toString(pid));
    try {
      String stat = Files.readString(proc.resolve("stat"));
      // the fields after the command name, which is in parentheses and may hold spaces
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long user = Long.parseLong(f[11]); // field 14, utime
      long system = Long.parseLong(f[12]); // field 15, stime
      long switches = 0;
      long run = 0;
      long wait = 0;
      try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
        for (Path t : tasks) {
          try {
            for (String line : Files.readAllLines(t.resolve("status"))) {
              if (line.startsWith("voluntary_ctxt_switches:")
                  || line.startsWith("nonvoluntary_ctxt_switches:")) {
                switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
              }
            }
            String[] s = Files.readString(t.resolve("schedstat")).trim().split(" ");
            run += Long.parseLong(s[0]);
            wait += Long.parseLong(s[1]);
          } catch (IOException threadEnded) {
            // a thread that ended meanwhile: its counts are gone with it
          }
        }
      }
      return new ProcSched(user, system, switches, run, wait);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The window from {@code a} to {@code b} ({@code seconds} long, {@code chunks} answered, the
   * process's CPU time over it {@code cpuNanos}, measured by the JVM) as figures; null when a
   * snapshot is missing.
   */
  static Window window(ProcSched a, ProcSched b, double seconds, long chunks, long cpuNanos) {
    if (a == null || b == null || chunks <= 0 || seconds <= 0) {
      return null;
    }
    long ticks = (b.userTicks - a.userTicks) + (b.systemTicks - a.systemTicks);
    double systemShare = ticks <= 0 ? 0 : (double) (b.systemTicks - a.systemTicks) / ticks;
    double cpuMicros = cpuNanos / 1000.0 / chunks;
    return new Window(cpuMicros * (1 - systemShare), cpuMicros * systemShare,
        (double) (b.contextSwitches - a.contextSwitches) / chunks,
        (b.runNanos - a.runNanos) / 1e6 / seconds, (b.waitNanos - a.waitNanos) / 1e6 / seconds);
  }

  /**
   * A measured window's figures.
   *
   * @param userMicrosPerChunk user CPU time per answered chunk, µs
   * @param systemMicrosPerChunk kernel CPU time per answered chunk, µs
   * @param switchesPerChunk context switches per answered chunk
   * @param onCpuMillisPerSecond time the threads ran, ms per second of the window
   * @param waitMillisPerSecond time the threads waited for a CPU, ms per second
   */
  record Window(double userMicrosPerChunk, double systemMicrosPerChunk, double switchesPerChunk,
      double onCpuMillisPerSecond, double waitMillisPerSecond) {
    /** The row's cells: user + system, switches, on CPU, waiting (and its share of on CPU). */
    List<String> cells() {
      return List.of(
          String.format(Locale.ROOT, "%.1f + %.1f", userMicrosPerChunk, systemMicrosPerChunk),
          String.format(Locale.ROOT, "%.2f", switchesPerChunk),
          String.format(Locale.ROOT, "%.0f", onCpuMillisPerSecond),
          String.format(Locale.ROOT, "%.0f (%.0f %%)", waitMillisPerSecond,
              onCpuMillisPerSecond <= 0 ? 0 : 100 * waitMillisPerSecond / onCpuMillisPerSecond));
    }
  }
}
