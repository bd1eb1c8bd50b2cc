package io.voicewire.client.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.audio.AudioDecoder;
import io.voicewire.audio.AudioEncoder;
import io.voicewire.audio.AudioFormat;
import io.voicewire.audio.buffer.JitterBufferConfig;
import io.voicewire.audio.buffer.JitterStats;
import io.voicewire.audio.buffer.OverflowPolicy;
import io.voicewire.client.ReconnectPolicy;
import io.voicewire.client.TtsStream;
import io.voicewire.client.VoiceClient;
import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.server.VoicewireServer;
import io.voicewire.speech.TtsRequest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The SDK player plays every format it can receive: the offline engine's speech streamed by a
 * real server in MP3, Ogg Opus and WAV goes through {@link StreamingPlayer} (decoded chunk by
 * chunk as the messages arrive) into a memory sink, and the audio played has the duration and
 * the level of the same speech streamed as PCM.
 */
@Tag("slow") // loads the offline engine (MaryTTS)
@Timeout(300)
class PlayerFormatsTest {
  static final String TEXT = "Turn left at the red door, then walk to the end of the hall.";
  /**
   * Level below which a sample counts as silence when finding the speech's span (-30 dBFS: above
   * the codecs' low-level noise and pre-echo, which the span should not measure).
   */
  static final int SILENCE = 1_000;
  /** How far the speech's span may differ from the PCM path's: one Opus frame and change, ms. */
  static final double SPAN_TOLERANCE_MS = 25;
  /** Pre-roll of the players here: the whole sentence (about 3.3 s) is buffered first, ms. */
  static final int PRE_ROLL_MILLIS = 8_000;

  static LocalSpeechProvider engine;
  static VoicewireServer server;
  static VoiceClient client;

  @BeforeAll
  static void start() throws Exception {
    engine = LocalSpeechProvider.builder().sttDecoders(0).build(); // TTS only: no recognizer
    assertTrue(engine.awaitReady(240, TimeUnit.SECONDS), "engine not ready");
    server = VoicewireServer.create(c -> c.provider(engine));
    int port = server.start(0);
    client = VoiceClient.builder().baseUrl("http://127.0.0.1:" + port)
        .reconnectPolicy(ReconnectPolicy.NEVER).build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  /** What one stream played: the sink's PCM and the player's counters. */
  record Played(AudioFormat pcm, short[] samples, JitterStats stats) {
    /** Milliseconds from the first to the last sample louder than {@link #SILENCE}. */
    double spanMillis() {
      return (last() - first()) * 1000.0 / pcm.sampleRate();
    }

    double rms() {
      double sum = 0;
      for (int i = first(); i <= last(); i++) {
        sum += (double) samples[i] * samples[i];
      }
      return Math.sqrt(sum / (last() - first() + 1));
    }

    int first() {
      int i = 0;
      while (Math.abs(samples[i]) < SILENCE) {
        i++;
      }
      return i;
    }

    int last() {
      int i = samples.length - 1;
      while (Math.abs(samples[i]) < SILENCE) {
        i--;
      }
      return i;
    }
  }

  static Played play(String format) throws Exception {
    PcmSink.MemorySink sink = PcmSink.memory();
    AudioFormat f = AudioFormat.parse(format);
    // a pre-roll longer than the speech: no underrun silence inside the span on a busy machine
    JitterBufferConfig config = JitterBufferConfig.of(AudioDecoder.outputOf(f),
        OverflowPolicy.BACKPRESSURE).withMaxBufferedMillis(2 * PRE_ROLL_MILLIS)
        .withDelays(PRE_ROLL_MILLIS, PRE_ROLL_MILLIS, 20);
    try (StreamingPlayer player = StreamingPlayer.start(f, config, sink)) {
      TtsStream tts = client.newTtsStream(TtsRequest.builder(LocalSpeechProvider.VOICE_SLT)
          .autoMode(true).outputFormat(AudioFormat.parse(format)).build(), player);
      tts.send(TEXT);
      tts.end();
      assertTrue(player.awaitFinished(60, TimeUnit.SECONDS), format + ": played to the end");
      assertNull(player.failure(), format);
      assertNull(player.sinkError(), format);
      byte[] b = sink.bytes();
      short[] s = new short[b.length / 2];
      java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
      return new Played(player.outputFormat(), s, player.stats());
    }
  }

  @ParameterizedTest(name = "{0} vs {1}")
  @CsvSource({"mp3_44100_128, pcm_44100", "mp3_22050_32, pcm_22050", "opus_48000_64, pcm_48000",
      "wav_24000, pcm_24000"})
  void playsWithTheDurationAndLevelOfThePcmPath(String format, String reference)
      throws Exception {
    Played pcm = play(reference);
    Played coded = play(format);
    assertEquals(pcm.pcm(), coded.pcm(), "the sink gets PCM at the codec's rate");
    // the speech's span: the same to a few ms (a codec shifts both ends alike)
    assertEquals(pcm.spanMillis(), coded.spanMillis(), SPAN_TOLERANCE_MS,
        format + ": speech span, ms (" + coded.stats() + ")");
    double ratio = coded.rms() / pcm.rms();
    assertTrue(ratio > 0.8 && ratio < 1.2, format + ": level ratio " + ratio);
    // every sample decoded is played: MP3 adds its delay and pads the last frame, no more
    double extra = AudioFormat.parse(format).encoding() == AudioFormat.Encoding.MP3
        ? (AudioEncoder.MP3_DECODER_DELAY_SAMPLES + 2 * 1152) * 1000.0
            / coded.pcm().sampleRate() : 0;
    long played = coded.stats().playedMillis();
    long want = pcm.stats().playedMillis();
    assertTrue(played >= want - StreamingPlayer.FRAME_MILLIS
        && played <= want + extra + StreamingPlayer.FRAME_MILLIS,
        format + ": played " + played + " ms, PCM path " + want + " ms");
    assertEquals(0, coded.stats().underruns(), format + ": no gap in playback");
    System.out.printf("player %s: span %.1f ms (pcm %.1f), level %.3f, played %d ms (pcm %d),"
        + " underruns %d%n", format, coded.spanMillis(), pcm.spanMillis(), ratio, played, want,
        coded.stats().underruns());
  }

  @Test
  void aBrokenStreamFailsThePlayerCleanly() throws Exception {
    PcmSink.MemorySink sink = PcmSink.memory();
    StreamingPlayer player = StreamingPlayer.start(AudioFormat.parse("opus_48000_64"), sink);
    player.onAudio(new io.voicewire.speech.TtsAudio(new byte[100], null, null));
    assertTrue(player.awaitFinished(10, TimeUnit.SECONDS));
    assertTrue(player.failure().message().contains("opus_48000_64"), player.failure().message());
    assertThrows(IllegalArgumentException.class, () -> StreamingPlayer.start(
        new AudioFormat(AudioFormat.Encoding.OPUS, 16_000, 32), PcmSink.memory()));
  }
}
