package io.voicewire.protocol;

import io.voicewire.speech.Transcript;
import io.voicewire.speech.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Scribe's {@code no_verbatim=true} for engines that transcribe verbatim: filler words and
 * hesitations ({@link #FILLERS}) are removed from the text and from the words, with the spacing
 * that followed them. Stateless: thread safe.
 */
public final class NoVerbatim {
  /** The filler words removed, lower case. */
  public static final Set<String> FILLERS = Set.of("um", "umm", "uh", "uhh", "uhm", "er", "erm",
      "ah", "hmm", "mm", "mhm");

  private static final Pattern FILLER = Pattern.compile(
      "(?i)(,\\s*)?\\b(" + String.join("|", FILLERS) + ")\\b[,.]?\\s*");

  private NoVerbatim() {}

  /** {@code text} without its filler words, spaces collapsed. */
  public static String text(String text) {
    return FILLER.matcher(text).replaceAll(" ").replaceAll("\\s{2,}", " ").strip();
  }

  /** {@code t} without its filler words. */
  public static Transcript apply(Transcript t) {
    List<Word> words = new ArrayList<>();
    boolean dropSpacing = false;
    for (Word w : t.words()) {
      if ("word".equals(w.type()) && FILLERS.contains(w.text().toLowerCase(Locale.ROOT)
          .replaceAll("[,.]", ""))) {
        dropSpacing = true;
        continue;
      }
      if (dropSpacing && "spacing".equals(w.type())) {
        dropSpacing = false;
        continue;
      }
      dropSpacing = false;
      words.add(w);
    }
    return new Transcript(text(t.text()), t.committed(), t.audioStartMs(), t.audioEndMs(), words,
        t.languageCode());
  }
}
