package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The official ElevenLabs JS SDK ({@code @elevenlabs/elevenlabs-js}, pinned in
 * {@code voicewire-web/package.json}) runs unchanged against the server with only its base URL
 * changed: streamed TTS, TTS with timestamps, whole-file TTS, voices, models, single-use tokens,
 * realtime STT (API key and token) and batch STT. See {@code src/test/js/official-sdk.cjs}.
 *
 * <p>Skipped only when {@code node} is not installed; when the SDK is not installed yet it runs
 * {@code npm ci} in {@code voicewire-web} first.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class OfficialSdkTest {
  static final String KEY = "sdk-test-key";

  @Test
  void theOfficialJsSdkWorksWithOnlyItsBaseUrlChanged() throws Exception {
    Assumptions.assumeTrue(run(List.of("node", "--version"), null, Map.of(), 30) != null,
        "node is not installed: the official SDK compatibility test needs Node.js 18+");
    Path module = Path.of("").toAbsolutePath();
    Path web = module.resolveSibling("voicewire-web");
    Path sdk = web.resolve("node_modules/@elevenlabs/elevenlabs-js");
    if (!Files.isDirectory(sdk)) {
      Result npm = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"),
          web.toFile(), Map.of(), 240);
      assertTrue(npm != null && npm.code == 0, "npm ci in voicewire-web failed: "
          + (npm == null ? "npm missing" : npm.err));
    }
    ToneSpeechProvider p = ToneSpeechProvider.create();
    // the script's tones as an MP3 from another encoder: 44.1 kHz stereo, an ID3 tag
    Path mp3File = Files.createTempFile("sdk-batch", ".mp3");
    // (320 kbit/s: the tone provider's zero-crossing count is thrown off by coarser coding)
    Files.write(mp3File, io.voicewire.testing.Ffmpeg.encode(BatchSttTest.wav(
        BatchSttTest.speech(16000), 16000, 1, 16), "mp3", "-ar", "44100", "-ac", "2", "-b:a",
        "320k"));
    try (ServerFixture f = ServerFixture.start(p, c -> c.apiKeys(List.of(KEY)))) {
      Map<String, String> env = new HashMap<>();
      env.put("NODE_PATH", web.resolve("node_modules").toString());
      env.put("BASE_URL", "http://127.0.0.1:" + f.port);
      env.put("API_KEY", KEY);
      env.put("VOICE_ID", ToneSpeechProvider.VOICE);
      env.put("MP3_FILE", mp3File.toString());
      env.remove("ELEVENLABS_API_KEY");
      Result r = run(List.of("node", module.resolve("src/test/js/official-sdk.cjs").toString()),
          module.toFile(), env, 180);
      assertTrue(r != null, "node did not run");
      assertEquals(0, r.code, "SDK script failed:\n" + r.out + "\n" + r.err);
      Map<String, JsonNode> checks = new HashMap<>();
      for (String line : r.out.lines().toList()) {
        if (line.startsWith("{")) {
          JsonNode n = ServerFixture.json(line);
          checks.put(n.get("check").asText(), n);
        }
      }
      for (String c : List.of("tts_stream", "tts_stream_with_timestamps", "tts_convert",
          "tts_convert_with_timestamps", "tts_default_mp3", "voices_models", "stt_realtime",
          "stt_realtime_token", "stt_batch", "stt_batch_mp3", "done")) {
        assertTrue(checks.containsKey(c), "missing check " + c + " in:\n" + r.out);
      }
      assertTrue(checks.get("tts_stream_with_timestamps").get("lines").asInt() > 1);
      // the SDK's default request plays as MP3: ffmpeg decodes it to the PCM stream's length
      short[] mp3 = io.voicewire.testing.Ffmpeg.decode(java.util.Base64.getDecoder().decode(
          checks.get("tts_default_mp3").get("base64").asText()), 16_000);
      double pcmSeconds = checks.get("tts_stream").get("bytes").asInt() / 32_000.0;
      double mp3Seconds = mp3.length / 16_000.0;
      assertTrue(mp3Seconds >= pcmSeconds - 0.002 && mp3Seconds <= pcmSeconds + (
          io.voicewire.audio.AudioEncoder.MP3_DECODER_DELAY_SAMPLES + 2 * 1152) / 44_100.0,
          "default MP3 lasts " + mp3Seconds + " s, PCM " + pcmSeconds + " s");
      assertTrue(io.voicewire.testing.Ffmpeg.rms(mp3) > 0.01, "the MP3 is not silent");
      assertEquals("alpha bravo", checks.get("stt_realtime").get("committed").asText());
      assertEquals("alpha bravo", checks.get("stt_batch").get("text").asText());
      assertEquals("alpha bravo", checks.get("stt_batch_mp3").get("text").asText());
    } finally {
      p.close();
      Files.deleteIfExists(mp3File);
    }
  }

  record Result(int code, String out, String err) {}

  /** Runs a command with a timeout; null when it cannot be started (not installed). */
  static Result run(List<String> cmd, File dir, Map<String, String> env, int timeoutSecs)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (dir != null) {
      pb.directory(dir);
    }
    pb.environment().putAll(env);
    pb.environment().remove("ELEVENLABS_API_KEY");
    File out = File.createTempFile("node-out", ".txt");
    File err = File.createTempFile("node-err", ".txt");
    pb.redirectOutput(out).redirectError(err);
    Process proc;
    try {
      proc = pb.start();
    } catch (IOException e) {
      return null;
    }
    try {
      if (!proc.waitFor(timeoutSecs, TimeUnit.SECONDS)) {
        proc.destroyForcibly();
        proc.waitFor(10, TimeUnit.SECONDS);
        return new Result(-1, read(out), "timed out after " + timeoutSecs + " s\n" + read(err));
      }
      return new Result(proc.exitValue(), read(out), read(err));
    } finally {
      Files.deleteIfExists(out.toPath());
      Files.deleteIfExists(err.toPath());
    }
  }

  private static String read(File f) throws IOException {
    return Files.readString(f.toPath(), StandardCharsets.UTF_8);
  }
}
