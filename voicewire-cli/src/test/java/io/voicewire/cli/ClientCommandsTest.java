package io.voicewire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.voicewire.audio.Wav;
import io.voicewire.testing.EchoSpeechProvider;
import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.server.VoicewireServer;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** speak, transcribe, token and serve --backend elevenlabs: exit codes, output, real servers. */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ClientCommandsTest extends CliHarness {
  /**
   * On a terminal the bar is drawn again only when its percentage changes (one draw per audio
   * message before: a long text drew the same bar hundreds of times).
   */
  @Test
  void theProgressBarIsRedrawnOnlyWhenItsPercentageChanges() {
    java.io.StringWriter w = new java.io.StringWriter();
    PrintWriter err = new PrintWriter(w);
    int[] shown = {-1};
    for (int done = 0; done <= 1000; done += 3) {
      SpeakCommand.progress(err, done, 1000, shown);
      SpeakCommand.progress(err, done, 1000, shown);
    }
    SpeakCommand.progress(err, 1000, 1000, shown);
    String drawn = w.toString();
    assertEquals(101, drawn.split("\r", -1).length - 1, "one draw per percentage: " + drawn);
    assertTrue(drawn.endsWith("\rspeaking [" + "#".repeat(SpeakCommand.BAR_WIDTH) + "] 100%"));
    int[] off = {Integer.MAX_VALUE}; // not a terminal
    SpeakCommand.progress(err, 500, 1000, off);
    assertEquals(drawn, w.toString());
  }

  @Test
  void helpListsTheClientCommands() {
    assertEquals(0, cli().execute("--help"));
    assertTrue(out.toString().contains("speak"));
    assertTrue(out.toString().contains("transcribe"));
    assertTrue(out.toString().contains("token"));
  }

  @Test
  void badArgumentsAreUsageErrors() {
    assertEquals(2, cli().execute("speak", "hi"));
    assertTrue(err.toString().contains("Missing required option: '--output=FILE'"),
        err.toString());
    err.getBuffer().setLength(0);
    assertEquals(2, cli().execute("token", "realtime_scribe"));
    assertTrue(err.toString().contains("token needs --server"), err.toString());
    err.getBuffer().setLength(0);
    assertEquals(2, cli().execute("token", "nope", "--server", "http://127.0.0.1:9"));
    assertTrue(err.toString().contains(
        "token type must be realtime_scribe, batch_scribe or tts_websocket: nope"));
    err.getBuffer().setLength(0);
    assertEquals(2, cli().execute("transcribe", "in.wav", "--commit", "sometimes"));
    assertTrue(err.toString().contains("commit_strategy must be manual or vad: sometimes"));
  }

  @Test
  void tokenMintsASingleUseToken() throws Exception {
    try (EchoSpeechProvider p = new EchoSpeechProvider();
        VoicewireServer s = VoicewireServer.create(c -> c.provider(p).apiKeys(List.of("k1")))) {
      int port = s.start(0);
      assertEquals(0, cli().execute("token", "tts_websocket", "--server",
          "http://127.0.0.1:" + port, "--api-key", "k1"));
      assertTrue(out.toString().trim().startsWith("vwt_"), out.toString());
      out.getBuffer().setLength(0);
      assertEquals(1, cli().execute("token", "tts_websocket", "--server",
          "http://127.0.0.1:" + port, "--api-key", "wrong"));
      assertTrue(err.toString().startsWith("voicewire: HTTP 401"), err.toString());
    }
  }

  @Test
  void serveRelaysToAnUpstreamWithTheElevenLabsBackend() throws Exception {
    try (EchoSpeechProvider p = new EchoSpeechProvider();
        VoicewireServer cloud = VoicewireServer.create(c -> c.provider(p)
            .apiKeys(List.of("cloud-key")))) {
      int cloudPort = cloud.start(0);
      CommandLine cl = cli();
      ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
      serve.apiKeys = List::of;
      serve.env = Map.<String, String>of()::get;
      assertEquals(2, cl.execute("serve", "--backend", "elevenlabs", "--port", "0"));
      assertTrue(err.toString().contains("the elevenlabs backend needs ELEVENLABS_API_KEY"),
          err.toString());

      CommandLine cl2 = cli();
      ServeCommand relay = cl2.getSubcommands().get("serve").getCommand();
      relay.apiKeys = List::of;
      relay.env = Map.of("ELEVENLABS_API_KEY", "cloud-key")::get;
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl2.execute("serve",
          "--backend", "elevenlabs", "--upstream", "http://127.0.0.1:" + cloudPort,
          "--port", "0"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (relay.boundPort < 0) {
        assertTrue(System.nanoTime() < deadline, "serve did not start: " + err);
        assertFalse(exit.isDone(), "serve exited: " + err);
        Thread.sleep(20);
      }
      assertTrue(out.toString().contains("(backend elevenlabs"), out.toString());
      HttpResponse<String> models = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + relay.boundPort + "/v1/models"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, models.statusCode());
      assertTrue(models.body().contains("answers each chunk"), "relayed: " + models.body());
      relay.stop.countDown();
      assertEquals(0, exit.get(60, TimeUnit.SECONDS));
    }
  }

  @Test
  @Tag("slow")
  void speakThenTranscribeWithTheOfflineEngine() throws Exception {
    try (LocalSpeechProvider engine = LocalSpeechProvider.create();
        VoicewireServer s = VoicewireServer.create(c -> c.provider(engine))) {
      assertTrue(engine.awaitReady(300, TimeUnit.SECONDS));
      String url = "http://127.0.0.1:" + s.start(0);
      Path wav = dir.resolve("hello.wav");
      Path timings = dir.resolve("hello.json");
      String text = "Hello from the voicewire command line.";
      assertEquals(0, cli().execute("speak", text, "-o", wav.toString(), "--voice", "kevin16",
          "--format", "pcm_16000", "--alignment-out", timings.toString(), "--server", url),
          err.toString());
      assertTrue(out.toString().startsWith("wrote " + wav + ": "), out.toString());
      assertFalse(err.toString().contains("speaking ["), "no progress bar off a terminal: "
          + err);
      Wav.WavAudio audio = Wav.read(wav);
      assertEquals(16000, audio.sampleRate());
      assertTrue(audio.durationMillis() > 1000, audio.toString());
      JsonNode chars = new ObjectMapper().readTree(Files.readString(timings));
      StringBuilder aligned = new StringBuilder();
      long lastStart = -1;
      for (JsonNode c : chars) {
        aligned.append(c.get("char").asText());
        assertTrue(c.get("start_ms").asLong() >= lastStart, "times go forward");
        lastStart = c.get("start_ms").asLong();
      }
      assertEquals(text, aligned.toString().trim());

      out.getBuffer().setLength(0);
      assertEquals(0, cli().execute("transcribe", wav.toString(), "--fast", "--server", url),
          err.toString());
      String[] lines = out.toString().split("\n");
      String last = lines[lines.length - 1];
      assertTrue(last.contains("hello"), "stdout ends with the committed text: " + out);
      assertTrue(err.toString().contains("partial: "), err.toString());

      // compressed formats: the MP3 as the server sent it (ffmpeg reads it), or decoded to WAV
      // (before, speak refused every format it could not write to a WAV file as received)
      Path mp3 = dir.resolve("hello.mp3");
      Path opusWav = dir.resolve("hello-opus.wav");
      assertEquals(0, cli().execute("speak", text, "-o", mp3.toString(), "--voice", "kevin16",
          "--format", "mp3_22050_32", "--server", url), err.toString());
      assertEquals(0, cli().execute("speak", text, "-o", opusWav.toString(), "--voice",
          "kevin16", "--format", "opus_48000_64", "--server", url), err.toString());
      byte[] mp3Bytes = Files.readAllBytes(mp3);
      assertEquals(0xff, mp3Bytes[0] & 0xff, "an MPEG frame first");
      double mp3Seconds = io.voicewire.testing.Ffmpeg.decode(mp3Bytes, 16000).length / 16000.0;
      Wav.WavAudio opus = Wav.read(opusWav);
      assertEquals(48000, opus.sampleRate());
      for (double secs : new double[] {mp3Seconds, opus.durationMillis() / 1000.0}) {
        assertEquals(audio.durationMillis() / 1000.0, secs, 0.12, "as long as the PCM: " + secs);
      }

      // an 8 kHz WAV goes as pcm_8000, so the engine knows its band (and fills in the rest)
      Path phone = dir.resolve("hello-8k.wav");
      assertEquals(0, cli().execute("speak", text, "-o", phone.toString(), "--voice", "kevin16",
          "--format", "pcm_8000", "--server", url), err.toString());
      assertTrue(telephone(Files.readAllBytes(phone)));
      assertFalse(telephone(Files.readAllBytes(wav)));
      out.getBuffer().setLength(0);
      assertEquals(0, cli().execute("transcribe", phone.toString(), "--fast", "--server", url),
          err.toString());
      String[] phoneLines = out.toString().split("\n");
      assertTrue(phoneLines[phoneLines.length - 1].contains("hello"), "8 kHz: " + out);

      // the name says the format when --format is not given (before: a WAV named .mp3), and a
      // name that contradicts --format is a usage error before any work
      Path byName = dir.resolve("by-name.mp3");
      Path oggByName = dir.resolve("by-name.ogg");
      assertEquals(0, cli().execute("speak", text, "-o", byName.toString(), "--voice", "kevin16",
          "--server", url), err.toString());
      assertEquals(0, cli().execute("speak", text, "-o", oggByName.toString(), "--voice",
          "kevin16", "--server", url), err.toString());
      byte[] named = Files.readAllBytes(byName);
      assertTrue((named[0] & 0xff) == 0xff || new String(named, 0, 3, StandardCharsets.US_ASCII)
          .equals("ID3"), "an MP3 file, not a WAV: " + new String(named, 0, 4,
          StandardCharsets.US_ASCII));
      assertEquals(audio.durationMillis() / 1000.0,
          io.voicewire.testing.Ffmpeg.decode(named, 16000).length / 16000.0, 0.12);
      assertEquals("OggS", new String(Files.readAllBytes(oggByName), 0, 4,
          StandardCharsets.US_ASCII));
      err.getBuffer().setLength(0);
      Path clash = dir.resolve("clash.mp3");
      assertEquals(2, cli().execute("speak", text, "-o", clash.toString(), "--format",
          "pcm_16000", "--server", url));
      assertTrue(err.toString().contains("names an MP3 file, but --format pcm_16000"),
          err.toString());
      assertFalse(Files.exists(clash));
      // a name with no known extension and a compressed format: decoded to WAV, as the help says
      Path other = dir.resolve("speech.audio");
      assertEquals(0, cli().execute("speak", text, "-o", other.toString(), "--voice", "kevin16",
          "--format", "mp3_44100_128", "--server", url), err.toString());
      assertEquals("RIFF", new String(Files.readAllBytes(other), 0, 4, StandardCharsets.US_ASCII));

      assertFalse(telephone(mp3Bytes), "an MP3 is decoded, not sent as is");
      assertFalse(telephone("not audio".getBytes(StandardCharsets.US_ASCII)));

      // transcribe takes the MP3 too (before: "not a WAVE file")
      out.getBuffer().setLength(0);
      assertEquals(0, cli().execute("transcribe", mp3.toString(), "--fast", "--server", url),
          err.toString());
      String[] mp3Lines = out.toString().split("\n");
      assertTrue(mp3Lines[mp3Lines.length - 1].contains("hello"), "the MP3's text: " + out);

      // and FLAC, from ffmpeg: at 16 kHz, and at 8 kHz as pcm_8000 like an 8 kHz WAV (before:
      // "not a WAVE file: starts with 'fLaC'")
      for (Path source : new Path[] {wav, phone}) {
        Path flac = dir.resolve(source.getFileName() + ".flac");
        Files.write(flac, io.voicewire.testing.Ffmpeg.encode(Files.readAllBytes(source), "flac"));
        assertEquals(source == phone, telephone(Files.readAllBytes(flac)));
        out.getBuffer().setLength(0);
        assertEquals(0, cli().execute("transcribe", flac.toString(), "--fast", "--server", url),
            err.toString());
        String[] flacLines = out.toString().split("\n");
        assertTrue(flacLines[flacLines.length - 1].contains("hello"), "FLAC's text: " + out);
      }
    }
  }

  /** Whether {@code transcribe} sends {@code file} as it is, as {@code pcm_8000}. */
  private static boolean telephone(byte[] file) {
    try {
      return TranscribeCommand.readAudio(Path.of("file"), file).format()
          == io.voicewire.audio.AudioFormat.PCM_8000;
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }
}
