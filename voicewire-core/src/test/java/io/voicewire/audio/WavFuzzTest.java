package io.voicewire.audio;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.voicewire.fuzz.ParserProperty;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/** Fuzz target: a WAVE file, as batch STT and the CLI read uploads ({@link Wav#read}). */
class WavFuzzTest {
  @FuzzTest
  void read(byte[] data) {
    ParserProperty.check(data.length, () -> Wav.read(new ByteArrayInputStream(data)),
        IOException.class);
  }
}
