package io.voicewire.client.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The timing both connectors share: what it refuses, and its clock. */
class ConnectionTimingTest {
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  @Test
  void refusesMissingPartsAndNegativeIntervals() {
    Duration connect = Duration.ofSeconds(5);
    assertThrows(NullPointerException.class,
        () -> new ConnectionTiming(null, connect, 0, 0, System::nanoTime));
    assertThrows(NullPointerException.class,
        () -> new ConnectionTiming(scheduler, null, 0, 0, System::nanoTime));
    assertThrows(NullPointerException.class,
        () -> new ConnectionTiming(scheduler, connect, 0, 0, null));
    IllegalArgumentException ping = assertThrows(IllegalArgumentException.class,
        () -> new ConnectionTiming(scheduler, connect, -1, 1000, System::nanoTime));
    assertTrue(ping.getMessage().contains("ping -1 ms"), ping.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new ConnectionTiming(scheduler, connect, 1000, -1, System::nanoTime));
  }

  @Test
  void itsClockIsTheOneGiven() {
    long[] now = {42};
    ConnectionTiming t = new ConnectionTiming(scheduler, Duration.ofSeconds(5), 0, 0,
        () -> now[0]);
    assertEquals(42, t.nanos());
    now[0] = 43;
    assertEquals(43, t.nanos());
  }
}
