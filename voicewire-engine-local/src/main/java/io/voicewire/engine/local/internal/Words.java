package io.voicewire.engine.local.internal;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@link TextNormalizer} says one word (a run of letters): diacritics folded, other scripts
 * transliterated to Latin (ICU4J's {@code Any-Latin; Latin-ASCII}), identifiers split
 * (getUserName), acronym plurals kept (APIs), letters repeated more than twice read twice (in a
 * word of capitals, more than three times: VIII, AAA, XXX stay), very long words read in parts.
 * The result has only ASCII letters, apostrophes and spaces. Thread safe.
 */
final class Words {
  private static final Logger LOG = LoggerFactory.getLogger(Words.class);
  private static final Map<Character, String> LATIN_SPECIAL = Map.ofEntries(
      Map.entry('ß', "ss"), Map.entry('æ', "ae"), Map.entry('Æ', "Ae"), Map.entry('ø', "o"),
      Map.entry('Ø', "O"), Map.entry('œ', "oe"), Map.entry('Œ', "Oe"), Map.entry('đ', "d"),
      Map.entry('Đ', "D"), Map.entry('ł', "l"), Map.entry('Ł', "L"), Map.entry('þ', "th"),
      Map.entry('Þ', "Th"), Map.entry('ð', "d"), Map.entry('ı', "i"), Map.entry('’', "'"));

  private Words() {}

  /** The word as the voices can say it; may be empty (nothing sayable). */
  static String speak(String w) {
    String ascii = isAscii(w) ? w : toAscii(w);
    if (ascii.length() > 2 && ascii.endsWith("s") && isUpper(ascii, 0, ascii.length() - 1)) {
      return ascii.substring(0, ascii.length() - 1) + "'s"; // APIs: the plural of an acronym
    }
    StringBuilder out = new StringBuilder(ascii.length() + 8);
    int maxRun = isUpper(ascii, 0, ascii.length()) ? 3 : 2;
    int run = 0;
    int sinceBreak = 0;
    for (int i = 0; i < ascii.length(); i++) {
      char c = ascii.charAt(i);
      if (c == ' ') {
        out.append(c);
        run = 0;
        sinceBreak = 0;
        continue;
      }
      char prev = i > 0 ? ascii.charAt(i - 1) : ' ';
      run = Character.toLowerCase(c) == Character.toLowerCase(prev) ? run + 1 : 1;
      if (run > maxRun && Character.isLetter(c)) {
        continue; // Aaaah: read as Aah; NOOOO as NOOO
      }
      boolean camel = Character.isUpperCase(c) && Character.isLowerCase(prev);
      boolean acronymEnd = Character.isUpperCase(c) && Character.isUpperCase(prev)
          && i + 1 < ascii.length() && Character.isLowerCase(ascii.charAt(i + 1));
      if ((camel || acronymEnd || sinceBreak >= TextNormalizer.MAX_WORD_CHARS)
          && !out.isEmpty() && out.charAt(out.length() - 1) != ' ') {
        out.append(' ');
        sinceBreak = 0;
      }
      out.append(c);
      sinceBreak++;
    }
    return out.toString().strip();
  }

  private static boolean isAscii(String w) {
    for (int i = 0; i < w.length(); i++) {
      char c = w.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '\'')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isUpper(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) < 'A' || s.charAt(i) > 'Z') {
        return false;
      }
    }
    return true;
  }

  /** Latin letters folded to ASCII, other scripts transliterated; anything else dropped. */
  static String toAscii(String w) {
    boolean latin = w.codePoints().allMatch(c -> {
      Character.UnicodeScript s = Character.UnicodeScript.of(c);
      return s == Character.UnicodeScript.LATIN || s == Character.UnicodeScript.COMMON
          || s == Character.UnicodeScript.INHERITED;
    });
    String folded;
    if (latin) {
      StringBuilder b = new StringBuilder(w.length());
      for (int i = 0; i < w.length(); i++) {
        String special = LATIN_SPECIAL.get(w.charAt(i));
        b.append(special != null ? special : String.valueOf(w.charAt(i)));
      }
      folded = Normalizer.normalize(b, Normalizer.Form.NFD);
    } else {
      folded = Transliteration.toLatin(w);
    }
    StringBuilder out = new StringBuilder(folded.length());
    for (int i = 0; i < folded.length(); i++) {
      char c = folded.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
          || (c == '\'' && !out.isEmpty() && i + 1 < folded.length())) {
        out.append(c);
      } else if (Character.isWhitespace(c) && !out.isEmpty()
          && out.charAt(out.length() - 1) != ' ') {
        out.append(' ');
      }
    }
    return out.toString().strip();
  }

  /** ICU4J transliteration, loaded on first use; thread safe (calls are serialized). */
  private static final class Transliteration {
    private static final Object LOCK = new Object();
    private static Object transliterator; // com.ibm.icu.text.Transliterator, or a failure marker
    private static boolean failed;

    static String toLatin(String w) {
      synchronized (LOCK) {
        try {
          if (transliterator == null && !failed) {
            transliterator = com.ibm.icu.text.Transliterator.getInstance(
                "Any-Latin; Latin-ASCII");
          }
          if (failed) {
            return "";
          }
          return ((com.ibm.icu.text.Transliterator) transliterator).transliterate(w)
              .toLowerCase(Locale.ROOT);
        } catch (RuntimeException | LinkageError e) {
          if (!failed) {
            LOG.warn("transliteration unavailable; text in other scripts is silent", e);
          }
          failed = true;
          return "";
        }
      }
    }
  }
}
