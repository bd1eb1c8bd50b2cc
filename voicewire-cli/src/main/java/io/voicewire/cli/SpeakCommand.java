package io.voicewire.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.voicewire.audio.AudioConverter;
import io.voicewire.audio.AudioDecoder;
import io.voicewire.audio.AudioFormat;
import io.voicewire.audio.Wav;
import io.voicewire.client.StreamMetrics;
import io.voicewire.client.TtsAudioQueue;
import io.voicewire.client.TtsStream;
import io.voicewire.client.VoiceClient;
import io.voicewire.client.audio.StreamingPlayer;
import io.voicewire.speech.Alignment;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.VoiceInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code voicewire speak}: text to a WAV file through the SDK's streaming TTS ({@code
 * stream-input}, with reconnect and resume), showing progress as the audio arrives.
 */
@Command(name = "speak", mixinStandardHelpOptions = true,
    description = {"Speak text into a WAV, MP3 or Ogg Opus file, or on the speakers with --play "
        + "(streaming TTS over WebSocket).",
        "Without --server an offline engine runs in this process."})
public final class SpeakCommand implements Callable<Integer> {
  /** Width of the progress bar, characters. */
  static final int BAR_WIDTH = 30;

  @Mixin
  ClientOptions target;

  @Parameters(index = "0", paramLabel = "TEXT", description = "The text; - reads it from stdin.")
  String text;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "The file to write (required unless --play): a .mp3 or .ogg/.opus name "
          + "gets the MP3 or Ogg Opus file as the server sent it, any other name a WAV file "
          + "(an mp3_* or opus_* --format decoded).")
  Path output;

  @Option(names = "--play", description = "Play the speech on the speakers as it arrives "
      + "(javax.sound, through a jitter buffer), with a latency line.")
  boolean play;

  /** For trying --play without speakers: the player writes raw PCM to a file, at real time. */
  @Option(names = "--play-to", hidden = true, paramLabel = "FILE")
  Path playTo;

  @Option(names = "--voice", paramLabel = "ID",
      description = "Voice id (default: the server's first voice).")
  String voice;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "Output format: pcm_8000 … pcm_48000, ulaw_8000, alaw_8000, mp3_22050_32 … "
          + "mp3_44100_192, opus_48000_32 … opus_48000_192 (default: from the -o name, "
          + DEFAULT_MP3 + " for .mp3, " + DEFAULT_OPUS + " for .ogg or .opus, else "
          + DEFAULT_PCM + ").")
  String format;

  static final String DEFAULT_PCM = "pcm_24000";
  static final String DEFAULT_MP3 = "mp3_44100_128";
  static final String DEFAULT_OPUS = "opus_48000_64";

  @Option(names = "--model", paramLabel = "ID",
      description = "Model id (default: " + TtsRequest.DEFAULT_MODEL + ").")
  String model;

  @Option(names = "--alignment-out", paramLabel = "FILE",
      description = "Also write the character timings as JSON: [{\"char\",\"start_ms\","
          + "\"duration_ms\"}], times from the start of the audio.")
  Path alignmentOut;

  /** For testing: where "-" reads from. */
  InputStream stdin = System.in;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = target.out();
    PrintWriter err = target.err();
    AudioFormat f;
    try {
      f = AudioFormat.parse(format != null ? format : formatFor(output));
    } catch (IllegalArgumentException e) {
      throw target.usageError("--format: " + e.getMessage());
    }
    String clash = clash(output, f);
    if (clash != null) {
      throw target.usageError(clash);
    }
    boolean playing = play || playTo != null;
    if (output == null && !playing) {
      throw target.usageError("Missing required option: '--output=FILE' (or --play)");
    }
    for (Path p : new Path[] {output, alignmentOut}) { // before any work is done for them
      String problem = p == null ? null : Outputs.problem(p);
      if (problem != null) {
        throw target.usageError(problem);
      }
    }
    String input = "-".equals(text) ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8)
        : text;
    if (input.isBlank()) {
      throw target.usageError("TEXT is empty");
    }
    boolean interactive = Terminal.interactive();
    if (playing && interactive) { // the latency line owns the terminal's last line
      String key = "org.slf4j.simpleLogger.log.io.voicewire.client";
      System.setProperty(key, System.getProperty(key, "warn"));
    }
    if (play && playTo == null) {
      AudioDevices.checkSpeakers(f); // without a sound card, say so before warming up an engine
    }
    try (ClientOptions.Target t = target.open(err);
        StreamingPlayer player = playing ? AudioDevices.player(f, playTo) : null) {
      VoiceClient client = t.client();
      String voiceId = voice != null ? voice : firstVoice(client);
      TtsRequest.Builder rb = VoiceClient.ttsRequest(voiceId).toBuilder().outputFormat(f);
      if (model != null) {
        rb.modelId(model);
      }
      TtsAudioQueue queue = new TtsAudioQueue();
      ByteArrayOutputStream audio = new ByteArrayOutputStream();
      StringBuilder aligned = new StringBuilder();
      ByteArrayOutputStream timings = new ByteArrayOutputStream();
      StreamMetrics metrics;
      long sentNanos = System.nanoTime();
      double[] firstAudioMillis = {-1};
      Timeline timeline = new Timeline(f);
      // a progress bar only on a terminal, redrawn when its percentage changes: redirected to a
      // log, its carriage returns made one line of a hundred bars
      int[] shownPct = {interactive && !playing ? -1 : Integer.MAX_VALUE};
      try (Terminal.StatusLine latency = Terminal.StatusLine.start(err, interactive && playing,
          () -> AudioDevices.latencyLine(firstAudioMillis[0], player.stats()));
          JsonGenerator g = new JsonFactory().createGenerator(timings);
          TtsStream s = client.newTtsStream(rb.build(), queue)) {
        g.writeStartArray();
        s.send(input);
        s.end();
        for (TtsAudio a : queue) {
          if (firstAudioMillis[0] < 0) {
            firstAudioMillis[0] = (System.nanoTime() - sentNanos) / 1e6;
          }
          if (player != null) {
            player.onAudio(a); // this thread is the player's only producer
          }
          double chunkStartMs = timeline.millis();
          audio.writeBytes(a.audio());
          timeline.add(a.audio());
          Alignment al = a.alignment();
          if (al != null) {
            for (int i = 0; i < al.size(); i++) {
              aligned.append(al.chars().get(i));
              g.writeStartObject();
              g.writeStringField("char", al.chars().get(i));
              g.writeNumberField("start_ms", Math.round(chunkStartMs + al.startMs(i)));
              g.writeNumberField("duration_ms", al.durationMs(i));
              g.writeEndObject();
            }
          }
          progress(err, aligned.length(), input.length(), shownPct);
        }
        g.writeEndArray();
        metrics = s.metrics();
        if (player != null) {
          player.onClosed(true);
          if (!player.awaitFinished(ClientOptions.FINISH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IOException("the player did not finish within "
                + ClientOptions.FINISH_TIMEOUT_SECONDS + " s");
          }
        }
      }
      if (player != null) {
        if (player.sinkError() != null) {
          throw player.sinkError();
        }
        err.println(AudioDevices.latencyLine(firstAudioMillis[0], player.stats()));
      } else if (shownPct[0] >= 0 && shownPct[0] <= 100) {
        err.println(); // after the bar
        err.flush();
      }
      if (output == null) {
        out.printf(Locale.ROOT, "played %.2f s of %s audio, voice %s, %d characters%n",
            timeline.millis() / 1000.0, f.wireName(), voiceId, input.length());
        out.flush();
        return CommandLine.ExitCode.OK;
      }
      byte[] bytes = audio.toByteArray();
      AudioFormat pcmFormat = f.isDecodable() ? AudioFormat.PCM_16000.withSampleRate(f.sampleRate())
          : AudioDecoder.outputOf(f);
      byte[] pcm = f.isDecodable() ? toPcm(f, pcmFormat, bytes) : timeline.decodedPcm();
      int rate = pcmFormat.sampleRate();
      if (f.isDecodable() || formatFor(output).equals(DEFAULT_PCM)) {
        Wav.write(output, rate, pcm);
      } else {
        Files.write(output, bytes); // one valid MP3 or Ogg Opus file, as the server sent it
      }
      if (alignmentOut != null) {
        Files.write(alignmentOut, timings.toByteArray());
      }
      out.printf(Locale.ROOT, "wrote %s: %.2f s of %s audio, voice %s, %d characters; first "
              + "audio after %.0f ms%s%n", output, pcm.length / 2.0 / rate, f.wireName(), voiceId,
          input.length(), metrics.timeToFirstAudioMicros().p50() / 1000.0,
          metrics.reconnects() > 0 ? "; resumed " + metrics.reconnects() + " time(s)" : "");
      out.flush();
      return CommandLine.ExitCode.OK;
    }
  }

  /**
   * How much audio has arrived, ms: from the bytes for PCM and G.711, by decoding for MP3 and
   * Opus (their bytes do not say), so that each chunk's alignment lands where it plays. The
   * decoded PCM of those is kept for a WAV file, so nothing is decoded twice.
   */
  private static final class Timeline {
    private final AudioFormat format;
    private final AudioDecoder decoder;
    private final ByteArrayOutputStream decoded = new ByteArrayOutputStream();
    private long bytes;

    Timeline(AudioFormat f) {
      this.format = f.isDecodable() ? f : AudioDecoder.outputOf(f);
      this.decoder = f.isDecodable() ? null : AudioDecoder.create(f);
    }

    void add(byte[] chunk) {
      if (decoder == null) {
        bytes += chunk.length;
        return;
      }
      byte[] pcm = decoder.decode(chunk);
      decoded.writeBytes(pcm);
      bytes += pcm.length;
    }

    double millis() {
      return format.millisForBytes(bytes);
    }

    /** MP3 and Opus: the stream's PCM, at the decoder's rate (ends the decoding). */
    byte[] decodedPcm() {
      decoded.writeBytes(decoder.finish());
      return decoded.toByteArray();
    }
  }

  /** The format a file name asks for when --format is not given. */
  static String formatFor(Path output) {
    String name = extension(output);
    return name.equals("mp3") ? DEFAULT_MP3
        : name.equals("ogg") || name.equals("opus") ? DEFAULT_OPUS : DEFAULT_PCM;
  }

  /**
   * Why {@code output}'s name and the format {@code f} cannot go together, or null: a .mp3 name
   * for audio that is not MP3, a .ogg or .opus name for audio that is not Opus (the file would
   * be a WAV under a name that says otherwise).
   */
  static String clash(Path output, AudioFormat f) {
    String ext = extension(output);
    boolean mp3 = f.encoding() == AudioFormat.Encoding.MP3;
    boolean opus = f.encoding() == AudioFormat.Encoding.OPUS;
    if (ext.equals("mp3") && !mp3 || (ext.equals("ogg") || ext.equals("opus")) && !opus) {
      return "-o " + output.getFileName() + " names " + (ext.equals("mp3") ? "an MP3" : "an Ogg "
          + "Opus") + " file, but --format " + f.wireName() + " is not: leave --format out, or "
          + "use --format " + (ext.equals("mp3") ? DEFAULT_MP3 : DEFAULT_OPUS)
          + ", or a .wav name";
    }
    return null;
  }

  private static String extension(Path p) {
    String n = p == null || p.getFileName() == null ? ""
        : p.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = n.lastIndexOf('.');
    return dot < 0 ? "" : n.substring(dot + 1);
  }

  /** PCM or G.711 audio as 16-bit PCM in {@code pcm} (the format's rate). */
  private static byte[] toPcm(AudioFormat f, AudioFormat pcm, byte[] bytes) {
    if (f.isPcm()) {
      return bytes;
    }
    AudioConverter conv = AudioConverter.create(f, pcm);
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.writeBytes(conv.convert(bytes));
    p.writeBytes(conv.flush());
    return p.toByteArray();
  }

  static String firstVoice(VoiceClient client) throws IOException {
    List<VoiceInfo> voices = client.voices();
    if (voices.isEmpty()) {
      throw new IOException("the server offers no voices");
    }
    return voices.get(0).voiceId();
  }

  /** Draws the bar at {@code done} of {@code total} if its percentage is not {@code shown}. */
  static void progress(PrintWriter err, int done, int total, int[] shown) {
    int pct = total == 0 ? 100 : (int) Math.min(100, done * 100L / total);
    if (shown[0] == Integer.MAX_VALUE || pct == shown[0]) {
      return; // not drawn (not a terminal), or unchanged
    }
    shown[0] = pct;
    int filled = pct * BAR_WIDTH / 100;
    err.print("\rspeaking [" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "] "
        + pct + "%");
    err.flush();
  }


}
