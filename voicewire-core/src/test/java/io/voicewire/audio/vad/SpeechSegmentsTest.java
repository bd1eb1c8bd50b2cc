package io.voicewire.audio.vad;

import static io.voicewire.audio.vad.VadEvent.Type.SPEECH_END;
import static io.voicewire.audio.vad.VadEvent.Type.SPEECH_START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.speech.VadParams;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The segment rules every endpointer shares, driven frame by frame (10 ms frames). */
class SpeechSegmentsTest {
  /** End after 0.5 s of silence; a start needs 100 ms of speech; a candidate dies after 200 ms. */
  static final VadParams PARAMS = new VadParams(0.5, 0.4, 100, 200);
  static final int FRAME = 10;

  final SpeechSegments seg = new SpeechSegments(PARAMS);
  final List<VadEvent> events = new ArrayList<>();
  long now;

  void frames(int n, boolean speech) {
    for (int i = 0; i < n; i++) {
      if (speech) {
        seg.speech(now, now + FRAME, FRAME, events);
      }
      now += FRAME;
      seg.elapsed(now, events);
    }
  }

  @Test
  void speechStartsAtTheCandidatesStartOnceLongEnoughAndEndsAfterTheSilence() {
    frames(30, false);
    frames(9, true);
    assertTrue(events.isEmpty(), "90 ms of speech is not yet speech");
    assertFalse(seg.inSpeech());
    frames(1, true);
    assertEquals(List.of(new VadEvent(SPEECH_START, 300)), events);
    assertTrue(seg.inSpeech());
    frames(40, true); // speech until 800 ms
    frames(49, false);
    assertEquals(1, events.size(), "490 ms of silence does not end speech");
    frames(1, false);
    assertEquals(new VadEvent(SPEECH_END, 800), events.get(1));
    assertFalse(seg.inSpeech());
  }

  @Test
  void aCandidateWithoutEnoughSpeechIsDroppedAfterTheMinimumSilence() {
    frames(5, true); // 50 ms at 0
    frames(20, false); // 200 ms of silence drops it
    frames(10, true); // a new candidate at 250 ms
    assertEquals(List.of(new VadEvent(SPEECH_START, 250)), events);
  }

  @Test
  void silenceShorterThanTheMinimumKeepsTheCandidate() {
    frames(5, true);
    frames(19, false);
    frames(5, true);
    assertEquals(List.of(new VadEvent(SPEECH_START, 0)), events, "50 + 50 ms add up");
  }

  @Test
  void aLateRunCountsWithItsWholeLength() {
    seg.speech(0, 100, 100, events);
    assertEquals(List.of(new VadEvent(SPEECH_START, 0)), events);
  }

  @Test
  void resetForgetsSpeechAndTheClock() {
    frames(20, true);
    assertTrue(seg.inSpeech());
    seg.reset();
    events.clear();
    assertFalse(seg.inSpeech());
    now = 0;
    frames(10, true);
    assertEquals(List.of(new VadEvent(SPEECH_START, 0)), events);
  }
}
