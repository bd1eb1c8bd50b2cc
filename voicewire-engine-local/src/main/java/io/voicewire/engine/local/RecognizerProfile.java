package io.voicewire.engine.local;

/**
 * How hard the local recognizer searches: a trade of accuracy for CPU. Both use the same en-us
 * acoustic and language models; only the beam widths of the search differ (docs/engine.md has the
 * measured numbers).
 */
public enum RecognizerProfile {
  /**
   * Narrow beams (absolute 3000, relative 1e-40, word 50), chosen on development clips of human
   * speech: about 0.34 CPU seconds per second of human read speech, the default.
   */
  FAST("sphinx-beam5k.config.xml"),
  /**
   * Wider beams (absolute 10000, word 100): about twice the CPU of {@link #FAST} for a few points
   * less word error rate.
   */
  ACCURATE("sphinx-beam10k.config.xml");

  private final String configResource;

  RecognizerProfile(String configResource) {
    this.configResource = configResource;
  }

  /** The Sphinx4 configuration file, a resource of the engine's internal package. */
  public String configResource() {
    return configResource;
  }
}
