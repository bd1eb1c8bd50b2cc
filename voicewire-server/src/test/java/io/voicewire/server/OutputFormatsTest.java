package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.audio.AudioEncoder;
import io.voicewire.audio.AudioFormat;
import io.voicewire.audio.Wav;
import io.voicewire.testing.Ffmpeg;
import io.voicewire.engine.local.LocalSpeechProvider;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every compressed output format, produced by the server from the offline engine's PCM over HTTP
 * and over {@code stream-input}, decoded by an independent decoder (ffmpeg) and compared with the
 * PCM path: same length (within the codec's delay and frame padding) and same level.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class OutputFormatsTest {
  static final String VOICE = LocalSpeechProvider.VOICE_SLT;
  static final String TEXT = "Turn left at the red door.";
  /** The compressed formats of the official enum (and mp3_24000_48, which voicewire also names). */
  static final List<String> FORMATS = List.of("mp3_22050_32", "mp3_24000_48", "mp3_44100_32",
      "mp3_44100_64", "mp3_44100_96", "mp3_44100_128", "mp3_44100_192", "opus_48000_32",
      "opus_48000_64", "opus_48000_96", "opus_48000_128", "opus_48000_192");
  /** The WAVE formats of the official convert endpoint, every one over HTTP. */
  static final List<String> WAV_FORMATS = List.of("wav_8000", "wav_16000", "wav_22050",
      "wav_24000", "wav_32000", "wav_44100", "wav_48000");
  static LocalServer server;
  static ServerFixture f;
  static final Map<Integer, byte[]> PCM = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    server = LocalServer.start();
    f = server.fixture;
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static Stream<Arguments> cases() {
    return Stream.concat(FORMATS.stream().flatMap(n -> Stream.of(Arguments.of(n, "http"),
        Arguments.of(n, "stream-input"))), Stream.concat(WAV_FORMATS.stream()
        .map(n -> Arguments.of(n, "http")), Stream.of(Arguments.of("wav_16000", "stream-input"),
        Arguments.of("wav_44100", "whole file"))));
  }

  static byte[] http(String format) throws Exception {
    HttpResponse<byte[]> r = f.postBytes("/v1/text-to-speech/" + VOICE + "/stream"
        + (format == null ? "" : "?output_format=" + format),
        ("{\"text\":\"" + TEXT + "\"}").getBytes());
    assertEquals(200, r.statusCode(), new String(r.body()));
    return r.body();
  }

  /** The whole-file endpoint's body; for WAVE, checks the header states the real sizes. */
  static byte[] whole(String format) throws Exception {
    HttpResponse<byte[]> r = f.postBytes("/v1/text-to-speech/" + VOICE + "?output_format="
        + format, ("{\"text\":\"" + TEXT + "\"}").getBytes());
    assertEquals(200, r.statusCode(), new String(r.body()));
    assertEquals("audio/wav", r.headers().firstValue("content-type").orElse(""));
    Wav.WavAudio a = Wav.read(new java.io.ByteArrayInputStream(r.body()));
    assertEquals(r.body().length - 44, a.pcm16le().length, "the data size is the file's");
    return r.body();
  }

  /** The audio of one stream-input session; asserts every character arrives in the alignment. */
  static byte[] streamInput(String format) throws Exception {
    WsClient c = f.connect("/v1/text-to-speech/" + VOICE + "/stream-input?output_format="
        + format + "&sync_alignment=true");
    c.send("{\"text\":\" \"}");
    c.send("{\"text\":\"" + TEXT + " \"}");
    c.send("{\"text\":\"\"}");
    ByteArrayOutputStream audio = new ByteArrayOutputStream();
    StringBuilder chars = new StringBuilder();
    int messages = 0;
    while (true) {
      JsonNode m = c.next();
      if (m.path("isFinal").asBoolean(false)) {
        break;
      }
      assertTrue(m.has("audio"), m.toString());
      audio.writeBytes(Base64.getDecoder().decode(m.get("audio").asText()));
      for (JsonNode ch : m.path("alignment").path("chars")) {
        chars.append(ch.asText());
      }
      messages++;
    }
    assertEquals(TEXT, chars.toString().trim(), "every character's timing arrives: " + format);
    assertTrue(messages >= 2, "streamed in chunks: " + messages);
    return audio.toByteArray();
  }

  static byte[] pcm(int rate) {
    return PCM.computeIfAbsent(rate, r -> {
      try {
        return http("pcm_" + r);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
  }

  @ParameterizedTest(name = "{0} over {1}")
  @MethodSource("cases")
  void decodesToTheLengthAndLevelOfThePcmPath(String name, String transport) throws Exception {
    AudioFormat format = AudioFormat.parse(name);
    int rate = format.sampleRate();
    byte[] encoded = switch (transport) {
      case "http" -> http(name);
      case "whole file" -> whole(name);
      default -> streamInput(name);
    };
    short[] decoded = Ffmpeg.decode(encoded, rate);
    byte[] reference = pcm(rate);
    double want = reference.length / 2.0 / rate;
    double got = decoded.length / (double) rate;
    // Ogg Opus trims its delay and padding exactly (to a sample); a streamed MP3 keeps its
    // encoder and decoder delay and pads the last frame
    double slack = format.encoding() != AudioFormat.Encoding.MP3 ? 0.002
        : (AudioEncoder.MP3_DECODER_DELAY_SAMPLES + 1152.0 * 2) / rate;
    assertTrue(got >= want - 0.002 && got <= want + slack,
        name + " over " + transport + ": " + got + " s decoded, PCM path " + want + " s");
    double ratio = Ffmpeg.rms(decoded) / Ffmpeg.rms(reference);
    assertTrue(ratio > 0.8 && ratio < 1.2, name + " over " + transport + ": level " + ratio);
  }

  /** A two-voice dialogue's turns as the dialogue socket sends them, each turn's audio apart. */
  static List<byte[]> dialogueTurns(String format) throws Exception {
    WsClient c = f.connect("/v1/text-to-dialogue/stream-input?model_id=eleven_v3&output_format="
        + format);
    c.send("{\"voices\":[\"" + VOICE + "\",\"" + LocalSpeechProvider.VOICE_KEVIN + "\"]}");
    c.send("{\"inputs\":[{\"text\":\"" + TEXT + " \",\"voice_id\":\"" + VOICE + "\"},"
        + "{\"text\":\"Then go straight on. \",\"voice_id\":\"" + LocalSpeechProvider.VOICE_KEVIN
        + "\"}]}");
    c.send("{\"close_socket\":true}");
    List<byte[]> turns = new java.util.ArrayList<>();
    ByteArrayOutputStream turn = new ByteArrayOutputStream();
    while (true) {
      JsonNode m = c.next();
      if (m.path("is_final").asBoolean(false)) {
        break;
      }
      if (m.path("is_final_audio_for_turn").asBoolean(false)) {
        turns.add(turn.toByteArray());
        turn = new ByteArrayOutputStream();
        continue;
      }
      assertTrue(m.has("audio"), m.toString());
      turn.writeBytes(Base64.getDecoder().decode(m.get("audio").asText()));
    }
    assertEquals(2, turns.size(), "two turns: " + format);
    return turns;
  }

  /**
   * Text-to-Dialogue in MP3 and Opus: each turn (its own stream: an MPEG stream, an Ogg Opus
   * stream) decodes with ffmpeg to the length and level of the same turn in PCM.
   */
  @ParameterizedTest(name = "dialogue in {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"mp3_44100_128", "mp3_22050_32",
      "opus_48000_64"})
  void dialogueTurnsDecodeToTheLengthAndLevelOfThePcmPath(String name) throws Exception {
    AudioFormat format = AudioFormat.parse(name);
    int rate = format.sampleRate();
    List<byte[]> encoded = dialogueTurns(name);
    List<byte[]> reference = dialogueTurns("pcm_" + rate);
    double slack = format.encoding() != AudioFormat.Encoding.MP3 ? 0.002
        : (AudioEncoder.MP3_DECODER_DELAY_SAMPLES + 1152.0 * 2) / rate;
    for (int i = 0; i < 2; i++) {
      short[] decoded = Ffmpeg.decode(encoded.get(i), rate);
      double want = reference.get(i).length / 2.0 / rate;
      double got = decoded.length / (double) rate;
      assertTrue(want > 0.5 && got >= want - 0.002 && got <= want + slack,
          name + " turn " + i + ": " + got + " s decoded, PCM path " + want + " s");
      double ratio = Ffmpeg.rms(decoded) / Ffmpeg.rms(reference.get(i));
      assertTrue(ratio > 0.8 && ratio < 1.2, name + " turn " + i + ": level " + ratio);
    }
  }

  @Test
  void noOutputFormatIsTheOfficialDefaultMp3At44100And128k() throws Exception {
    HttpResponse<byte[]> r = f.postBytes("/v1/text-to-speech/" + VOICE,
        ("{\"text\":\"" + TEXT + "\"}").getBytes());
    assertEquals(200, r.statusCode());
    assertEquals("audio/mpeg", r.headers().firstValue("content-type").orElse(""));
    byte[] b = r.body();
    // an MPEG-1 layer III frame header: sync, 128 kbit/s (index 9), 44100 Hz (index 0)
    assertEquals(0xFF, b[0] & 0xFF);
    assertEquals(0xFA, b[1] & 0xFE);
    assertEquals(0x90, b[2] & 0xFC);
    double ratio = Ffmpeg.rms(Ffmpeg.decode(b, 44_100)) / Ffmpeg.rms(pcm(44_100));
    assertTrue(ratio > 0.8 && ratio < 1.2, "level " + ratio);
  }

  /** How far a word's onset in the decoded MP3 may be from where it is in the PCM path, ms. */
  static final double ONSET_TOLERANCE_MS = 4;

  /**
   * The MP3 path's alignment follows the decoded audio (the codec's delay and the audio it holds
   * are in the characters' times): a word's onset, relative to its first character's time, is
   * where it is on the PCM path, for the first word and for the first word after a flush (which
   * restarts the encoder). Char times are absolute: each chunk's decoded duration (MPEG frames
   * counted by header) summed, plus the chunk's relative time.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"mp3_44100_128", "mp3_22050_32"})
  void mp3AlignmentLandsOnTheDecodedAudio(String name) throws Exception {
    int rate = AudioFormat.parse(name).sampleRate();
    double[] pcm = onsetsAfterChars("pcm_" + rate, rate);
    double[] mp3 = onsetsAfterChars(name, rate);
    for (int i = 0; i < pcm.length; i++) {
      assertEquals(pcm[i], mp3[i], ONSET_TOLERANCE_MS, name + ": word " + i
          + "'s onset after its first character, ms (PCM path " + pcm[i] + ")");
    }
  }

  /** For "Hello" and "Turn" (after a flush): ms from the first character's time to the onset. */
  static double[] onsetsAfterChars(String format, int rate) throws Exception {
    WsClient c = f.connect("/v1/text-to-speech/" + VOICE + "/stream-input?output_format="
        + format + "&sync_alignment=true");
    c.send("{\"text\":\" \"}");
    c.send("{\"text\":\"Hello there. \",\"flush\":true}");
    c.send("{\"text\":\"Turn left at the red door. \"}");
    c.send("{\"text\":\"\"}");
    ByteArrayOutputStream audio = new ByteArrayOutputStream();
    StringBuilder chars = new StringBuilder();
    List<Double> times = new java.util.ArrayList<>();
    double base = 0;
    while (true) {
      JsonNode m = c.next();
      if (m.path("isFinal").asBoolean(false)) {
        break;
      }
      byte[] b = Base64.getDecoder().decode(m.get("audio").asText());
      audio.writeBytes(b);
      JsonNode al = m.path("alignment");
      for (int i = 0; i < al.path("chars").size(); i++) {
        chars.append(al.path("chars").get(i).asText());
        times.add(base + al.path("charStartTimesMs").get(i).asDouble());
      }
      base += 1000.0 * (format.startsWith("pcm") ? b.length / 2 : mp3Samples(b)) / rate;
    }
    short[] decoded = format.startsWith("pcm") ? pcmShorts(audio.toByteArray())
        : Ffmpeg.decode(audio.toByteArray(), rate);
    String text = chars.toString();
    double[] out = new double[2];
    int[] at = {text.indexOf("Hello"), text.indexOf("Turn")};
    for (int w = 0; w < 2; w++) {
      double t = times.get(at[w]);
      out[w] = onsetMs(decoded, rate, t - 150) - t;
    }
    return out;
  }

  /** Samples of the MPEG frames in {@code b} (whole frames, as the server sends them). */
  static long mp3Samples(byte[] b) {
    int[] mpeg1 = {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320};
    int[] mpeg2 = {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160};
    long samples = 0;
    for (int p = 0; p + 4 <= b.length; ) {
      assertEquals(0xFF, b[p] & 0xFF, "a frame header at " + p);
      boolean one = (b[p + 1] & 0x18) == 0x18;
      int srIndex = (b[p + 2] >> 2) & 3;
      int sr = (one ? new int[] {44100, 48000, 32000} : new int[] {22050, 24000, 16000})[srIndex];
      int kbps = (one ? mpeg1 : mpeg2)[(b[p + 2] >> 4) & 0x0F];
      p += (one ? 144 : 72) * kbps * 1000 / sr + ((b[p + 2] >> 1) & 1);
      samples += one ? 1152 : 576;
    }
    return samples;
  }

  static short[] pcmShorts(byte[] b) {
    short[] s = new short[b.length / 2];
    java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
    return s;
  }

  /** The first 5 ms window from {@code fromMs} on louder than -40 dBFS: its start, ms. */
  static double onsetMs(short[] s, int rate, double fromMs) {
    int w = rate / 200;
    for (int i = (int) Math.max(0, fromMs * rate / 1000); i + w <= s.length; i++) {
      double sum = 0;
      for (int j = i; j < i + w; j++) {
        sum += (double) s[j] * s[j];
      }
      if (Math.sqrt(sum / w) > 328) {
        return i * 1000.0 / rate;
      }
    }
    throw new AssertionError("no onset after " + fromMs + " ms");
  }
}
