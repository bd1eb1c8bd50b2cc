package io.voicewire.protocol;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.voicewire.fuzz.ParserProperty;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target: a WebSocket upgrade's query string, parsed and read as the TTS and the STT socket
 * read it ({@link TtsParams}, {@link SttParams}, voicewire's {@link SttResume.Params}).
 * {@link Query#parse} itself refuses nothing.
 */
class QueryFuzzTest {
  @FuzzTest
  @DictionaryEntries({
      "model_id=", "output_format=", "pcm_16000", "ulaw_8000", "inactivity_timeout=",
      "sync_alignment=", "auto_mode=", "seed=", "audio_format=", "commit_strategy=", "vad",
      "manual", "vad_silence_threshold_secs=", "vad_threshold=", "min_speech_duration_ms=",
      "min_silence_duration_ms=", "include_timestamps=", "language_code=", "true", "&", "=", "%",
      "voicewire_resumable=", "voicewire_resume_session=", "voicewire_commits_received="})
  void parse(byte[] data) {
    String raw = new String(data, StandardCharsets.UTF_8);
    Query q = ParserProperty.check(data.length, () -> Query.parse(raw));
    ParserProperty.check(data.length, () -> TtsParams.parse("voice", q), ProtocolException.class);
    ParserProperty.check(data.length, () -> SttParams.parse(q), ProtocolException.class);
    ParserProperty.check(data.length, () -> SttResume.Params.parse(q), ProtocolException.class);
  }
}
