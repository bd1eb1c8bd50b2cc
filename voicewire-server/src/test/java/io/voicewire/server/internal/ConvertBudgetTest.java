package io.voicewire.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link ConvertBudget}: per key, whole server, released with the request. */
class ConvertBudgetTest {

  @Test
  void aKeyIsBoundedAloneAndAllKeysTogether() {
    ConvertBudget b = new ConvertBudget(100, 150);
    assertNull(b.reserve("a", 60));
    assertNull(b.reserve("a", 40));
    HttpProblem perKey = b.reserve("a", 1);
    assertNotNull(perKey);
    assertEquals(429, perKey.error.httpStatus());
    assertTrue(perKey.getMessage().contains("MAX_CONVERT_BYTES_PER_KEY"), perKey.getMessage());
    assertNull(b.reserve("b", 50)); // another key is not refused for a's bytes
    HttpProblem total = b.reserve("c", 1);
    assertNotNull(total);
    assertTrue(total.getMessage().contains("MAX_CONVERT_BYTES_TOTAL"), total.getMessage());
    assertEquals(150, b.used()); // refused reservations hold nothing
    b.releaseRequest("a", 100);
    assertEquals(50, b.used());
    assertNull(b.reserve("c", 100));
    assertNull(b.reserve(null, 0)); // the local-development caller has a budget too
  }
}
