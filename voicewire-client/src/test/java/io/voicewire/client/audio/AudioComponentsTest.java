package io.voicewire.client.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.audio.buffer.JitterStats;
import io.voicewire.client.CodedSpeechProvider;
import io.voicewire.client.ReconnectPolicy;
import io.voicewire.client.SttStream;
import io.voicewire.client.TranscriptQueue;
import io.voicewire.client.TtsStream;
import io.voicewire.client.VoiceClient;
import io.voicewire.client.internal.FakeSpeech;
import io.voicewire.client.internal.FakeSttPeer;
import io.voicewire.client.internal.FakeVoice;
import io.voicewire.server.VoicewireServer;
import io.voicewire.speech.Transcript;
import io.voicewire.speech.TtsRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The player and the capture, headless: memory sink, paced stream source, real server. */
@Timeout(60)
class AudioComponentsTest {

  @Test
  void thePlayerPlaysEverySampleInOrderThroughTheJitterBuffer() throws Exception {
    PcmSink.MemorySink sink = PcmSink.memory();
    StreamingPlayer player = StreamingPlayer.start(FakeVoice.FORMAT, sink);
    String text = "jittery network, steady playout. ";
    for (int i = 0; i < text.length(); i += 4) {
      player.onAudio(FakeVoice.chunk(text.substring(i, Math.min(text.length(), i + 4)), 0));
      Thread.sleep(i % 12 == 0 ? 30 : 5); // bursts and gaps
    }
    player.onClosed(true);
    assertTrue(player.awaitFinished(20, TimeUnit.SECONDS));
    assertEquals(text, FakeVoice.decode(sink.bytes()), "silence only around the audio");
    JitterStats st = player.stats();
    assertTrue(st.playedMillis() >= text.length() * FakeVoice.MS_PER_CHAR, st.toString());
    assertNull(player.sinkError());
  }

  @Test
  void thePlayerTakesCompressedFormatsAndTheSdkAsksForPcmByDefault() throws Exception {
    for (String name : new String[] {"mp3_44100_128", "opus_48000_64", "wav_16000"}) {
      io.voicewire.audio.AudioFormat f = io.voicewire.audio.AudioFormat.parse(name);
      try (StreamingPlayer p = StreamingPlayer.start(f, PcmSink.memory())) {
        assertEquals(io.voicewire.audio.AudioFormat.PCM_48000.withSampleRate(f.sampleRate()),
            p.outputFormat(), name + ": the sink plays the codec's PCM");
      }
    }
    assertEquals("pcm_24000", TtsRequest.builder("v").build().outputFormat().wireName());
  }

  @Test
  void aTtsStreamPlaysThroughThePlayer() throws Exception {
    try (CodedSpeechProvider p = new CodedSpeechProvider(12, 1);
        VoicewireServer s = VoicewireServer.create(c -> c.provider(p))) {
      int port = s.start(0);
      try (VoiceClient client = VoiceClient.builder().baseUrl("http://127.0.0.1:" + port)
          .reconnectPolicy(ReconnectPolicy.NEVER).build()) {
        PcmSink.MemorySink sink = PcmSink.memory();
        StreamingPlayer player = StreamingPlayer.start(FakeVoice.FORMAT, sink);
        TtsStream tts = client.newTtsStream(TtsRequest.builder(CodedSpeechProvider.VOICE)
            .autoMode(true).outputFormat(FakeVoice.FORMAT).build(), player);
        String text = "Played as it arrives. Without gaps, without repeats. ";
        tts.send(text);
        tts.end();
        assertTrue(player.awaitFinished(30, TimeUnit.SECONDS));
        assertNull(player.failure());
        assertEquals(text, FakeVoice.decode(sink.bytes()));
      }
    }
  }

  @Test
  void theCaptureFeedsAnSttStreamAtRealTime() throws Exception {
    try (CodedSpeechProvider p = new CodedSpeechProvider(12, 0);
        VoicewireServer s = VoicewireServer.create(c -> c.provider(p))) {
      int port = s.start(0);
      try (VoiceClient client = VoiceClient.builder().baseUrl("http://127.0.0.1:" + port)
          .build()) {
        TranscriptQueue transcripts = new TranscriptQueue();
        SttStream stt = client.newSttStream(FakeSttPeer.request(true), transcripts);
        ByteArrayOutputStream speech = new ByteArrayOutputStream();
        speech.writeBytes(FakeSpeech.say("one two "));
        speech.writeBytes(FakeSpeech.silence(FakeSttPeer.VAD_SILENT_FRAMES + 2));
        speech.writeBytes(FakeSpeech.say("three "));
        long start = System.nanoTime();
        try (MicrophoneCapture mic = MicrophoneCapture.start(MicrophoneCapture.paced(
            new ByteArrayInputStream(speech.toByteArray()), FakeSpeech.FORMAT),
            FakeSpeech.FORMAT, 40, stt::sendAudio)) {
          assertTrue(mic.awaitEnd(20, TimeUnit.SECONDS));
          assertEquals(0, mic.droppedChunks());
        }
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs >= speech.size() / 32 - 100, "paced at real time: " + tookMs + " ms");
        stt.end();
        StringBuilder committed = new StringBuilder();
        for (Transcript t : transcripts) {
          if (t.committed()) {
            committed.append(t.text());
          }
        }
        assertEquals("one two three ", committed.toString());
      }
    }
  }

  @Test
  void chunksTheConsumerRefusesAreDroppedAndCounted() throws Exception {
    AtomicInteger n = new AtomicInteger();
    try (MicrophoneCapture mic = MicrophoneCapture.start(new ByteArrayInputStream(
        new byte[3200 * 10]), FakeSpeech.FORMAT, 100, chunk -> n.incrementAndGet() % 2 == 0)) {
      assertTrue(mic.awaitEnd(10, TimeUnit.SECONDS));
      assertEquals(10, mic.chunks());
      assertEquals(5, mic.droppedChunks());
    }
  }
}
