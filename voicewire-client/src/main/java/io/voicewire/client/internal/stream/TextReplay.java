package io.voicewire.client.internal.stream;

import io.voicewire.client.TextChunker;
import io.voicewire.client.internal.Metrics;
import io.voicewire.client.internal.resume.TtsCursor;
import io.voicewire.protocol.TtsServerMessage;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsRequest;
import java.util.List;
import java.util.function.Consumer;

/**
 * The text side of one TTS stream or one context: chunks what the caller sends
 * ({@link TextChunker}), keeps it until its audio arrives ({@link TtsCursor}) so that a new
 * connection can replay it, cuts the replayed audio at the resume point, times the first audio,
 * and adds the cursor's counters to the stream's metrics. As the {@link ResumeState} of a single
 * stream it answers for all of it. Not thread safe: used under its supervisor's lock.
 */
final class TextReplay implements ResumeState {
  private final TextChunker chunker;
  private final TtsCursor cursor;
  private long awaitingAudioSince;
  private long seenSeams;
  private long seenDropped;
  private long seenMismatches;

  TextReplay(TtsRequest request) {
    this.chunker = TextChunker.forRequest(request);
    this.cursor = new TtsCursor(request.outputFormat());
  }

  /** The cursor: what was sent, voiced, flushed and ended. */
  TtsCursor cursor() {
    return cursor;
  }

  /**
   * Takes {@code text} when it fits, with what the chunker holds, under the unvoiced limit: each
   * piece the chunker lets go of goes to {@code send}. False, and nothing taken, when it does not.
   */
  boolean take(CharSequence text, Consumer<String> send) {
    if (!cursor.hasRoomFor(text.length() + chunker.buffered())) {
      return false;
    }
    for (String piece : chunker.push(text)) {
      send.accept(piece);
    }
    return true;
  }

  /** What the chunker holds, as the one piece a flush sends ({@code ""} when nothing). */
  String flushPiece() {
    List<String> rest = chunker.flush();
    return rest.isEmpty() ? "" : rest.get(0);
  }

  /** At the end of input: what the chunker holds goes to {@code send}, piece by piece. */
  void drainTo(Consumer<String> send) {
    for (String piece : chunker.flush()) {
      send.accept(piece);
    }
  }

  /** Characters held or sent whose audio has not arrived. */
  long unvoiced() {
    return cursor.unvoiced() + chunker.buffered();
  }

  /**
   * Records {@code text} as sent (or to be sent on the next connection), with a flush mark;
   * starts the first-audio clock when nothing else was waiting for audio.
   */
  void record(String text, boolean flush, long nowNanos) {
    if (!text.isEmpty() && cursor.unvoiced() == 0 && awaitingAudioSince == 0) {
      awaitingAudioSince = nowNanos;
    }
    cursor.append(text);
    if (flush) {
      cursor.markFlush();
    }
  }

  /**
   * Audio from the server: what lies past the resume point goes to {@code deliver}, and counts
   * as progress of the connection; an inexact cursor makes the stream resumable only until its
   * first audio.
   */
  void onAudio(TtsServerMessage.Audio a, long nowNanos, ConnectionSupervisor sup,
      Consumer<TtsAudio> deliver) {
    TtsAudio out = cursor.onAudio(new TtsAudio(a.audio(), a.alignment(), a.normalizedAlignment()));
    Metrics m = sup.metrics;
    m.seams.add(cursor.seams() - seenSeams);
    m.droppedAudioBytes.add(cursor.droppedBytes() - seenDropped);
    m.alignmentMismatches.add(cursor.mismatches() - seenMismatches);
    seenSeams = cursor.seams();
    seenDropped = cursor.droppedBytes();
    seenMismatches = cursor.mismatches();
    if (out != null && out.audio().length > 0) {
      sup.markProgress();
      if (awaitingAudioSince != 0) {
        m.timeToFirstAudioNanos(nowNanos - awaitingAudioSince);
        awaitingAudioSince = 0;
      }
      deliver.accept(out);
    }
    if (!cursor.exact()) {
      sup.setResumable(cursor.cannotResumeReason() == null, inexactNote());
    }
  }

  /** The status note of an inexact cursor. */
  String inexactNote() {
    return "retries only before the first audio: " + cursor.inexactReason();
  }

  @Override
  public String cannotResumeReason() {
    return cursor.cannotResumeReason();
  }

  /** Ended and all voiced: a drop now completes the stream. */
  @Override
  public boolean completesOnDrop() {
    return cursor.ended() && cursor.isComplete();
  }

  @Override
  public boolean awaitingAcceptance() {
    return cursor.unvoiced() > 0;
  }
}
