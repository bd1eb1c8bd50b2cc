package io.voicewire.engine.local.internal;

import java.util.Arrays;

/**
 * A text as written and as it is to be spoken, with the map between the two: the original is cut
 * into consecutive segments, each spoken as a consecutive segment of the spoken text (possibly
 * empty). A verbatim segment is copied character for character; any other segment maps as a
 * whole (its characters share the time of what it is spoken as).
 *
 * <p>Built by {@link TextNormalizer}; immutable.
 */
final class NormalizedText {
  private final String original;
  private final String spoken;
  private final int[] origEnds;
  private final int[] spokenEnds;
  private final boolean[] verbatim;

  private NormalizedText(String original, String spoken, int[] origEnds, int[] spokenEnds,
      boolean[] verbatim) {
    this.original = original;
    this.spoken = spoken;
    this.origEnds = origEnds;
    this.spokenEnds = spokenEnds;
    this.verbatim = verbatim;
  }

  /** The text as written. */
  String original() {
    return original;
  }

  /** The text to hand to the synthesizer: plain ASCII words and sentence punctuation. */
  String spoken() {
    return spoken;
  }

  /** True when the spoken text has a letter or digit to say. */
  boolean speakable() {
    for (int i = 0; i < spoken.length(); i++) {
      if (Character.isLetterOrDigit(spoken.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** Number of segments. */
  int segments() {
    return origEnds.length;
  }

  /** End (exclusive, UTF-16 index) of segment {@code k} in the original. */
  int origEnd(int k) {
    return origEnds[k];
  }

  /** End (exclusive, UTF-16 index) of segment {@code k} in the spoken text. */
  int spokenEnd(int k) {
    return spokenEnds[k];
  }

  /** Whether segment {@code k} is copied character for character. */
  boolean verbatim(int k) {
    return verbatim[k];
  }

  @Override
  public String toString() {
    return "NormalizedText[" + original + " -> " + spoken + "]";
  }

  /** Appends segments in order. Not thread safe. */
  static final class Builder {
    private final String original;
    private final StringBuilder spoken = new StringBuilder();
    private int cursor;
    private int n;
    private int[] origEnds = new int[16];
    private int[] spokenEnds = new int[16];
    private boolean[] verbatim = new boolean[16];

    Builder(String original) {
      this.original = original;
    }

    /** Where the next segment starts in the original. */
    int cursor() {
      return cursor;
    }

    /** The spoken text so far. */
    CharSequence spokenSoFar() {
      return spoken;
    }

    /** Copies the original up to {@code end} as it is. */
    Builder keep(int end) {
      if (end <= cursor) {
        return this;
      }
      if (separate(original.charAt(cursor))) {
        add(cursor, false); // the separating space maps to no original character
      }
      boolean merge = n > 0 && verbatim[n - 1] && spokenEnds[n - 1] == spoken.length();
      spoken.append(original, cursor, end);
      if (merge) {
        origEnds[n - 1] = end;
        spokenEnds[n - 1] = spoken.length();
        cursor = end;
        return this;
      }
      return add(end, true);
    }

    /**
     * Speaks the original up to {@code end} as {@code words}; a space is put between them and
     * the word before when both are letters or digits.
     */
    Builder say(int end, String words) {
      if (end <= cursor) {
        return this;
      }
      if (!words.isEmpty()) {
        separate(words.charAt(0));
        spoken.append(words);
      }
      return add(end, false);
    }

    /** Says nothing for the original up to {@code end}, apart from a separating space. */
    Builder drop(int end) {
      boolean needsSpace = !spoken.isEmpty()
          && !Character.isWhitespace(spoken.charAt(spoken.length() - 1));
      return say(end, needsSpace ? " " : "");
    }

    private boolean separate(char next) {
      if (!spoken.isEmpty() && Character.isLetterOrDigit(next)
          && Character.isLetterOrDigit(spoken.charAt(spoken.length() - 1))) {
        spoken.append(' ');
        return true;
      }
      return false;
    }

    private Builder add(int end, boolean verbatimSegment) {
      assert end >= cursor;
      if (n == origEnds.length) {
        origEnds = Arrays.copyOf(origEnds, n * 2);
        spokenEnds = Arrays.copyOf(spokenEnds, n * 2);
        verbatim = Arrays.copyOf(verbatim, n * 2);
      }
      origEnds[n] = end;
      spokenEnds[n] = spoken.length();
      verbatim[n] = verbatimSegment;
      n++;
      cursor = end;
      return this;
    }

    NormalizedText build() {
      if (cursor < original.length()) {
        drop(original.length());
      }
      return new NormalizedText(original, spoken.toString(), Arrays.copyOf(origEnds, n),
          Arrays.copyOf(spokenEnds, n), Arrays.copyOf(verbatim, n));
    }
  }
}
