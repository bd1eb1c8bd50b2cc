package io.voicewire.bench.soak;

import io.voicewire.client.SttStream;
import io.voicewire.speech.Transcript;
import io.voicewire.client.VoiceClient;
import io.voicewire.speech.SpeechError;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the soak's STT audits compare against and report: the reference transcript of a clip (sent
 * once on a clean stream) and a stream's detail for a finding.
 */
final class SttReference {
  private SttReference() {}

  /**
   * What a stream did, for an audit finding: its committed transcripts with their places, and
   * how it reconnected (resumed by id, fell back to a new session, forced commits).
   */
  static String streamDetail(List<Transcript> commits, io.voicewire.client.StreamMetrics m) {
    return "commits " + commits.stream()
        .map(t -> t.audioStartMs() + "-" + t.audioEndMs() + " \"" + t.text() + "\"").toList()
        + "; connections " + m.connections() + ", resumes " + m.resumesAttempted()
        + " attempted / " + m.resumesSucceeded() + " re-attached / " + m.resumesFellBack()
        + " fell back, seams " + m.seams() + ", replayed " + m.replayedAudioMillis()
        + " ms, forced commits " + m.forcedCommits() + ", words re-transcribed "
        + m.wordsRetranscribed() + ", duplicate commits dropped " + m.duplicateCommitsDropped();
  }

  /** The committed text of {@code pcm} (16 kHz) sent once, then committed, on a clean stream. */
  static String transcribeOnce(VoiceClient client, byte[] pcm) throws Exception {
    StringBuilder text = new StringBuilder();
    CompletableFuture<Void> done = new CompletableFuture<>();
    SttStream s = client.newSttStream(SoakSessions.sttRequest(), new SttStream.Listener() {
      @Override
      public void onCommitted(Transcript t) {
        text.append(text.isEmpty() ? "" : " ").append(t.text());
      }

      @Override
      public void onClosed() {
        done.complete(null);
      }

      @Override
      public void onFailure(SpeechError e) {
        done.completeExceptionally(new IllegalStateException("reference transcription: " + e));
      }
    });
    int step = SoakSessions.STT_CHUNK_MILLIS * SoakSessions.PCM16K_BYTES_PER_MS;
    for (int i = 0; i < pcm.length; i += step) {
      s.sendAudio(pcm, i, Math.min(step, pcm.length - i));
    }
    s.commit();
    s.end();
    try {
      done.get(SoakSessions.SESSION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } finally {
      s.cancel();
    }
    return text.toString();
  }
}
