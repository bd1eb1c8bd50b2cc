package io.voicewire.engine.local.internal;

import edu.cmu.sphinx.decoder.search.WordPruningBreadthFirstLookaheadSearchManager;

/**
 * Sphinx's lookahead search, with its two per-frame maps of the best token per state (the
 * search's and the fast match's) kept and emptied each frame ({@link StateTokenMap}) instead of
 * made anew. The search reads and writes them only through {@code get} and {@code put}, so the
 * tokens it keeps, and so the words it finds, are the same.
 *
 * <p>Not thread safe, like its parent: one per lane, used by the lane's thread.
 */
public final class ReusingSearchManager extends WordPruningBreadthFirstLookaheadSearchManager {
  private final StateTokenMap best = new StateTokenMap();
  private final StateTokenMap fastMatchBest = new StateTokenMap();

  /** For Sphinx's configuration manager. */
  public ReusingSearchManager() {}

  @Override
  protected void createBestTokenMap() {
    best.clear();
    bestTokenMap = best;
  }

  @Override
  protected void createFastMatchBestTokenMap() {
    fastMatchBest.clear();
    fastMatchBestTokenMap = fastMatchBest;
  }
}
