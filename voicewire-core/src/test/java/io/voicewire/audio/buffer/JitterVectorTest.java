package io.voicewire.audio.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every shared vector of {@code test-vectors/jitter} against {@link SpscJitterBuffer} and
 * against {@link ReferenceJitterModel}; both must reproduce the expected events and counters
 * exactly. The browser player runs the same files.
 */
class JitterVectorTest {

  static List<Path> vectorFiles() throws IOException {
    try (Stream<Path> s = Files.list(JitterVectorDriver.VECTORS)) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  @Test
  void thereAreAtLeastTenVectors() throws IOException {
    assertTrue(vectorFiles().size() >= 10, "vectors: " + vectorFiles());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectorFiles")
  void spscBufferReproducesTheVector(Path file) throws IOException {
    JsonNode v = JitterVectorDriver.JSON.readTree(file.toFile());
    JsonNode actual = JitterVectorDriver.run(v, SpscJitterBuffer::new);
    assertEquals(v.get("expect").get("events"), actual.get("events"), file + " events");
    assertEquals(v.get("expect").get("final"), actual.get("final"), file + " final");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectorFiles")
  void referenceModelReproducesTheVector(Path file) throws IOException {
    JsonNode v = JitterVectorDriver.JSON.readTree(file.toFile());
    JsonNode actual = JitterVectorDriver.run(v, ReferenceJitterModel::new);
    assertEquals(v.get("expect"), actual, file.toString());
  }
}
