package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.audio.vad.SpeechEndpointer;
import io.voicewire.audio.vad.VadEvent;
import io.voicewire.speech.VadParams;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * One detector per session: the VAD commit's endpointer hands out exactly the events the
 * session's detector found in each chunk, in order, without running a second detector.
 */
class SessionVadTest {
  private static final VadParams PARAMS = new VadParams(0.5, 0.4, 100, 100);

  /** 20 ms chunks: quiet noise, a loud tone, quiet noise (16 kHz PCM). */
  private static List<byte[]> chunks() {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      boolean tone = i >= 50 && i < 100;
      byte[] c = tone ? new byte[640] : Noise.quiet(16_000, 20, i);
      if (tone) {
        for (int k = 0; k < 320; k++) {
          short v = (short) (12_000 * Math.sin(2 * Math.PI * 300 * (i * 320 + k) / 16_000.0));
          c[2 * k] = (byte) v;
          c[2 * k + 1] = (byte) (v >> 8);
        }
      }
      out.add(c);
    }
    return out;
  }

  @Test
  void theCommitsEndpointerGetsTheSessionsEventsChunkByChunk() {
    ReentrantLock lock = new ReentrantLock();
    SessionVad vad = new SessionVad(null, PARAMS);
    SpeechEndpointer commits = vad.forCommits(PARAMS, lock);
    List<VadEvent> seen = new ArrayList<>();
    boolean spoke = false;
    for (byte[] c : chunks()) {
      List<VadEvent> mine = vad.process(c);
      spoke |= vad.inSpeech();
      assertEquals(mine, commits.process(c), "the commit's events differ from the session's");
      seen.addAll(mine);
    }
    assertTrue(spoke, "the tone was not speech");
    assertEquals(List.of(VadEvent.Type.SPEECH_START, VadEvent.Type.SPEECH_END),
        seen.stream().map(VadEvent::type).toList());
    assertFalse(vad.inSpeech());
    assertEquals(List.of(), commits.process(new byte[640]), "no chunk waits: nothing to hand out");
  }

  @Test
  void otherParametersGetADetectorOfTheirOwn() {
    SessionVad vad = new SessionVad(null, PARAMS);
    SpeechEndpointer other = vad.forCommits(new VadParams(1.0, 0.4, 100, 100),
        new ReentrantLock());
    List<VadEvent> seen = new ArrayList<>();
    for (byte[] c : chunks()) {
      seen.addAll(other.process(c)); // the session's detector is not fed: its own one decides
    }
    assertEquals(VadEvent.Type.SPEECH_START, seen.get(0).type());
  }

  @Test
  void chunksNobodyReadsAreBounded() {
    SessionVad vad = new SessionVad(null, PARAMS);
    vad.process(Noise.quiet(16_000, 20, 0));
    assertEquals(0, vad.waitingChunks(), "not shared: nothing kept");
    vad.forCommits(PARAMS, new ReentrantLock());
    for (int i = 0; i < SessionVad.MAX_SHARED_CHUNKS * 3; i++) {
      vad.process(Noise.quiet(16_000, 20, i));
    }
    assertEquals(SessionVad.MAX_SHARED_CHUNKS, vad.waitingChunks());
  }
}
