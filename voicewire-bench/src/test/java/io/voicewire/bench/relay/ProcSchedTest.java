package io.voicewire.bench.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Tier (a): a process's time from /proc, and a window's figures from two snapshots. */
class ProcSchedTest {

  @Test
  @EnabledOnOs(OS.LINUX)
  void thisProcessesTimeGrowsWhileItWorks() throws Exception {
    long pid = ProcessHandle.current().pid();
    ProcSched a = ProcSched.read(pid);
    assertNotNull(a, "/proc is readable on Linux");
    long t0 = System.nanoTime();
    long x = 0;
    while (System.nanoTime() - t0 < 200_000_000L) { // 200 ms of CPU on this thread
      x += Long.numberOfTrailingZeros(x + System.nanoTime());
    }
    Thread.sleep(50); // and a wait: a context switch at least
    ProcSched b = ProcSched.read(pid);
    assertTrue(x >= 0);
    assertTrue(b.userTicks() + b.systemTicks() > a.userTicks() + a.systemTicks(),
        a + " then " + b);
    assertTrue(b.runNanos() - a.runNanos() >= 100_000_000L, "ran ≥ 100 ms: " + a + " " + b);
    assertTrue(b.contextSwitches() > a.contextSwitches());
    assertTrue(b.waitNanos() >= a.waitNanos());
  }

  @Test
  void aWindowSplitsTheCpuByTheKernelsShareAndCountsPerChunk() {
    ProcSched a = new ProcSched(100, 50, 1_000, 2_000_000_000L, 500_000_000L);
    ProcSched b = new ProcSched(160, 90, 3_000, 3_000_000_000L, 1_200_000_000L);
    // 100 ticks, 40 of them in the kernel; 1,000 chunks in 2 s; 100 ms of CPU by the JVM's count
    ProcSched.Window w = ProcSched.window(a, b, 2.0, 1_000, 100_000_000L);
    assertEquals(60.0, w.userMicrosPerChunk(), 1e-9);
    assertEquals(40.0, w.systemMicrosPerChunk(), 1e-9);
    assertEquals(2.0, w.switchesPerChunk(), 1e-9);
    assertEquals(500.0, w.onCpuMillisPerSecond(), 1e-9);
    assertEquals(350.0, w.waitMillisPerSecond(), 1e-9);
    assertEquals(List.of("60.0 + 40.0", "2.00", "500", "350 (70 %)"), w.cells());
    assertNull(ProcSched.window(null, b, 2.0, 1_000, 1), "a snapshot missing");
    assertNull(ProcSched.window(a, b, 2.0, 0, 1), "nothing answered");
  }

  @Test
  void noProcessNoSnapshot() {
    assertNull(ProcSched.read(Long.MAX_VALUE));
  }
}
