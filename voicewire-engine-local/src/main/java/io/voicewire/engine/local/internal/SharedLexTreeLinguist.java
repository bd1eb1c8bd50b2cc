package io.voicewire.engine.local.internal;

import edu.cmu.sphinx.linguist.lextree.LexTreeLinguist;
import java.io.IOException;

/**
 * A {@link LexTreeLinguist} shared by the lanes of one {@link ModelSet}: each lane's search
 * manager allocates its linguist, and the stock linguist would rebuild its lexical tree (and
 * reload the language model) every time. This one builds it once and never frees it.
 *
 * <p>Not thread safe, like its parent: used only by the lane holding the model set's lock.
 */
public final class SharedLexTreeLinguist extends LexTreeLinguist {
  private boolean allocated;

  /** For Sphinx's configuration manager. */
  public SharedLexTreeLinguist() {}

  @Override
  public void allocate() throws IOException {
    if (!allocated) {
      super.allocate();
      allocated = true;
    }
  }

  @Override
  public void deallocate() {
    // shared by every lane of the model set: lives as long as the set
  }
}
