package io.voicewire.engine.local.internal;

import edu.cmu.sphinx.linguist.WordSequence;
import edu.cmu.sphinx.linguist.language.ngram.LanguageModel;
import edu.cmu.sphinx.util.props.PropertyException;
import edu.cmu.sphinx.util.props.PropertySheet;
import edu.cmu.sphinx.util.props.S4Component;
import java.io.IOException;
import java.util.Set;

/**
 * The n-gram language model with the bias of the session being decoded ({@link LmBias}): the
 * log probability of a word is raised by the session's boost for it (never above certainty). The
 * lanes of a model set share this model and its lexical tree; each lane decodes on its own thread
 * and sets the bias of the session it serves there ({@link #use}), so a session's keyterms never
 * reach another session's search.
 *
 * <p>Thread safe as far as this class goes (the bias is per thread); the parent model is used
 * only by the lane holding the model set's lock.
 */
public final class BiasedLanguageModel implements LanguageModel {
  /** The n-gram model this one biases. */
  @S4Component(type = LanguageModel.class)
  public static final String PROP_PARENT = "parent";

  private static final ThreadLocal<LmBias> BIAS = ThreadLocal.withInitial(() -> LmBias.NONE);

  private LanguageModel parent;

  /** For Sphinx's configuration manager. */
  public BiasedLanguageModel() {}

  /** Sets the bias of what the calling lane thread decodes next ({@link LmBias#NONE}: none). */
  static void use(LmBias bias) {
    BIAS.set(bias);
  }

  @Override
  public void newProperties(PropertySheet ps) throws PropertyException {
    parent = (LanguageModel) ps.getComponent(PROP_PARENT);
  }

  @Override
  public void allocate() throws IOException {
    parent.allocate();
  }

  @Override
  public void deallocate() throws IOException {
    parent.deallocate();
  }

  @Override
  public float getProbability(WordSequence ws) {
    float p = parent.getProbability(ws);
    LmBias bias = BIAS.get();
    if (bias.isEmpty() || ws.size() == 0) {
      return p;
    }
    return Math.min(0f, p + bias.logBoost(ws.getWord(ws.size() - 1).getSpelling()));
  }

  @Override
  public float getSmear(WordSequence ws) {
    return parent.getSmear(ws);
  }

  @Override
  public Set<String> getVocabulary() {
    return parent.getVocabulary();
  }

  @Override
  public int getMaxDepth() {
    return parent.getMaxDepth();
  }

  @Override
  public void onUtteranceEnd() {
    parent.onUtteranceEnd();
  }
}
