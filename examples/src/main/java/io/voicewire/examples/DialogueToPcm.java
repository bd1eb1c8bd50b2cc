package io.voicewire.examples;

import io.voicewire.audio.AudioFormat;
import io.voicewire.client.DialogueStream;
import io.voicewire.client.DialogueStream.Line;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A dialogue of two voices over the Text-to-Dialogue WebSocket: the first two voices of the
 * server take turns; each turn's end is printed, the audio (PCM 24 kHz) goes to a file.
 *
 * <pre>
 * DialogueToPcm [--server URL] [--out dialogue.pcm]
 * </pre>
 *
 * <p>The same program speaks to ElevenLabs ({@code --server https://api.elevenlabs.io}, with
 * {@code $ELEVENLABS_API_KEY}) or through a voicewire relay that keeps the key on the server
 * ({@code voicewire serve --backend elevenlabs}, then {@code --server http://relay:8080}): the
 * relay serves the dialogue over the upstream's own Text-to-Dialogue socket, so the turns are
 * the cloud's {@code eleven_v3} turns (docs/server.md, "Dialogue through the relay").
 */
public final class DialogueToPcm {
  private DialogueToPcm() {}

  /** The script: who says what. */
  public static final List<String> SCRIPT = List.of("Knock knock. ", "Who is there? ",
      "Interrupting cow. ", "Interrupting cow wh... ", "Moo! ");

  public static void main(String[] args) throws Exception {
    String out = Target.option(args, "--out", "dialogue.pcm");
    try (Target t = Target.open(Target.option(args, "--server", null));
        OutputStream pcm = new FileOutputStream(out)) {
      String a = t.client().voices().get(0).voiceId();
      String b = t.client().voices().get(1).voiceId();
      CompletableFuture<Void> done = new CompletableFuture<>();
      DialogueStream.Listener l = new DialogueStream.Listener() {
        int turn;

        @Override
        public void onAudio(String contextId, TtsAudio audio) {
          try {
            pcm.write(audio.audio());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }

        @Override
        public void onTurnEnd(String contextId) {
          System.out.println("turn " + ++turn + " spoken");
        }

        @Override
        public void onClosed() {
          done.complete(null);
        }

        @Override
        public void onFailure(SpeechError error) {
          done.completeExceptionally(new IOException(error.toString()));
        }
      };
      try (DialogueStream d = t.client().newDialogueStream(
          DialogueStream.Options.dialogue(AudioFormat.PCM_24000), l)) {
        d.open(null, List.of(a, b));
        for (int i = 0; i < SCRIPT.size(); i++) {
          d.say(null, List.of(Line.of(i % 2 == 0 ? a : b, SCRIPT.get(i))), false);
        }
        d.end();
        done.get(2, TimeUnit.MINUTES);
      }
    }
  }
}
