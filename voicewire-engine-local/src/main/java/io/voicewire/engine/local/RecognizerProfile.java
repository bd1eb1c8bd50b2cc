package io.voicewire.engine.local;

/**
 * How hard the local recognizer searches: a trade of accuracy for CPU. Both use the same en-us
 * acoustic and language models; only the beam widths of the search differ (docs/engine.md has the
 * measured numbers).
 */
public enum RecognizerProfile {
  /**
   * Narrow beams (absolute 5000, word 50): about 0.2–0.45 × real time per stream on one core,
   * the default, so that partials keep up on a loaded 2-core machine.
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
