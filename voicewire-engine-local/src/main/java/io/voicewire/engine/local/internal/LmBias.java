package io.voicewire.engine.local.internal;

import edu.cmu.sphinx.util.LogMath;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What one STT session favours in the language model: the words of its {@code keyterms}, and —
 * less — the words of its {@code previous_text} (a cache language model: words just said or
 * written are likely to be said again). The boosts multiply a word's n-gram probability whatever
 * its history; {@link BiasedLanguageModel} applies them while a lane decodes the session.
 *
 * <p>Only words of the recognizer's dictionary (CMUdict) can be recognized at all: a keyterm
 * word outside it has no pronunciation and is ignored. Immutable and thread safe.
 */
final class LmBias {
  /** Factor on the probability of each word of a keyterm. */
  static final double KEYTERM_BOOST = 1e3;
  /** Factor on the probability of each word of {@code previous_text} that is not a stop word. */
  static final double CONTEXT_BOOST = 30;
  /** Characters of {@code previous_text} read (its end: the words nearest the new speech). */
  static final int MAX_CONTEXT_CHARS = 2_000;
  /** Words that every text has: boosting them would only add insertions. */
  private static final Set<String> STOP_WORDS = Set.of("a", "an", "and", "are", "as", "at",
      "be", "but", "by", "for", "from", "had", "has", "have", "he", "her", "his", "i", "in",
      "is", "it", "its", "me", "my", "of", "on", "or", "our", "she", "so", "that", "the",
      "their", "them", "they", "this", "to", "uh", "um", "was", "we", "were", "with", "you",
      "your");

  /** No bias. */
  static final LmBias NONE = new LmBias(Map.of());

  private final Map<String, Float> logBoost;

  private LmBias(Map<String, Float> logBoost) {
    this.logBoost = Map.copyOf(logBoost);
  }

  /** The bias of {@code keyterms} (may be empty) and {@code previousText} (may be null). */
  static LmBias of(List<String> keyterms, String previousText) {
    LogMath log = LogMath.getLogMath();
    Map<String, Float> m = new HashMap<>();
    if (previousText != null) {
      String tail = previousText.length() > MAX_CONTEXT_CHARS
          ? previousText.substring(previousText.length() - MAX_CONTEXT_CHARS) : previousText;
      for (String w : words(tail)) {
        if (!STOP_WORDS.contains(w)) {
          m.put(w, log.linearToLog(CONTEXT_BOOST));
        }
      }
    }
    for (String term : keyterms == null ? List.<String>of() : keyterms) {
      for (String w : words(term)) {
        m.put(w, log.linearToLog(KEYTERM_BOOST));
      }
    }
    return m.isEmpty() ? NONE : new LmBias(m);
  }

  /** Lower-case words as the dictionary spells them: letters, digits and inner apostrophes. */
  static List<String> words(String text) {
    return List.of(text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9']+", " ")
        .replaceAll("(^| )'+|'+( |$)", " ").trim().split(" +")).stream()
        .filter(w -> !w.isEmpty()).toList();
  }

  /** The log (Sphinx's {@link LogMath} base) factor on {@code word}'s probability, 0 for none. */
  float logBoost(String word) {
    Float b = logBoost.get(word);
    return b == null ? 0f : b;
  }

  boolean isEmpty() {
    return logBoost.isEmpty();
  }

  /** The words it boosts (for tests and logs). */
  Set<String> words() {
    return logBoost.keySet();
  }
}
