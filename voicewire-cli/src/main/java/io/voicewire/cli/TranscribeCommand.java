package io.voicewire.cli;

import io.voicewire.audio.AudioConverter;
import io.voicewire.audio.AudioFormat;
import io.voicewire.audio.Wav;
import io.voicewire.client.ConnectionStatus;
import io.voicewire.client.SttStream;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.Transcript;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code voicewire transcribe}: a WAV file through the SDK's realtime STT, played in real time
 * (or {@code --fast}). Partial and committed transcripts go to stderr as they arrive; standard
 * output ends with the whole committed text on its last line.
 */
@Command(name = "transcribe", mixinStandardHelpOptions = true,
    description = {"Transcribe a WAV file with realtime speech-to-text over WebSocket.",
        "Partials stream to stderr as the file plays; stdout ends with the committed text.",
        "Without --server an offline engine runs in this process."})
public final class TranscribeCommand implements Callable<Integer> {
  /** Audio per chunk sent, ms. */
  static final int CHUNK_MILLIS = 100;
  /** After the audio, the longest wait for the last committed transcript, seconds. */
  static final long FINISH_WAIT_SECONDS = 120;

  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions target;

  @Parameters(index = "0", paramLabel = "WAV", description = "The audio file (16-bit PCM WAV).")
  Path input;

  @Option(names = "--fast", description = "Send the audio as fast as possible instead of in "
      + "real time.")
  boolean fast;

  @Option(names = "--commit", defaultValue = "vad", paramLabel = "vad|manual",
      description = "Commit strategy (default: ${DEFAULT-VALUE}); manual commits at the end.")
  String commit;

  @Option(names = "--language", paramLabel = "CODE", description = "Language code, e.g. en.")
  String language;

  @Option(names = "--model", defaultValue = SttRequest.DEFAULT_MODEL, paramLabel = "ID",
      description = "Model id (default: ${DEFAULT-VALUE}).")
  String model;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CommitStrategy strategy;
    try {
      strategy = CommitStrategy.parse(commit);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--commit: " + e.getMessage());
    }
    Wav.WavAudio wav = Wav.read(input).toMono();
    AudioFormat from = AudioFormat.PCM_16000.withSampleRate(wav.sampleRate());
    byte[] pcm = wav.pcm16le();
    if (wav.sampleRate() != 16000) {
      AudioConverter conv = AudioConverter.create(from, AudioFormat.PCM_16000);
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.writeBytes(conv.convert(pcm));
      b.writeBytes(conv.flush());
      pcm = b.toByteArray();
    }
    SttRequest request = SttRequest.builder().modelId(model).audioFormat(AudioFormat.PCM_16000)
        .commitStrategy(strategy).languageCode(language).build();
    boolean terminal = System.console() != null;
    StringBuilder committed = new StringBuilder();
    CountDownLatch done = new CountDownLatch(1);
    SpeechError[] failure = new SpeechError[1];
    try (ClientOptions.Target t = target.open(err)) {
      SttStream s = t.client().newSttStream(request, new SttStream.Listener() {
        @Override
        public void onStatus(ConnectionStatus status) {
          if (status.state() == ConnectionStatus.State.RECONNECTING) {
            err.println((terminal ? "\r\033[K" : "") + "(" + status + ")");
            err.flush();
          }
        }

        @Override
        public void onPartial(Transcript p) {
          if (terminal) {
            err.print("\r\033[K… " + p.text());
          } else {
            err.println("partial: " + p.text());
          }
          err.flush();
        }

        @Override
        public void onCommitted(Transcript c) {
          if (c.text().isBlank()) {
            return;
          }
          synchronized (committed) {
            if (committed.length() > 0) {
              committed.append(' ');
            }
            committed.append(c.text().trim());
          }
          err.printf(Locale.ROOT, "%s[%6.2f s] %s%n", terminal ? "\r\033[K" : "",
              c.audioEndMs() / 1000.0, c.text().trim());
          err.flush();
        }

        @Override
        public void onClosed() {
          done.countDown();
        }

        @Override
        public void onFailure(SpeechError error) {
          failure[0] = error;
          done.countDown();
        }
      });
      s.pump(new ByteArrayInputStream(pcm), CHUNK_MILLIS, !fast);
      s.end();
      if (!done.await(FINISH_WAIT_SECONDS, TimeUnit.SECONDS)) {
        s.cancel();
        err.println("voicewire: no final transcript within " + FINISH_WAIT_SECONDS + " s");
        err.flush();
        return CommandLine.ExitCode.SOFTWARE;
      }
    }
    if (failure[0] != null) {
      err.println("voicewire: " + failure[0]);
      err.flush();
      return CommandLine.ExitCode.SOFTWARE;
    }
    synchronized (committed) {
      out.println(committed);
    }
    out.flush();
    return CommandLine.ExitCode.OK;
  }
}
