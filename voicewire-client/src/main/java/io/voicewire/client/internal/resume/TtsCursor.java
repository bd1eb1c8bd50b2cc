package io.voicewire.client.internal.resume;

import io.voicewire.audio.AudioFormat;
import io.voicewire.speech.Alignment;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.text.Sentences;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Resume bookkeeping of one TTS utterance (a {@code stream-input} stream, or one context of
 * {@code multi-stream-input}), ARCHITECTURE.md §5 "Resume, in more detail".
 *
 * <p>It keeps the text sent (as it went on the wire) and the <em>cursor</em>: the absolute index
 * of the first input character whose audio has not been delivered. Each audio chunk's
 * {@code alignment.chars} are matched, in order, against the text from where the current
 * connection's text started; delivering a chunk moves the cursor past its last matched character.
 * After a drop, {@link #replay()} starts the next connection at the start of the word that
 * contains the cursor, and {@link #onAudio} then drops the new stream's audio up to the sample
 * where the cursor's character starts ({@code startMs × rate / 1000} within its chunk), so no
 * character is voiced twice. The seam may fall inside a word.
 *
 * <p>Exactness needs alignment on every chunk and a format that can be cut at a sample (PCM,
 * μ-law, A-law). Without either, the cursor cannot be trusted once audio was delivered:
 * {@link #canResume()} then allows a retry only while no audio has been delivered.
 *
 * <p>Positions are absolute (since the utterance started); text before the start of the cursor's
 * word is discarded. This class is not thread safe; streams use it under their lock.
 */
public final class TtsCursor {
  /** Most characters sent or held but not yet voiced. */
  public static final int MAX_UNVOICED_CHARS = 100_000;
  /**
   * Audio delivered with no aligned character beyond this marks the stream inexact: a pause is
   * shorter, so the server is sending empty alignments for voiced audio.
   */
  public static final long MAX_UNALIGNED_AUDIO_MILLIS = 2_000;
  /** How far ahead an alignment entry that does not match is looked for in the text. */
  static final int MATCH_WINDOW_CHARS = 64;

  /** A piece of text to send, with or without {@code flush}. */
  public record Piece(String text, boolean flush) {}

  private final AudioFormat format;
  private final boolean cuttable;
  private final StringBuilder text = new StringBuilder();
  private long base;
  private long sentEnd;
  private final ArrayDeque<Long> flushMarks = new ArrayDeque<>();
  private long cursor;
  private boolean ended;
  private boolean audioDelivered;
  private String inexact;
  private long unalignedBytes;

  // state of the current connection
  private long matchPos;
  private long cutAt = -1;

  // counters
  private long seams;
  private long droppedBytes;
  private long mismatches;

  public TtsCursor(AudioFormat format) {
    this.format = format;
    this.cuttable = format.isDecodable();
    if (!cuttable) {
      inexact = format.wireName() + " audio cannot be cut at a sample";
    }
  }

  // ------------------------------------------------------------------ input

  /** Absolute length of the text so far. */
  public long end() {
    return base + text.length();
  }

  /** Characters sent or held whose audio has not been delivered. */
  public long unvoiced() {
    return end() - cursor;
  }

  /** True when {@code n} more characters fit under {@link #MAX_UNVOICED_CHARS}. */
  public boolean hasRoomFor(int n) {
    return unvoiced() + n <= MAX_UNVOICED_CHARS;
  }

  /** Appends text that is being (or will be) sent. */
  public void append(String s) {
    text.append(s);
  }

  /** A flush was requested at the current end. */
  public void markFlush() {
    long e = end();
    if (flushMarks.isEmpty() || flushMarks.peekLast() != e) {
      flushMarks.add(e);
    }
  }

  /** End of input was requested. */
  public void markEnded() {
    ended = true;
  }

  public boolean ended() {
    return ended;
  }

  /** Text appended but not yet sent on the current connection, marking it sent. */
  public String takeUnsent() {
    long e = end();
    if (sentEnd >= e) {
      return "";
    }
    String s = text.substring((int) (Math.max(sentEnd, base) - base));
    sentEnd = e;
    return s;
  }

  /** The text after the cursor, as it stands. */
  public String unvoicedText() {
    return text.substring((int) (cursor - base));
  }

  /** True when, after end of input, nothing but whitespace remains unvoiced. */
  public boolean isComplete() {
    return ended && unvoicedText().isBlank();
  }

  // ------------------------------------------------------------------ resume

  /**
   * Starts a connection: returns the pieces to send after the init message (from the start of
   * the word containing the cursor; {@code flush} where flushes were requested), and arms the cut
   * so that the new stream's audio before the cursor is dropped. End of input is not included;
   * the caller sends it when {@link #ended()}.
   */
  public List<Piece> replay() {
    long w = wordStart(cursor);
    matchPos = w;
    cutAt = cursor > w ? cursor : -1;
    long e = end();
    sentEnd = e;
    List<Piece> out = new ArrayList<>();
    long from = w;
    for (long m : flushMarks) {
      if (m > from && m <= e) {
        out.add(new Piece(slice(from, m), true));
        from = m;
      }
    }
    if (from < e) {
      out.add(new Piece(slice(from, e), false));
    }
    return out;
  }

  /** Null when a drop can be resumed now, else why not. */
  public String cannotResumeReason() {
    if (inexact != null && audioDelivered) {
      return "audio was already delivered but " + inexact;
    }
    return null;
  }

  /** True while resuming is exact (alignment everywhere, cuttable format). */
  public boolean exact() {
    return inexact == null;
  }

  /** Why resuming is not exact, or null. */
  public String inexactReason() {
    return inexact;
  }

  // ------------------------------------------------------------------ audio

  /**
   * Filters one audio chunk of the current connection: returns what to deliver (the chunk, a
   * chunk cut at the cursor's first sample, or null to drop it) and moves the cursor.
   */
  public TtsAudio onAudio(TtsAudio a) {
    byte[] audio = a.audio();
    Alignment al = a.alignment();
    if (al == null || al.size() == 0) {
      if (cutAt >= 0) {
        droppedBytes += audio.length; // cannot place it before the cursor: never repeat audio
        return null;
      }
      // an empty alignment voices no character (a pause, a tail): the cursor stays; a missing
      // one leaves the cursor unknown
      if (al == null && audio.length > 0 && inexact == null) {
        inexact = "the server sent audio without alignment";
      }
      unalignedBytes += audio.length;
      if (cuttable && inexact == null
          && format.millisForBytes(unalignedBytes) > MAX_UNALIGNED_AUDIO_MILLIS) {
        inexact = "the server sent " + MAX_UNALIGNED_AUDIO_MILLIS
            + " ms of audio with empty alignment";
      }
      audioDelivered |= audio.length > 0;
      return a;
    }
    long[] pos = new long[al.size()];
    long lastEnd = -1;
    for (int i = 0; i < pos.length; i++) {
      String ch = al.chars().get(i);
      pos[i] = match(ch);
      if (pos[i] >= 0) {
        lastEnd = pos[i] + ch.length();
      }
    }
    TtsAudio out = a;
    if (cutAt >= 0) {
      int k = -1;
      for (int i = 0; i < pos.length; i++) {
        if (pos[i] >= cutAt) {
          k = i;
          break;
        }
      }
      if (k < 0) {
        droppedBytes += audio.length;
        return null;
      }
      out = cut(a, k);
      droppedBytes += audio.length - out.audio().length;
      cutAt = -1;
      seams++;
    }
    if (lastEnd > cursor) {
      cursor = lastEnd;
      unalignedBytes = 0;
      trim();
    }
    audioDelivered |= out.audio().length > 0;
    return out;
  }

  /** Drops the part of {@code a} before entry {@code k}'s start sample. */
  private TtsAudio cut(TtsAudio a, int k) {
    Alignment al = a.alignment();
    int cutMs = Math.max(0, al.startMs(k));
    int frame = format.frameSize();
    long frames = a.audio().length / frame;
    long cutFrame = Math.min(frames, (long) Math.floor(cutMs * (double) format.sampleRate() / 1000.0));
    byte[] rest = Arrays.copyOfRange(a.audio(), (int) (cutFrame * frame), a.audio().length);
    Alignment kept = shift(al, k, cutMs);
    Alignment norm = a.normalizedAlignment();
    Alignment keptNorm = null;
    if (norm != null) {
      int first = norm.size();
      for (int i = 0; i < norm.size(); i++) {
        if (norm.startMs(i) >= cutMs) {
          first = i;
          break;
        }
      }
      keptNorm = shift(norm, first, cutMs);
    }
    return new TtsAudio(rest, kept, keptNorm);
  }

  private static Alignment shift(Alignment al, int from, int ms) {
    int n = al.size() - from;
    int[] st = new int[n];
    int[] du = new int[n];
    for (int i = 0; i < n; i++) {
      st[i] = Math.max(0, al.startMs(from + i) - ms);
      du[i] = al.durationMs(from + i);
    }
    return new Alignment(al.chars().subList(from, al.size()), st, du);
  }

  /** Absolute position of alignment entry {@code e} in the text, or -1 if it matches nothing. */
  private long match(String e) {
    if (e.isEmpty()) {
      return -1;
    }
    int rel = (int) (matchPos - base);
    int len = text.length();
    if (rel < 0) {
      rel = 0;
    }
    if (regionMatches(rel, e)) {
      long p = base + rel;
      matchPos = p + e.length();
      return p;
    }
    if (e.isBlank()) {
      return -1; // whitespace the input does not have here (a keep-alive space, say)
    }
    int r = rel;
    while (r < len && Character.isWhitespace(text.charAt(r))) {
      r++;
    }
    if (regionMatches(r, e)) {
      matchPos = base + r + e.length();
      return base + r;
    }
    int limit = Math.min(len, r + MATCH_WINDOW_CHARS);
    for (int i = r + 1; i < limit; i++) {
      if (regionMatches(i, e)) {
        mismatches++;
        matchPos = base + i + e.length();
        return base + i;
      }
    }
    mismatches++;
    return -1;
  }

  private boolean regionMatches(int at, String e) {
    if (at < 0 || at + e.length() > text.length()) {
      return false;
    }
    for (int i = 0; i < e.length(); i++) {
      if (text.charAt(at + i) != e.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private long wordStart(long abs) {
    int rel = (int) (abs - base);
    return base + Sentences.wordStart(text, rel);
  }

  private String slice(long from, long to) {
    return text.substring((int) (from - base), (int) (to - base));
  }

  /** Forgets text before the start of the cursor's word. */
  private void trim() {
    long keepFrom = Math.min(wordStart(cursor), matchPos);
    keepFrom = Math.min(keepFrom, sentEnd);
    int n = (int) (keepFrom - base);
    if (n > 4096) {
      text.delete(0, n);
      base = keepFrom;
      while (!flushMarks.isEmpty() && flushMarks.peekFirst() <= cursor) {
        flushMarks.pollFirst();
      }
    }
  }

  // ------------------------------------------------------------------ inspection

  /** Absolute index of the first character whose audio was not delivered. */
  public long cursor() {
    return cursor;
  }

  public boolean audioDelivered() {
    return audioDelivered;
  }

  /** Times a new stream's audio was joined to delivered audio by a cut. */
  public long seams() {
    return seams;
  }

  /** Bytes of audio dropped because they voiced characters already delivered. */
  public long droppedBytes() {
    return droppedBytes;
  }

  /** Alignment entries that did not match the text. */
  public long mismatches() {
    return mismatches;
  }
}
