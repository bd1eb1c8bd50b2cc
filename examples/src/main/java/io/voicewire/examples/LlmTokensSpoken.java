package io.voicewire.examples;

import io.voicewire.audio.AudioFormat;
import io.voicewire.client.TtsStream;
import io.voicewire.client.VoiceClient;
import io.voicewire.client.audio.PcmSink;
import io.voicewire.client.audio.StreamingPlayer;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * An LLM-style token stream spoken as it arrives: tokens (word pieces) come with irregular
 * delays; the stream's sentence chunker turns them into whole clauses for {@code auto_mode}, and
 * the player starts speaking after the first clause while the "model" is still writing.
 * Plays on the sound card, or with {@code --out FILE} writes the raw PCM (24 kHz) instead.
 *
 * <pre>
 * LlmTokensSpoken [--voice ID] [--server URL] [--out reply.pcm]
 * </pre>
 */
public final class LlmTokensSpoken {
  private LlmTokensSpoken() {}

  public static final String REPLY = "Sure! The quickest way to stream speech is to send text as it "
      + "arrives, sentence by sentence, and to play the audio while the rest is still being "
      + "written. That way the listener hears the first words in a fraction of a second.";

  public static void main(String[] args) throws Exception {
    String out = Target.option(args, "--out", null);
    try (Target t = Target.open(Target.option(args, "--server", null))) {
      String voice = Target.option(args, "--voice", t.client().voices().get(0).voiceId());
      PcmSink sink = out == null ? PcmSink.line() : PcmSink.file(Path.of(out));
      try (StreamingPlayer player = StreamingPlayer.start(AudioFormat.PCM_24000, sink)) {
        TtsStream tts = t.client().newTtsStream(VoiceClient.ttsRequest(voice), player);
        Random r = new Random(1);
        int i = 0;
        while (i < REPLY.length()) {                     // the "LLM": 1-6 chars per token
          int n = Math.min(REPLY.length() - i, 1 + r.nextInt(6));
          tts.send(REPLY.substring(i, i + n));
          i += n;
          Thread.sleep(20 + r.nextInt(40));
        }
        tts.end();
        player.awaitFinished(2, TimeUnit.MINUTES);
        System.err.println("first audio after "
            + tts.metrics().timeToFirstAudioMicros().p50() / 1000 + " ms of the first token; "
            + "jitter buffer " + player.stats());
      }
    }
  }
}
