package io.voicewire.engine.local.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SSML break tags with a time, {@code <break time="1.5s" />}: a pause of that length in the
 * audio, at most {@link #MAX_PAUSE_MILLIS}, as ElevenLabs' models make it (every model but v3:
 * "Do pauses and SSML phoneme tags work with the API?", ElevenLabs help centre). This engine
 * makes the pause whether or not {@code enable_ssml_parsing} is set; the help centre ties the tag
 * to no such setting. A break without a time, or with only a strength, stays what
 * {@link TextNormalizer} makes of it: the pause of a comma. Stateless.
 */
final class BreakTags {
  /** The longest pause one tag makes (ElevenLabs: "pauses of up to 3 seconds"). */
  static final int MAX_PAUSE_MILLIS = 3_000;

  private static final Pattern BREAK = Pattern.compile(
      "<break\\s+time\\s*=\\s*([\"'])\\s*(\\d{1,6}(?:\\.\\d{1,3})?)\\s*(ms|s)\\s*\\1\\s*/?\\s*>",
      Pattern.CASE_INSENSITIVE);

  /** A run of released text, or (with {@code pauseMillis} > 0) one break tag. */
  record Part(String text, int pauseMillis) {}

  private BreakTags() {}

  /** {@code piece} cut at its break tags; the parts, concatenated, are {@code piece}. */
  static List<Part> split(String piece) {
    if (piece.indexOf('<') < 0) {
      return List.of(new Part(piece, 0));
    }
    List<Part> out = new ArrayList<>();
    Matcher m = BREAK.matcher(piece);
    int from = 0;
    while (m.find()) {
      int millis = millis(m.group(2), m.group(3));
      if (millis <= 0) {
        continue; // "0s": no pause, the tag stays in the text (silent)
      }
      if (m.start() > from) {
        out.add(new Part(piece.substring(from, m.start()), 0));
      }
      out.add(new Part(m.group(), millis));
      from = m.end();
    }
    if (from < piece.length()) {
      out.add(new Part(piece.substring(from), 0));
    }
    return out;
  }

  private static int millis(String number, String unit) {
    double v = Double.parseDouble(number);
    double ms = unit.toLowerCase(Locale.ROOT).equals("s") ? v * 1000 : v;
    return (int) Math.min(MAX_PAUSE_MILLIS, Math.round(ms));
  }
}
