package io.voicewire.server.internal;

/** The kinds of session the server counts, by endpoint. */
enum SessionKind {
  TTS_STREAM_INPUT("tts_stream_input"),
  TTS_MULTI_STREAM_INPUT("tts_multi_stream_input"),
  TTD_STREAM_INPUT("ttd_stream_input"),
  TTD_MULTI_STREAM_INPUT("ttd_multi_stream_input"),
  TTS_HTTP("tts_http"),
  STT_REALTIME("stt_realtime"),
  STT_BATCH("stt_batch");

  final String label;

  SessionKind(String label) {
    this.label = label;
  }
}
