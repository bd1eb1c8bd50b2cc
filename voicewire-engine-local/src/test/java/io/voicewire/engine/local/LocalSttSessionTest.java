package io.voicewire.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.audio.AudioConverter;
import io.voicewire.audio.AudioFormat;
import io.voicewire.testing.WordErrorRate;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.Transcript;
import io.voicewire.speech.VadParams;
import io.voicewire.speech.Word;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The STT half of the SPI against the real recognizer, fed with the engine's own speech. */
@Timeout(180)
class LocalSttSessionTest {
  private static final String FOX = "The quick brown fox jumps over the lazy dog.";
  private static final String CALL = "Please call me back when you get home tonight.";
  private static LocalSpeechProvider local;
  private static byte[] fox;
  private static byte[] call;

  private final java.util.List<SttSession> opened = new java.util.ArrayList<>();

  /** Every session a test opens is closed after it, even when an assertion fails first. */
  @org.junit.jupiter.api.AfterEach
  void closeAll() {
    opened.forEach(SttSession::close);
  }

  private SttSession open(SttRequest r, RecordingSttListener l) {
    SttSession s = local.openStt(r, l);
    opened.add(s);
    return s;
  }

  @BeforeAll
  static void load() throws InterruptedException {
    local = SharedEngine.get();
    fox = SpeechClips.pcm16k(local, LocalSpeechProvider.VOICE_SLT, FOX);
    call = SpeechClips.pcm16k(local, LocalSpeechProvider.VOICE_SLT, CALL);
  }

  /** Sends {@code pcm} in 100 ms chunks, as fast as the session takes them. */
  static void feed(SttSession s, byte[] pcm, AudioFormat f) {
    int chunk = f.bytesForMillis(100);
    for (int i = 0; i < pcm.length; i += chunk) {
      assertTrue(s.sendAudio(Arrays.copyOfRange(pcm, i, Math.min(pcm.length, i + chunk))),
          "chunk refused at byte " + i);
    }
  }

  static void feed(SttSession s, byte[] pcm) {
    feed(s, pcm, AudioFormat.PCM_16000);
  }

  private static void assertRecognized(String ref, String hyp) {
    double wer = WordErrorRate.rate(ref, hyp);
    assertTrue(wer <= 0.34, "WER " + wer + " for '" + hyp + "' (reference '" + ref + "')");
  }

  @Test
  void manualCommitGivesTheTranscriptOncePartialsBefore() throws Exception {
    RecordingSttListener l = new RecordingSttListener();
    SttSession s = open(SttRequest.builder().build(), l);
    feed(s, SpeechClips.concat(SpeechClips.silence(300), fox, SpeechClips.silence(300)));
    assertTrue(s.commit());
    Transcript t = l.nextCommitted(60);
    assertRecognized(FOX, t.text());
    assertTrue(t.committed());
    assertEquals(0, t.audioStartMs());
    assertEquals(s.audioReceivedMs(), t.audioEndMs());
    assertTrue(t.words().isEmpty(), "words without include_timestamps");
    List<Transcript> partials = l.partials();
    assertFalse(partials.isEmpty(), "no partials");
    for (int i = 1; i < partials.size(); i++) {
      assertNotEquals(partials.get(i - 1).text(), partials.get(i).text(), "repeated partial");
    }
    s.close();
    l.awaitTerminal(30).assertOneTerminal();
    assertNull(l.committed.poll(), "a second committed transcript");
    assertFalse(s.sendAudio(new byte[320]));
    assertFalse(s.commit());
  }

  @Test
  void vadCommitsEachUtteranceWithoutACommitCall() throws Exception {
    RecordingSttListener l = new RecordingSttListener();
    SttSession s = open(SttRequest.builder().commitStrategy(CommitStrategy.VAD)
        .vad(new VadParams(0.5, 0.4, 100, 100)).build(), l);
    feed(s, SpeechClips.concat(SpeechClips.silence(400), fox, SpeechClips.silence(1000), call,
        SpeechClips.silence(1000)));
    Transcript first = l.nextCommitted(60);
    Transcript second = l.nextCommitted(60);
    assertRecognized(FOX, first.text());
    assertRecognized(CALL, second.text());
    assertEquals(first.audioEndMs(), second.audioStartMs());
    assertTrue(first.audioEndMs() > 400 + fox.length / 32, "first ends at " + first.audioEndMs());
    s.close();
    l.awaitTerminal(30).assertOneTerminal();
    assertEquals(List.of(), List.copyOf(l.committed), "committed after the two utterances");
  }

  @Test
  void wordTimestampsLocateTheWordsInSessionAudio() throws Exception {
    RecordingSttListener l = new RecordingSttListener();
    SttSession s = open(SttRequest.builder().includeTimestamps(true)
        .includeLanguageDetection(true).build(), l);
    int lead = 1200;
    feed(s, SpeechClips.concat(SpeechClips.silence(lead), fox, SpeechClips.silence(300)));
    s.commit();
    Transcript t = l.nextCommitted(60);
    assertEquals("en", t.languageCode());
    List<Word> words = t.words();
    assertTrue(words.size() >= 6, "words " + words);
    double prevEnd = 0;
    for (Word w : words) {
      assertTrue(w.start() >= prevEnd - 0.05, "overlapping words " + words);
      assertTrue(w.logprob() <= 0);
      prevEnd = w.end();
    }
    // the clip ends with MaryTTS's 400 ms sentence-final pause
    double speechEnd = (lead + fox.length / 32.0 - 400) / 1000;
    assertEquals(lead / 1000.0, words.get(0).start(), 0.3, "first word " + words.get(0));
    assertEquals(speechEnd, words.get(words.size() - 1).end(), 0.3, "last word " + words);
    s.close();
    l.awaitTerminal(30);
  }

  @Test
  void otherPcmRatesAreResampled() throws Exception {
    AudioConverter c = AudioConverter.create(AudioFormat.PCM_16000, AudioFormat.PCM_24000);
    byte[] pcm24 = SpeechClips.concat(c.convert(SpeechClips.concat(SpeechClips.silence(300), call,
        SpeechClips.silence(300))), c.flush());
    RecordingSttListener l = new RecordingSttListener();
    try (SttSession s = local.openStt(SttRequest.builder().audioFormat(AudioFormat.PCM_24000)
        .build(), l)) {
      feed(s, pcm24, AudioFormat.PCM_24000);
      s.commit();
      assertRecognized(CALL, l.nextCommitted(60).text());
      assertEquals(Math.round(pcm24.length / 48.0), s.audioReceivedMs());
    }
    l.awaitTerminal(30).assertOneTerminal();
  }

  @Test
  void ulawInputIsDecodedAndTranscribed() throws Exception {
    // the path and the timing; how well 8 kHz audio is recognized is the test above's
    AudioConverter c = AudioConverter.create(AudioFormat.PCM_16000, AudioFormat.ULAW_8000);
    byte[] ulaw = SpeechClips.concat(c.convert(SpeechClips.concat(SpeechClips.silence(300), call,
        SpeechClips.silence(300))), c.flush());
    RecordingSttListener l = new RecordingSttListener();
    try (SttSession s = local.openStt(SttRequest.builder().audioFormat(AudioFormat.ULAW_8000)
        .build(), l)) {
      feed(s, ulaw, AudioFormat.ULAW_8000);
      s.commit();
      Transcript t = l.nextCommitted(60);
      assertFalse(t.text().isBlank(), "nothing recognized in μ-law audio");
      assertEquals(Math.round(ulaw.length / 8.0), s.audioReceivedMs());
      assertEquals(s.audioReceivedMs(), t.audioEndMs());
    }
    l.awaitTerminal(30).assertOneTerminal();
  }

  @Test
  void telephoneAudioAtEightKilohertzIsRecognizedWithItsUpperBandFilledIn() throws Exception {
    // held-out sentences (NarrowbandLift's gain was chosen on others), both voices, both 8 kHz
    // formats: before the band above 4 kHz was filled in, 8 kHz input lost most words
    String[] texts = {"Please hold while your call is connected to an agent.",
        "The order will be shipped to your home address on Monday.",
        "I need to cancel the appointment I made for next week."};
    StringBuilder refs = new StringBuilder();
    StringBuilder hyps = new StringBuilder();
    for (AudioFormat f : List.of(AudioFormat.ULAW_8000, AudioFormat.PCM_8000)) {
      for (String voice : List.of(LocalSpeechProvider.VOICE_SLT, LocalSpeechProvider.VOICE_KEVIN)) {
        for (String text : texts) {
          AudioConverter c = AudioConverter.create(AudioFormat.PCM_16000, f);
          byte[] in = SpeechClips.concat(c.convert(SpeechClips.concat(SpeechClips.silence(300),
              SpeechClips.pcm16k(local, voice, text), SpeechClips.silence(300))), c.flush());
          RecordingSttListener l = new RecordingSttListener();
          try (SttSession s = open(SttRequest.builder().audioFormat(f).build(), l)) {
            feed(s, in, f);
            s.commit();
            refs.append(text).append(' ');
            hyps.append(l.nextCommitted(60).text()).append(' ');
          }
        }
      }
    }
    double wer = WordErrorRate.rate(refs.toString(), hyps.toString());
    assertTrue(wer <= 0.5, "WER " + wer + ": '" + hyps + "'");
  }

  @Test
  void closeCommitsWhatIsPendingThenCloses() throws Exception {
    RecordingSttListener l = new RecordingSttListener();
    SttSession s = open(SttRequest.builder().build(), l);
    feed(s, SpeechClips.concat(SpeechClips.silence(300), call));
    s.close();
    s.close();
    l.awaitTerminal(60).assertOneTerminal();
    assertRecognized(CALL, l.nextCommitted(1).text());
    assertEquals("closed", l.events().get(l.events().size() - 1));
  }

  @Test
  void emptyCommitIsAnEmptyTranscript() throws Exception {
    RecordingSttListener l = new RecordingSttListener();
    SttSession s = open(SttRequest.builder().build(), l);
    assertTrue(s.sendAudio(SpeechClips.silence(500)));
    assertTrue(s.sendAudio(new byte[0]), "an empty chunk is a keep-alive");
    assertTrue(s.commit());
    Transcript t = l.nextCommitted(30);
    assertEquals("", t.text());
    assertEquals(500, t.audioEndMs());
    s.close();
    l.awaitTerminal(30).assertOneTerminal();
  }

  @Test
  void autoCommitsAfterNinetySecondsOfAudio() throws Exception {
    RecordingSttListener l = new RecordingSttListener();
    SttSession s = open(SttRequest.builder().build(), l);
    feed(s, SpeechClips.silence((int) LocalSpeechProvider.AUTO_COMMIT_MILLIS - 2000));
    feed(s, SpeechClips.concat(fox, SpeechClips.silence(300)));
    Transcript auto = l.nextCommitted(60);
    assertEquals(0, auto.audioStartMs());
    assertTrue(auto.audioEndMs() >= LocalSpeechProvider.AUTO_COMMIT_MILLIS, "" + auto);
    s.commit();
    Transcript rest = l.nextCommitted(60);
    assertEquals(auto.audioEndMs(), rest.audioStartMs());
    // the cut falls inside the sentence, so words at the seam may be lost or changed
    String both = auto.text() + " " + rest.text();
    assertFalse(auto.text().isBlank(), "nothing before the auto-commit: '" + both + "'");
    assertFalse(rest.text().isBlank(), "nothing after the auto-commit: '" + both + "'");
    assertTrue(WordErrorRate.rate(FOX, both) <= 0.7, "'" + both + "'");
    s.close();
    l.awaitTerminal(30).assertOneTerminal();
  }

  @Test
  void otherLanguagesAreUnsupported() throws Exception {
    RecordingSttListener l = new RecordingSttListener();
    SttSession s = open(SttRequest.builder().languageCode("de").build(), l);
    l.awaitTerminal(5).assertOneTerminal();
    assertEquals(ErrorCode.UNSUPPORTED, l.failure().code());
    assertFalse(s.sendAudio(new byte[320]));
  }

  @Test
  void sessionIdsAreUnique() throws Exception {
    RecordingSttListener a = new RecordingSttListener();
    RecordingSttListener b = new RecordingSttListener();
    SttSession sa = open(SttRequest.builder().build(), a);
    SttSession sb = open(SttRequest.builder().build(), b);
    sa.close();
    sb.close();
    a.awaitTerminal(10);
    b.awaitTerminal(10);
    assertNotEquals(a.sessionId(), b.sessionId());
    assertTrue(a.sessionId().startsWith("local-"));
  }
}
