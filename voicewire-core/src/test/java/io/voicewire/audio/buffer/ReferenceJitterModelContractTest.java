package io.voicewire.audio.buffer;

import java.util.function.LongSupplier;

class ReferenceJitterModelContractTest extends JitterBufferContractTest {
  @Override
  protected JitterBuffer newBuffer(JitterBufferConfig config, LongSupplier clockMillis) {
    return new ReferenceJitterModel(config, clockMillis);
  }
}
