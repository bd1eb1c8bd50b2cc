package io.voicewire.engine.local.internal;

import edu.cmu.sphinx.linguist.lextree.LexTreeLinguist;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LexTreeLinguist} shared by the lanes of one {@link ModelSet}: each lane's search
 * manager allocates its linguist, and the stock linguist would rebuild its lexical tree (and
 * reload the language model) every time. This one builds it once and never frees it, and puts
 * it in the canonical order ({@link LexTreeOrder}), so that every model set, in every process,
 * gives the same words for the same audio.
 *
 * <p>Not thread safe, like its parent: used only by the lane holding the model set's lock.
 */
public final class SharedLexTreeLinguist extends LexTreeLinguist {
  private static final Logger LOG = LoggerFactory.getLogger(SharedLexTreeLinguist.class);

  private boolean allocated;

  /** For Sphinx's configuration manager. */
  public SharedLexTreeLinguist() {}

  @Override
  public void allocate() throws IOException {
    if (!allocated) {
      super.allocate();
      long start = System.nanoTime();
      LexTreeOrder.Result order = LexTreeOrder.canonicalize(this);
      LOG.debug("lexical tree in canonical order in {} ms: {} nodes, {} reordered, fingerprint {}",
          (System.nanoTime() - start) / 1_000_000, order.nodes(), order.reordered(),
          Long.toHexString(order.fingerprint()));
      if (order.ties() > 0) {
        LOG.warn("{} pairs of sibling nodes of the lexical tree cannot be told apart: the same "
            + "audio may give other words after a restart", order.ties());
      }
      allocated = true;
    }
  }

  @Override
  public void deallocate() {
    // shared by every lane of the model set: lives as long as the set
  }
}
