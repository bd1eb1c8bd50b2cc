package io.voicewire.examples;

import io.voicewire.audio.AudioFormat;
import io.voicewire.audio.Wav;
import io.voicewire.client.TtsAudioQueue;
import io.voicewire.client.TtsStream;
import io.voicewire.client.VoiceClient;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsRequest;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Speaks a text file into a WAV file with a progress bar, over the streaming TTS WebSocket (which
 * resumes by itself if the connection drops).
 *
 * <pre>
 * SpeakFileToWav story.txt story.wav [--voice ID] [--server URL]
 * </pre>
 */
public final class SpeakFileToWav {
  private SpeakFileToWav() {}

  public static void main(String[] args) throws Exception {
    String text = Files.readString(Path.of(args[0]));
    Path out = Path.of(args[1]);
    try (Target t = Target.open(Target.option(args, "--server", null))) {
      String voice = Target.option(args, "--voice", t.client().voices().get(0).voiceId());
      TtsRequest request = VoiceClient.ttsRequest(voice).toBuilder()
          .outputFormat(AudioFormat.PCM_24000).build();
      TtsAudioQueue audio = new TtsAudioQueue();       // the blocking, iterator style
      ByteArrayOutputStream pcm = new ByteArrayOutputStream();
      int voiced = 0;
      try (TtsStream tts = t.client().newTtsStream(request, audio)) {
        tts.send(text);
        tts.end();
        for (TtsAudio chunk : audio) {
          pcm.writeBytes(chunk.audio());
          voiced += chunk.alignment() == null ? 0 : chunk.alignment().size();
          int pct = (int) Math.min(100, voiced * 100L / text.length());
          System.err.print("\r[" + "#".repeat(pct / 4) + " ".repeat(25 - pct / 4) + "] "
              + pct + "%");
        }
        System.err.println();
        System.err.println(tts.metrics());
      }
      Wav.write(out, 24_000, pcm.toByteArray());
      System.out.printf("%s: %.1f s of audio%n", out, pcm.size() / 48_000.0);
    }
  }
}
