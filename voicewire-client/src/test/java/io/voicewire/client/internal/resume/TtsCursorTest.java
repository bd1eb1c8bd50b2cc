package io.voicewire.client.internal.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.audio.AudioFormat;
import io.voicewire.speech.Alignment;
import io.voicewire.speech.TtsAudio;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Tier (a): resume cursor maths and cutting at a sample. A synthetic "voice" renders every
 * character as 10 ms of a constant sample equal to its code point, so delivered audio can be
 * decoded back into text and compared with the input exactly.
 */
class TtsCursorTest {
  static final AudioFormat F = AudioFormat.PCM_24000;
  static final int MS_PER_CHAR = 10;

  /** Renders {@code text} as chunks of {@code perChunk} characters, PROTOCOL-style. */
  static List<TtsAudio> synth(String text, int perChunk) {
    List<TtsAudio> out = new ArrayList<>();
    for (int i = 0; i < text.length(); i += perChunk) {
      String part = text.substring(i, Math.min(text.length(), i + perChunk));
      out.add(chunk(part, 0));
    }
    return out;
  }

  /** One chunk voicing {@code part}, optionally preceded by {@code leadMs} of silence. */
  static TtsAudio chunk(String part, int leadMs) {
    int samplesPerChar = F.sampleRate() * MS_PER_CHAR / 1000;
    int lead = F.sampleRate() * leadMs / 1000;
    byte[] pcm = new byte[(lead + part.length() * samplesPerChar) * 2];
    List<String> chars = new ArrayList<>();
    int[] st = new int[part.length()];
    int[] du = new int[part.length()];
    for (int c = 0; c < part.length(); c++) {
      chars.add(String.valueOf(part.charAt(c)));
      st[c] = leadMs + c * MS_PER_CHAR;
      du[c] = MS_PER_CHAR;
      for (int s = 0; s < samplesPerChar; s++) {
        int idx = (lead + c * samplesPerChar + s) * 2;
        pcm[idx] = (byte) part.charAt(c);
        pcm[idx + 1] = (byte) (part.charAt(c) >> 8);
      }
    }
    Alignment a = new Alignment(chars, st, du);
    return new TtsAudio(pcm, a, a);
  }

  /** Decodes audio rendered by {@link #chunk} back to text (silence skipped). */
  static String decode(byte[] pcm) {
    int samplesPerChar = F.sampleRate() * MS_PER_CHAR / 1000;
    StringBuilder sb = new StringBuilder();
    int run = 0;
    int prev = -1;
    for (int i = 0; i + 1 < pcm.length; i += 2) {
      int v = (pcm[i] & 0xff) | ((pcm[i + 1] & 0xff) << 8);
      if (v != prev) {
        flushRun(sb, prev, run, samplesPerChar);
        prev = v;
        run = 0;
      }
      run++;
    }
    flushRun(sb, prev, run, samplesPerChar);
    return sb.toString();
  }

  private static void flushRun(StringBuilder sb, int v, int run, int per) {
    if (v <= 0 || run == 0) {
      return;
    }
    if (run % per != 0) {
      throw new AssertionError("a character's audio was cut mid-way: " + (char) v + " x " + run
          + " samples");
    }
    for (int k = 0; k < run / per; k++) {
      sb.append((char) v);
    }
  }

  static String joined(List<TtsAudio> delivered) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    delivered.forEach(a -> out.writeBytes(a.audio()));
    return decode(out.toByteArray());
  }

  static String alignmentText(List<TtsAudio> delivered) {
    StringBuilder sb = new StringBuilder();
    delivered.forEach(a -> sb.append(a.alignment().text()));
    return sb.toString();
  }

  private static String concat(List<TtsCursor.Piece> pieces) {
    StringBuilder sb = new StringBuilder();
    pieces.forEach(p -> sb.append(p.text()));
    return sb.toString();
  }

  @Test
  void noDropDeliversEverythingUnchanged() {
    TtsCursor c = new TtsCursor(F);
    String text = "Hello there, world. ";
    c.append(text);
    String server = concat(c.replay());
    assertEquals(text, server);
    List<TtsAudio> got = new ArrayList<>();
    for (TtsAudio a : synth(server, 4)) {
      TtsAudio out = c.onAudio(a);
      assertTrue(out == a, "delivered as is");
      got.add(out);
    }
    assertEquals(text, joined(got));
    assertEquals(text.length(), c.cursor());
    assertEquals(0, c.seams());
  }

  @Test
  void resumeCutsInsideAChunkAtTheCursorsFirstSample() {
    TtsCursor c = new TtsCursor(F);
    String text = "alpha bravo charlie delta ";
    c.append(text);
    List<TtsAudio> got = new ArrayList<>();
    List<TtsAudio> first = synth(concat(c.replay()), 8);
    got.add(c.onAudio(first.get(0))); // "alpha br": cursor inside "bravo"
    assertEquals(8, c.cursor());
    List<TtsCursor.Piece> replay = c.replay();
    assertEquals("bravo charlie delta ", concat(replay), "from the start of the cursor's word");
    List<TtsAudio> second = synth(concat(replay), 8);
    TtsAudio cut = c.onAudio(second.get(0)); // "bravo ch": "br" dropped at sample 480
    assertNotNull(cut);
    assertEquals("avo ch", cut.alignment().text());
    assertEquals(0, cut.alignment().startMs(0));
    assertEquals(6 * 240 * 2, cut.audio().length);
    got.add(cut);
    for (int i = 1; i < second.size(); i++) {
      got.add(c.onAudio(second.get(i)));
    }
    assertEquals(text, joined(got));
    assertEquals(text, alignmentText(got));
    assertEquals(1, c.seams());
    assertEquals(2 * 240 * 2, c.droppedBytes());
  }

  @Test
  void chunksWhollyBeforeTheCursorAreDropped() {
    TtsCursor c = new TtsCursor(F);
    String text = "supercalifragilistic words ";
    c.append(text);
    c.onAudio(synth(concat(c.replay()), 12).get(0)); // cursor 12, inside the long word
    List<TtsAudio> second = synth(concat(c.replay()), 5);
    assertNull(c.onAudio(second.get(0)));
    assertNull(c.onAudio(second.get(1)));
    TtsAudio third = c.onAudio(second.get(2)); // chars 10..14: keep from 12
    assertEquals("gil", third.alignment().text());
  }

  @Test
  void leadingSilenceOfTheNewStreamIsDroppedWithTheRepeatedCharacters() {
    TtsCursor c = new TtsCursor(F);
    c.append("one two ");
    c.onAudio(chunk("one t", 0));
    c.replay();
    TtsAudio out = c.onAudio(chunk("two ", 35)); // 35 ms of silence, then "two "
    assertEquals("wo ", out.alignment().text());
    assertEquals(3 * 240 * 2, out.audio().length, "cut at 35 + 10 ms");
  }

  @Test
  void manyRandomDropsVoiceEveryCharacterExactlyOnce() {
    Random r = new Random(42);
    StringBuilder sb = new StringBuilder();
    String[] words = {"resume", "without", "loss", "or", "repetition,", "every", "character",
        "once.", "Seams", "may", "fall", "inside", "a", "word!"};
    while (sb.length() < 3000) {
      sb.append(words[r.nextInt(words.length)]).append(' ');
    }
    String text = sb.toString();
    for (int trial = 0; trial < 20; trial++) {
      TtsCursor c = new TtsCursor(F);
      List<TtsAudio> got = new ArrayList<>();
      int fed = 0;
      int drops = 0;
      while (c.unvoiced() > 0 || fed < text.length()) {
        if (fed < text.length()) { // text arrives in pieces over time
          int n = Math.min(text.length() - fed, 1 + r.nextInt(200));
          c.append(text.substring(fed, fed + n));
          fed += n;
        }
        String server = concat(c.replay());
        List<TtsAudio> chunks = synth(server, 1 + r.nextInt(30));
        int dropAt = r.nextInt(chunks.size() + 1);
        for (int i = 0; i < chunks.size() && i < dropAt; i++) {
          TtsAudio out = c.onAudio(chunks.get(i));
          if (out != null) {
            got.add(out);
          }
        }
        if (dropAt < chunks.size()) {
          drops++;
        }
      }
      assertTrue(drops > 10);
      assertEquals(text, joined(got), "trial " + trial);
      assertEquals(text, alignmentText(got), "trial " + trial);
      assertEquals(0, c.mismatches());
    }
  }

  @Test
  void replayKeepsFlushPointsAfterTheCursor() {
    TtsCursor c = new TtsCursor(F);
    c.append("First part. ");
    c.markFlush();
    c.append("Second part. ");
    c.markFlush();
    c.append("Third");
    c.onAudio(chunk("First ", 0));
    List<TtsCursor.Piece> p = c.replay();
    assertEquals(List.of(new TtsCursor.Piece("part. ", true),
        new TtsCursor.Piece("Second part. ", true), new TtsCursor.Piece("Third", false)), p);
  }

  @Test
  void extraWhitespaceInTheAlignmentIsTolerated() {
    TtsCursor c = new TtsCursor(F);
    c.append("ab cd ");
    c.replay();
    c.onAudio(chunk(" ab", 0)); // a keep-alive space voiced first
    assertEquals(2, c.cursor());
    c.onAudio(chunk("  cd ", 0));
    assertEquals(6, c.cursor());
    assertEquals(0, c.mismatches());
  }

  @Test
  void withoutAlignmentOnlyRetriesBeforeTheFirstAudio() {
    TtsCursor c = new TtsCursor(F);
    c.append("hello ");
    c.replay();
    assertNull(c.cannotResumeReason());
    c.onAudio(new TtsAudio(new byte[480], null, null));
    assertFalse(c.exact());
    assertEquals("audio was already delivered but the server sent audio without alignment",
        c.cannotResumeReason());
  }

  @Test
  void compressedFormatsCannotBeCut() {
    TtsCursor c = new TtsCursor(AudioFormat.parse("mp3_44100_128"));
    assertFalse(c.exact());
    assertNull(c.cannotResumeReason(), "nothing delivered yet: a retry is safe");
    c.append("hi ");
    c.replay();
    c.onAudio(new TtsAudio(new byte[100], chunk("hi", 0).alignment(), null));
    assertEquals("audio was already delivered but mp3_44100_128 audio cannot be cut at a sample",
        c.cannotResumeReason());
  }

  @Test
  void completeOnlyAfterEndWithNothingButWhitespaceLeft() {
    TtsCursor c = new TtsCursor(F);
    c.append("ok ");
    c.replay();
    c.onAudio(chunk("ok", 0));
    assertFalse(c.isComplete());
    c.markEnded();
    assertTrue(c.isComplete());
  }
}
