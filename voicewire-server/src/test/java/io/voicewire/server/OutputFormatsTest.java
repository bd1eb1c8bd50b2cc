package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.audio.AudioEncoder;
import io.voicewire.audio.AudioFormat;
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
    return FORMATS.stream().flatMap(n -> Stream.of(Arguments.of(n, "http"),
        Arguments.of(n, "stream-input")));
  }

  static byte[] http(String format) throws Exception {
    HttpResponse<byte[]> r = f.postBytes("/v1/text-to-speech/" + VOICE + "/stream"
        + (format == null ? "" : "?output_format=" + format),
        ("{\"text\":\"" + TEXT + "\"}").getBytes());
    assertEquals(200, r.statusCode(), new String(r.body()));
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
    byte[] encoded = transport.equals("http") ? http(name) : streamInput(name);
    short[] decoded = Ffmpeg.decode(encoded, rate);
    byte[] reference = pcm(rate);
    double want = reference.length / 2.0 / rate;
    double got = decoded.length / (double) rate;
    // Ogg Opus trims its delay and padding exactly (to a sample); a streamed MP3 keeps its
    // encoder and decoder delay and pads the last frame
    double slack = format.encoding() == AudioFormat.Encoding.OPUS ? 0.002
        : (AudioEncoder.MP3_DECODER_DELAY_SAMPLES + 1152.0 * 2) / rate;
    assertTrue(got >= want - 0.002 && got <= want + slack,
        name + " over " + transport + ": " + got + " s decoded, PCM path " + want + " s");
    double ratio = Ffmpeg.rms(decoded) / Ffmpeg.rms(reference);
    assertTrue(ratio > 0.8 && ratio < 1.2, name + " over " + transport + ": level " + ratio);
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
}
