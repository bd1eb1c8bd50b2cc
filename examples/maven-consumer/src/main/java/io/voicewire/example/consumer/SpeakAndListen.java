package io.voicewire.example.consumer;

import io.voicewire.audio.AudioFormat;
import io.voicewire.client.SttStream;
import io.voicewire.client.TranscriptQueue;
import io.voicewire.client.TtsAudioQueue;
import io.voicewire.client.TtsStream;
import io.voicewire.client.VoiceClient;
import io.voicewire.speech.Alignment;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.Transcript;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.VoiceInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Speaks a sentence with streaming TTS, then transcribes that audio with realtime STT, against the
 * server at {@code args[0]} (key from {@code $VOICEWIRE_API_KEY}). Prints what it heard.
 *
 * <pre>
 * SpeakAndListen http://127.0.0.1:8080 ["text to speak"]
 * </pre>
 */
public final class SpeakAndListen {
  private SpeakAndListen() {}

  public static void main(String[] args) throws Exception {
    String text = args.length > 1 ? args[1] : "Hello from the voicewire command line.";
    VoiceClient client = VoiceClient.builder().baseUrl(args[0])
        .apiKey(System.getenv("VOICEWIRE_API_KEY")).build();
    try (client) {
      List<VoiceInfo> voices = client.voices();
      String voice = voices.stream().map(VoiceInfo::voiceId)
          .filter("kevin16"::equals).findFirst().orElse(voices.get(0).voiceId());
      System.out.println("voices: " + voices.size() + ", speaking with " + voice);

      TtsAudioQueue chunks = new TtsAudioQueue();
      ByteArrayOutputStream pcm = new ByteArrayOutputStream();
      StringBuilder aligned = new StringBuilder();
      try (TtsStream tts = client.newTtsStream(VoiceClient.ttsRequest(voice).toBuilder()
          .outputFormat(AudioFormat.PCM_16000).build(), chunks)) {
        tts.send(text);
        tts.end();
        for (TtsAudio chunk : chunks) {
          pcm.writeBytes(chunk.audio());
          Alignment a = chunk.alignment();
          for (int i = 0; a != null && i < a.size(); i++) {
            aligned.append(a.chars().get(i));
          }
        }
      }
      System.out.printf("spoke: %.2f s of audio, aligned \"%s\"%n",
          AudioFormat.PCM_16000.millisForBytes(pcm.size()) / 1000.0, aligned.toString().trim());

      TranscriptQueue transcripts = new TranscriptQueue();
      SttStream stt = client.newSttStream(SttRequest.builder().audioFormat(AudioFormat.PCM_16000)
          .commitStrategy(CommitStrategy.MANUAL).build(), transcripts);
      stt.pump(new ByteArrayInputStream(pcm.toByteArray()), 100, false);
      stt.end();
      StringBuilder heard = new StringBuilder();
      for (Transcript t : transcripts) {
        if (t.committed() && !t.text().isBlank()) {
          heard.append(heard.isEmpty() ? "" : " ").append(t.text().trim());
        }
      }
      System.out.println("heard: " + heard);
    }
  }
}
