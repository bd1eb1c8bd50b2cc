package io.voicewire.examples;

import io.voicewire.audio.AudioConverter;
import io.voicewire.audio.AudioFormat;
import io.voicewire.audio.Wav;
import io.voicewire.client.SttStream;
import io.voicewire.client.TranscriptQueue;
import io.voicewire.client.audio.MicrophoneCapture;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.Transcript;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Live transcription of a WAV file streamed in real time, as a microphone would deliver it
 * (swap {@code MicrophoneCapture.paced(...)} for {@code MicrophoneCapture.microphone(format)} to
 * use the real one). Partials overwrite one line; committed text is printed as it comes.
 *
 * <pre>
 * LiveTranscription speech.wav [--server URL]
 * </pre>
 */
public final class LiveTranscription {
  private LiveTranscription() {}

  public static void main(String[] args) throws Exception {
    Wav.WavAudio wav = Wav.read(Path.of(args[0])).toMono();
    AudioConverter toMic = AudioConverter.create(
        AudioFormat.PCM_16000.withSampleRate(wav.sampleRate()), AudioFormat.PCM_16000);
    ByteArrayOutputStream pcm = new ByteArrayOutputStream();
    pcm.writeBytes(toMic.convert(wav.pcm16le()));
    pcm.writeBytes(toMic.flush());
    try (Target t = Target.open(Target.option(args, "--server", null))) {
      SttRequest request = SttRequest.builder().audioFormat(AudioFormat.PCM_16000)
          .commitStrategy(CommitStrategy.VAD).build();
      TranscriptQueue transcripts = new TranscriptQueue();
      SttStream stt = t.client().newSttStream(request, transcripts);
      Thread printer = Thread.ofVirtual().name("transcript printer").start(() -> {
        for (Transcript tr : transcripts) {
          if (tr.committed()) {
            System.out.printf("\r[%5.1f s] %s%n", tr.audioEndMs() / 1000.0, tr.text());
          } else {
            System.out.print("\r… " + tr.text());
          }
        }
      });
      try (MicrophoneCapture mic = MicrophoneCapture.start(MicrophoneCapture.paced(
          new ByteArrayInputStream(pcm.toByteArray()), AudioFormat.PCM_16000),
          AudioFormat.PCM_16000, 100, stt::sendAudio)) {
        mic.awaitEnd(1, TimeUnit.HOURS);
      }
      stt.end();                                          // commit the rest, then close
      printer.join(TimeUnit.MINUTES.toMillis(2));         // the printer ends with the stream
      System.err.println(stt.metrics());
    }
  }
}
