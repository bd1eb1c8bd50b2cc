package io.voicewire.cli;

import io.voicewire.audio.AudioConverter;
import io.voicewire.audio.AudioDecoder;
import io.voicewire.audio.AudioFormat;
import io.voicewire.audio.Flac;
import io.voicewire.audio.Wav;
import io.voicewire.client.ConnectionStatus;
import io.voicewire.client.SttStream;
import io.voicewire.client.audio.MicrophoneCapture;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.Transcript;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code voicewire transcribe}: a WAV, FLAC, MP3 or Ogg Opus file through the SDK's realtime STT,
 * played in real time (or {@code --fast}). Partial and committed transcripts go to stderr as they
 * arrive; standard output ends with the whole committed text on its last line.
 */
@Command(name = "transcribe", mixinStandardHelpOptions = true,
    description = {"Transcribe a WAV, FLAC, MP3 or Ogg Opus file, or the microphone with --mic,"
        + " with realtime speech-to-text over WebSocket.",
        "Partials rewrite one line on stderr as the audio plays, committed segments become lines;"
            + " stdout ends with the committed text.",
        "Without --server an offline engine runs in this process."})
public final class TranscribeCommand implements Callable<Integer> {
  /** Audio per chunk sent, ms. */
  static final int CHUNK_MILLIS = 100;
  /** After the audio, the longest wait for the last committed transcript, seconds. */
  static final long FINISH_WAIT_SECONDS = 120;

  @Mixin
  ClientOptions target;

  /** With --mic and no --seconds, after Ctrl-C the longest wait for the last transcript, s. */
  static final long STOP_WAIT_SECONDS = 15;

  @Parameters(index = "0", arity = "0..1", paramLabel = "WAV",
      description = "The audio file: WAV, FLAC, MP3 or Ogg Opus; or --mic.")
  Path input;

  @Option(names = "--mic", description = "Listen to the microphone (javax.sound) instead of a "
      + "file, until Ctrl-C or --seconds.")
  boolean mic;

  @Option(names = "--seconds", paramLabel = "N",
      description = "With --mic: stop listening after N seconds.")
  Integer seconds;

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

  /** Counted down when the command is done (Ctrl-C waits for it, to print the last words). */
  private final CountDownLatch finished = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    try {
      return transcribe();
    } finally {
      finished.countDown();
    }
  }

  private Integer transcribe() throws Exception {
    PrintWriter out = target.out();
    PrintWriter err = target.err();
    CommitStrategy strategy;
    try {
      strategy = CommitStrategy.parse(commit);
    } catch (IllegalArgumentException e) {
      throw target.usageError("--commit: " + e.getMessage());
    }
    if ((input == null) == !mic) {
      throw target.usageError(mic ? "give a WAV file or --mic, not both"
              : "Missing required parameter: 'WAV' (or --mic)");
    }
    if (seconds != null && (!mic || seconds <= 0)) {
      throw target.usageError("--seconds needs --mic and a positive number: " + seconds);
    }
    if (mic) { // without a microphone, say so before warming up an engine
      AudioDevices.checkMicrophone(AudioFormat.PCM_16000);
    }
    FileAudio audio = mic ? null
        : readAudio(input, java.nio.file.Files.readAllBytes(input));
    AudioFormat inFormat = audio == null ? AudioFormat.PCM_16000 : audio.format();
    byte[] pcm = audio == null ? null : audio.pcm();
    SttRequest request = SttRequest.builder().modelId(model).audioFormat(inFormat)
        .commitStrategy(strategy).languageCode(language).build();
    boolean terminal = Terminal.interactive();
    StringBuilder committed = new StringBuilder();
    CountDownLatch done = new CountDownLatch(1);
    SpeechError[] failure = new SpeechError[1];
    try (ClientOptions.Target t = target.open(err);
        InputStream micLine = mic ? AudioDevices.microphone(AudioFormat.PCM_16000) : null) {
      SttStream s = t.client().newSttStream(request, new SttStream.Listener() {
        @Override
        public void onStatus(ConnectionStatus status) {
          if (status.state() == ConnectionStatus.State.RECONNECTING
              || status.state() == ConnectionStatus.State.CAPACITY_REFUSAL) {
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
      if (mic) {
        listen(s, micLine, err);
      } else {
        s.pump(new ByteArrayInputStream(pcm), CHUNK_MILLIS, !fast);
      }
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

  /** A file's audio as it is sent: mono PCM in {@code format}, 16 kHz or 8 kHz. */
  record FileAudio(AudioFormat format, byte[] pcm) {}

  /**
   * {@code file} (read from {@code path}), decoded once: MP3 and Ogg Opus to 16 kHz; WAV and
   * FLAC at 8 kHz as they are, sent as {@code pcm_8000} so that the server knows their band ends
   * at 4 kHz (the offline engine then fills in the band above for its wideband recogniser)
   * instead of receiving them resampled to 16 kHz; at any other rate to 16 kHz.
   */
  static FileAudio readAudio(Path path, byte[] file) throws java.io.IOException {
    AudioFormat compressed = AudioDecoder.detect(file);
    if (compressed != null) { // MP3 or Ogg Opus, whatever the name says
      if (!AudioDecoder.canDecode(compressed)) {
        throw new java.io.IOException(path.getFileName() + ": MP3 at "
            + compressed.sampleRate() + " Hz is not supported: convert it to WAV");
      }
      AudioDecoder d = AudioDecoder.create(compressed);
      AudioConverter conv = AudioConverter.create(d.output(), AudioFormat.PCM_16000);
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      try {
        b.writeBytes(conv.convert(d.decode(file)));
        b.writeBytes(conv.convert(d.finish()));
      } catch (IllegalArgumentException e) {
        throw new java.io.IOException(path.getFileName() + ": " + e.getMessage(), e);
      }
      b.writeBytes(conv.flush());
      return new FileAudio(AudioFormat.PCM_16000, b.toByteArray());
    }
    Wav.WavAudio wav;
    try { // WAV or FLAC: both lossless, both read whole
      wav = (Flac.isFlac(file) ? Flac.read(file) : Wav.read(new ByteArrayInputStream(file)))
          .toMono();
    } catch (java.io.IOException e) { // as Wav.read(Path) says it
      throw new java.io.IOException(path.getFileName() + ": " + e.getMessage(), e);
    }
    if (wav.sampleRate() == 8000 || wav.sampleRate() == 16000) {
      return new FileAudio(wav.sampleRate() == 8000 ? AudioFormat.PCM_8000
          : AudioFormat.PCM_16000, wav.pcm16le());
    }
    AudioConverter conv = AudioConverter.create(
        AudioFormat.PCM_16000.withSampleRate(wav.sampleRate()), AudioFormat.PCM_16000);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(conv.convert(wav.pcm16le()));
    b.writeBytes(conv.flush());
    return new FileAudio(AudioFormat.PCM_16000, b.toByteArray());
  }

  /**
   * Streams the microphone into {@code s} until the source ends, --seconds pass, or Ctrl-C (a
   * shutdown hook that lets the last transcript arrive before the process exits).
   */
  private void listen(SttStream s, InputStream micIn, PrintWriter err)
      throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "voicewire transcribe stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try (MicrophoneCapture capture = MicrophoneCapture.start(micIn, AudioFormat.PCM_16000,
        CHUNK_MILLIS, s::sendAudio)) {
      err.println("listening: speak now (" + (seconds != null ? "for " + seconds + " s, " : "")
          + "Ctrl-C to stop)");
      err.flush();
      Thread.ofVirtual().name("voicewire microphone end").start(() -> {
        try {
          capture.awaitEnd(Long.MAX_VALUE, TimeUnit.DAYS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        stop.countDown();
      });
      if (seconds != null) {
        stop.await(seconds, TimeUnit.SECONDS);
      } else {
        stop.await();
      }
      if (capture.error() != null) {
        err.println("voicewire: the microphone failed: " + capture.error().getMessage());
      }
      if (capture.droppedChunks() > 0) {
        err.println("(" + capture.droppedChunks() + " chunks of audio dropped: the network "
            + "did not keep up)");
      }
      err.flush();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running and waits for the last transcript
      }
    }
  }
}
