package io.voicewire.engine.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.voicewire.speech.SttRequest;
import io.voicewire.testing.HumanSpeech;
import io.voicewire.testing.WordErrorRate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code keyterms} and {@code previous_text} bias the recognizer: on recorded human speech
 * (Debian's {@code pocketsphinx-testdata}), a word the recognizer gets wrong without them is
 * recognized with them, and the rest of the sentence does not get worse.
 */
@Timeout(300)
class LocalSttKeytermTest {
  /** "... how much there might be prudently in his power ...": "prudently" is misheard alone. */
  private static final String CLIP = "0870";
  private static final String WORD = "prudently";

  private static String transcribe(SttRequest request, String previousText, byte[] pcm)
      throws Exception {
    return SttCostProbe.transcribe(SharedEngine.get(), request, previousText,
        SpeechClips.concat(SpeechClips.silence(300), pcm, SpeechClips.silence(300)));
  }

  private static int errors(String reference, String hypothesis) {
    return WordErrorRate.errors(WordErrorRate.words(reference), WordErrorRate.words(hypothesis));
  }

  @Test
  void aKeytermIsRecognizedWhereItWasNot() throws Exception {
    assumeTrue(HumanSpeech.available(), "pocketsphinx-testdata is not installed");
    SttCostProbe.Clip clip = SttCostProbe.lv(CLIP);
    String plain = transcribe(SttRequest.builder().build(), null, clip.pcm());
    assertFalse(WordErrorRate.words(plain).contains(WORD),
        "the premise: without keyterms the word is misheard; got: " + plain);

    String biased = transcribe(SttRequest.builder().keyterms(List.of("Prudently")).build(), null,
        clip.pcm());
    assertTrue(WordErrorRate.words(biased).contains(WORD), "keyterm not recognized: " + biased);
    assertTrue(errors(clip.text(), biased) < errors(clip.text(), plain),
        "with the keyterm: " + biased + "; without: " + plain);

    // another session, without keyterms, is not biased by the first one's
    String again = transcribe(SttRequest.builder().build(), null, clip.pcm());
    assertFalse(WordErrorRate.words(again).contains(WORD), "a keyterm leaked: " + again);
  }

  @Test
  void previousTextIsContext() throws Exception {
    assumeTrue(HumanSpeech.available(), "pocketsphinx-testdata is not installed");
    SttCostProbe.Clip clip = SttCostProbe.lv(CLIP);
    String plain = transcribe(SttRequest.builder().build(), null, clip.pcm());
    String context = transcribe(SttRequest.builder().build(),
        "Mister John Dashwood considered what he might prudently do for his sisters.",
        clip.pcm());
    assertTrue(errors(clip.text(), context) < errors(clip.text(), plain),
        "with previous_text: " + context + "; without: " + plain);
  }
}
