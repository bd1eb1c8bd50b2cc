package io.voicewire.bench.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The soak's options: {@code --abuse-kinds} picks abusive clients by name, and only known ones;
 * {@code --ab-mirror} runs their well-behaved twins in the quiet phases.
 */
class SoakOptionsTest {
  @Test
  void everyAbuseKindRunsByDefault() {
    SoakOptions o = SoakOptions.parse("--abuse");
    assertEquals(Abuse.KINDS, o.abuseKinds());
    assertEquals(8, o.abuseKinds().size());
  }

  @Test
  void abuseKindsSelectsByName() {
    SoakOptions o = SoakOptions.parse("--ab", "--abuse-kinds", "stt-burst-flood,never-read");
    assertEquals(List.of("stt-burst-flood", "never-read"), o.abuseKinds());
    assertTrue(o.abuse());
  }

  @Test
  void theMirrorRunsTheWellBehavedTwinOfTheFloodAndNeedsAb() {
    assertTrue(SoakOptions.parse("--ab", "--ab-mirror").abMirror());
    assertEquals(false, SoakOptions.parse("--ab").abMirror());
    assertEquals("stt-burst-paced", Abuse.MIRRORS.get("stt-burst-flood"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SoakOptions.parse("--abuse", "--ab-mirror"));
    assertTrue(e.getMessage().startsWith("--ab-mirror needs --ab"), e.getMessage());
  }

  @Test
  void anUnknownAbuseKindIsAUsageError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SoakOptions.parse("--abuse", "--abuse-kinds", "never-read,stt-flood"));
    assertTrue(e.getMessage().startsWith("unknown abuse kind 'stt-flood'; known: never-read,"),
        e.getMessage());
  }
}
