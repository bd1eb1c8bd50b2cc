package io.voicewire.engine.local.internal;

import edu.cmu.sphinx.decoder.search.WordPruningBreadthFirstLookaheadSearchManager;

/**
 * Sphinx's lookahead search, with its two per-frame maps of the best token per state (the
 * search's and the fast match's) kept and emptied each frame ({@link StateTokenMap}) instead of
 * made anew. The search reads and writes them only through {@code get} and {@code put}, so the
 * tokens it keeps, and so the words it finds, are the same.
 *
 * <p>Before each frame it decodes it runs the lane's hook ({@link #beforeEachFrame}), where the
 * lane may let another one take the models ({@link ModelSet.SliceStream#yieldIfDue()}), and it
 * counts the frames ({@link #frames()}).
 *
 * <p>Not thread safe, like its parent: one per lane, used by the lane's thread.
 */
public final class ReusingSearchManager extends WordPruningBreadthFirstLookaheadSearchManager {
  private final StateTokenMap best = new StateTokenMap();
  private final StateTokenMap fastMatchBest = new StateTokenMap();
  private static final Runnable NONE = () -> {};
  private Runnable beforeFrame = NONE;
  private volatile long frames; // written by the lane only; read by tests

  /** For Sphinx's configuration manager. */
  public ReusingSearchManager() {}

  /** Runs {@code hook} before each frame from now on; null for none. */
  void beforeEachFrame(Runnable hook) {
    beforeFrame = hook == null ? NONE : hook;
  }

  /** Frames decoded so far by this search (all its passes). */
  long frames() {
    return frames;
  }

  /** One frame of the search, after the lane's hook. */
  @Override
  protected boolean recognize() {
    frames++;
    beforeFrame.run();
    return super.recognize();
  }

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
