package io.voicewire.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.audio.AudioFormat;
import io.voicewire.speech.Alignment;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import io.voicewire.speech.VoiceSettings;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The TTS half of the SPI against the real engines. */
@Timeout(120)
class LocalTtsSessionTest {
  private static LocalSpeechProvider local;

  @BeforeAll
  static void load() throws InterruptedException {
    local = SharedEngine.get();
  }

  private static TtsRequest.Builder request(String voice) {
    return TtsRequest.builder(voice).outputFormat(AudioFormat.PCM_16000);
  }

  /** Sends the pieces, ends, and returns the finished recording. */
  private static RecordingTtsListener speak(TtsRequest req, String... pieces)
      throws InterruptedException {
    RecordingTtsListener l = new RecordingTtsListener();
    TtsSession s = local.openTts(req, l);
    for (String p : pieces) {
      assertTrue(s.send(p), "send refused: " + p);
    }
    assertTrue(s.end());
    l.awaitTerminal(60).assertOneTerminal();
    assertEquals(Boolean.TRUE, l.complete(), "events " + l.events + " failure " + l.failure());
    return l;
  }

  @ParameterizedTest
  @ValueSource(strings = {LocalSpeechProvider.VOICE_SLT, LocalSpeechProvider.VOICE_KEVIN})
  void alignmentCharactersConcatenateToExactlyTheTextSent(String voice) throws Exception {
    String[] pieces = {"  Hello there, ", "Dr. Smith!  It's 3:45 pm", " and you owe me $42.50 ",
        "(really).\n\nNew para— ", "... ", "   ", "naïve café ✓ 😀 done", "?! ", "The API returned HTTP 500 from NASA. ", "last words"};
    RecordingTtsListener l = speak(request(voice).build(), pieces);
    assertEquals(String.join("", pieces), l.alignedText());
    assertTimesWellFormed(l.alignments());
    assertTrue(l.audio().length > 16000 * 2, "less than a second of audio");
  }

  @Test
  void scheduleAndFlushKeepTheInvariantToo() throws Exception {
    RecordingTtsListener l = new RecordingTtsListener();
    TtsSession s = local.openTts(request(LocalSpeechProvider.VOICE_KEVIN)
        .chunkLengthSchedule(List.of(50)).build(), l);
    StringBuilder sent = new StringBuilder();
    String[] words = ("The schedule releases text at word boundaries once enough characters are"
        + " buffered, so these words arrive in small pieces and are voiced in parts. ").split(" ");
    for (String w : words) {
      assertTrue(s.send(w + " "));
      sent.append(w).append(' ');
    }
    assertTrue(s.flush());
    assertTrue(s.send("After the flush. "));
    sent.append("After the flush. ");
    assertTrue(s.end());
    l.awaitTerminal(60).assertOneTerminal();
    assertEquals(sent.toString(), l.alignedText());
    int flushed = l.events.indexOf("flushed");
    assertTrue(flushed > 0, "no onFlushed: " + l.events);
    assertEquals("closed:true", l.events.get(l.events.size() - 1));
  }

  /** A listener with enough audio waiting for its consumer holds the session's synthesis. */
  @Test
  void aListenerWithAudioWaitingPausesTheSessionUntilItDrains() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean full =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    RecordingTtsListener l = new RecordingTtsListener();
    l.backlog = () -> full.get() ? 60_000 : 0;
    TtsSession s = local.openTts(request(LocalSpeechProvider.VOICE_SLT).build(), l);
    String text = "The first sentence waits. So does the second one. ";
    assertTrue(s.send(text));
    assertTrue(s.end());
    Thread.sleep(500); // ten rechecks of the backlog
    synchronized (l) {
      assertEquals(List.of(), l.events, "nothing made while the consumer is behind");
    }
    full.set(false);
    l.awaitTerminal(60).assertOneTerminal();
    assertEquals(Boolean.TRUE, l.complete(), "events " + l.events + " failure " + l.failure());
    assertEquals(text, l.alignedText());
  }

  /**
   * A consumer that takes the audio at 8 times real time (a slow network, a player): the engine,
   * tens of times faster, stays within its backlog bound instead of making the whole text's audio
   * at once, and every character is still voiced.
   */
  @Test
  void aSlowConsumerKeepsTheEngineWithinItsBacklogBound() throws Exception {
    RecordingTtsListener l = new RecordingTtsListener();
    long[] firstAudio = {0};
    long[] worst = {0};
    l.backlog = () -> {
      synchronized (l) {
        long made = 0;
        for (TtsAudio a : l.chunks) {
          made += a.audio().length / 32; // pcm_16000: 32 bytes a millisecond
        }
        if (l.chunks.isEmpty()) {
          return 0;
        }
        if (firstAudio[0] == 0) {
          firstAudio[0] = l.chunkNanos.get(0);
        }
        long taken = (System.nanoTime() - firstAudio[0]) / 1_000_000 * 8;
        long backlog = Math.max(0, made - taken);
        worst[0] = Math.max(worst[0], backlog);
        return backlog;
      }
    };
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      text.append("This is sentence number ").append(i + 1).append(", spoken at an even pace. ");
    }
    TtsSession s = local.openTts(request(LocalSpeechProvider.VOICE_SLT).build(), l);
    assertTrue(s.send(text.toString()));
    assertTrue(s.end());
    l.awaitTerminal(120).assertOneTerminal();
    assertEquals(Boolean.TRUE, l.complete(), "events " + l.events + " failure " + l.failure());
    assertEquals(text.toString(), l.alignedText());
    long made = 0;
    synchronized (l) {
      for (TtsAudio a : l.chunks) {
        made += a.audio().length / 32;
      }
    }
    assertTrue(made > 20_000, "the text is long enough to need pacing: " + made + " ms");
    // the bound, plus what one read of a sentence and one chunk add after the last look
    assertTrue(worst[0] < 5_000 + 2_000, // RealTtsSession.MAX_LISTENER_BACKLOG_MILLIS + 2 s
        "the consumer fell " + worst[0] + " ms behind");
  }

  @Test
  void normalizedAlignmentHasTheSpokenWords() throws Exception {
    RecordingTtsListener l = speak(request(LocalSpeechProvider.VOICE_SLT).build(),
        "Dr. Smith paid 42 dollars. ");
    String norm = l.normalizedText().toLowerCase();
    assertTrue(norm.contains("forty"), norm);
    assertTrue(norm.contains("doctor"), norm);
    assertEquals("Dr. Smith paid 42 dollars. ", l.alignedText());
  }

  @Test
  void alignmentFollowsMaryTimingNotAnEvenSpread() throws Exception {
    // "a" then a long word: with real timing the long word's characters start later than an
    // even spread over the characters would put them, and the pause before "Then" shows
    RecordingTtsListener l = speak(request(LocalSpeechProvider.VOICE_SLT).build(),
        "Stop. Then go. ");
    double[] starts = absoluteStarts(l.chunks, AudioFormat.PCM_16000);
    String text = l.alignedText();
    int stop = text.indexOf("Stop");
    int then = text.indexOf("Then");
    int dot = text.indexOf('.');
    // the sentence pause lies between "." and "Then": at least 100 ms of it
    assertTrue(starts[then] - starts[dot] >= 100, "no pause: " + starts[dot] + " -> "
        + starts[then]);
    assertTrue(starts[stop] < starts[then]);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pcm_8000", "pcm_16000", "pcm_22050", "pcm_24000", "pcm_32000",
      "pcm_44100", "pcm_48000", "ulaw_8000", "alaw_8000"})
  void everyDecodableFormatHasTheSameDuration(String format) throws Exception {
    AudioFormat f = AudioFormat.parse(format);
    String text = "Formats differ only in rate and coding. ";
    RecordingTtsListener l = speak(request(LocalSpeechProvider.VOICE_KEVIN).outputFormat(f)
        .build(), text);
    RecordingTtsListener ref = speak(request(LocalSpeechProvider.VOICE_KEVIN)
        .outputFormat(AudioFormat.PCM_16000).build(), text);
    double ms = f.millisForBytes(l.audio().length);
    double refMs = AudioFormat.PCM_16000.millisForBytes(ref.audio().length);
    assertEquals(refMs, ms, 2.0, "duration in " + format);
    for (TtsAudio a : l.chunks) {
      assertEquals(0, a.audio().length % f.frameSize(), "partial frame");
    }
  }

  @Test
  void mp3IsUnsupportedWithAClearMessage() throws Exception {
    RecordingTtsListener l = new RecordingTtsListener();
    TtsSession s = local.openTts(request(LocalSpeechProvider.VOICE_SLT)
        .outputFormat(AudioFormat.parse("mp3_44100_128")).build(), l);
    l.awaitTerminal(5).assertOneTerminal();
    assertEquals(ErrorCode.UNSUPPORTED, l.failure().code());
    assertEquals("output_format mp3_44100_128 is not supported by the local engine; use pcm_* ,"
        + " ulaw_8000 or alaw_8000", l.failure().message());
    assertFalse(s.send("hello "));
    assertFalse(s.end());
  }

  /**
   * The engine's voices are English: French text read by them is not French speech, so a
   * language it cannot speak is refused at open, as the recognizer refuses one it cannot hear.
   */
  @ParameterizedTest
  @ValueSource(strings = {"fr", "de-DE", "spa"})
  void otherLanguagesAreUnsupported(String code) throws Exception {
    RecordingTtsListener l = new RecordingTtsListener();
    TtsSession s = local.openTts(request(LocalSpeechProvider.VOICE_SLT).languageCode(code)
        .build(), l);
    l.awaitTerminal(5).assertOneTerminal();
    assertEquals(ErrorCode.UNSUPPORTED, l.failure().code());
    assertEquals("language_code '" + code + "' is not supported by the local engine; it speaks"
        + " English (en) only", l.failure().message());
    assertFalse(s.send("bonjour "));
  }

  @ParameterizedTest
  @ValueSource(strings = {"en", "EN", "en-GB", "eng", " "})
  void englishIsSpokenWhateverItsSpelling(String code) throws Exception {
    RecordingTtsListener l = speak(request(LocalSpeechProvider.VOICE_SLT).languageCode(code)
        .build(), "Hello there.");
    assertEquals("Hello there.", l.alignedText());
  }

  @Test
  void unknownVoiceIsUnsupported() throws Exception {
    RecordingTtsListener l = new RecordingTtsListener();
    local.openTts(TtsRequest.builder("21m00Tcm4TlvDq8ikWAM").build(), l);
    l.awaitTerminal(5).assertOneTerminal();
    assertEquals(ErrorCode.UNSUPPORTED, l.failure().code());
    assertTrue(l.failure().message().contains("cmu-slt-hsmm"), l.failure().message());
  }

  @Test
  void wrongStateCallsReturnFalse() throws Exception {
    RecordingTtsListener l = new RecordingTtsListener();
    TtsSession s = local.openTts(request(LocalSpeechProvider.VOICE_KEVIN).build(), l);
    assertTrue(s.send("One. "));
    assertTrue(s.end());
    assertFalse(s.end());
    assertFalse(s.send("more"));
    assertFalse(s.flush());
    assertFalse(s.tryTrigger());
    l.awaitTerminal(30).assertOneTerminal();
    s.close(); // after the end: no second terminal event
    assertEquals(Boolean.TRUE, l.complete());
    l.assertOneTerminal();
  }

  @Test
  void closeCancelsPromptlyAndDeliversNoMoreAudio() throws Exception {
    RecordingTtsListener l = new RecordingTtsListener();
    TtsSession s = local.openTts(request(LocalSpeechProvider.VOICE_SLT).autoMode(true).build(), l);
    for (int i = 0; i < 20; i++) {
      s.send("This is sentence number " + (i + 1) + " of a long text that will be cancelled. ");
    }
    assertTrue(l.awaitFirstAudio(30));
    s.close();
    s.close();
    l.awaitTerminal(5).assertOneTerminal();
    assertEquals(Boolean.FALSE, l.complete());
    int chunks = l.chunks.size();
    Thread.sleep(300);
    assertEquals(chunks, l.chunks.size());
    assertFalse(s.send("more "));
    assertEquals("closed:false", l.events.get(l.events.size() - 1));
  }

  @Test
  void slowerSpeedMakesLongerAudio() throws Exception {
    String text = "Speed changes how long the same words take. ";
    double slow = AudioFormat.PCM_16000.millisForBytes(speak(request(LocalSpeechProvider.VOICE_SLT)
        .voiceSettings(VoiceSettings.DEFAULT.withSpeed(0.7)).build(), text).audio().length);
    double fast = AudioFormat.PCM_16000.millisForBytes(speak(request(LocalSpeechProvider.VOICE_SLT)
        .voiceSettings(VoiceSettings.DEFAULT.withSpeed(1.2)).build(), text).audio().length);
    assertTrue(slow > fast * 1.4, "slow " + slow + " ms, fast " + fast + " ms");
  }

  @Test
  void firstChunkIsSmallAndLaterOnesGrow() throws Exception {
    RecordingTtsListener l = speak(request(LocalSpeechProvider.VOICE_SLT).build(),
        "A sentence long enough to need several chunks of audio from the engine. ");
    double first = AudioFormat.PCM_16000.millisForBytes(l.chunks.get(0).audio().length);
    double max = 0;
    for (TtsAudio a : l.chunks) {
      max = Math.max(max, AudioFormat.PCM_16000.millisForBytes(a.audio().length));
    }
    assertTrue(first <= 25, "first chunk " + first + " ms");
    assertTrue(max >= 100 && max <= 200, "largest chunk " + max + " ms");
  }

  @Test
  void aLongTextDoesNotDelayAnotherSessionsFirstAudio() throws Exception {
    RecordingTtsListener longOne = new RecordingTtsListener();
    TtsSession a = local.openTts(request(LocalSpeechProvider.VOICE_SLT).autoMode(true).build(),
        longOne);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      text.append("Here is a fairly long sentence, number ").append(i + 1)
          .append(", which keeps the engine busy for a while. ");
    }
    a.send(text.toString());
    a.end();
    assertTrue(longOne.awaitFirstAudio(30));
    RecordingTtsListener shortOne = new RecordingTtsListener();
    TtsSession b = local.openTts(request(LocalSpeechProvider.VOICE_SLT).build(), shortOne);
    b.send("Short. ");
    b.end();
    shortOne.awaitTerminal(60);
    longOne.awaitTerminal(60);
    // the short session finished while the long one was still producing audio
    long shortDone = shortOne.chunkNanos.get(shortOne.chunkNanos.size() - 1);
    long longDone = longOne.chunkNanos.get(longOne.chunkNanos.size() - 1);
    assertTrue(shortDone < longDone, "the short session waited for the long one");
    assertEquals(text.toString(), longOne.alignedText());
  }

  @Test
  void aBreakTagIsAPauseOfItsTimeWithItsCharactersAlignedAtItsStart() throws Exception {
    String plain = "Hello there. Good morning.";
    String tag = "<break time=\"1.5s\" />";
    String with = "Hello there. " + tag + " Good morning.";
    AudioFormat f = AudioFormat.PCM_16000;
    double base = f.millisForBytes(speak(request(LocalSpeechProvider.VOICE_SLT).build(), plain)
        .audio().length);
    RecordingTtsListener l = speak(request(LocalSpeechProvider.VOICE_SLT).build(), with);
    double longer = f.millisForBytes(l.audio().length) - base;
    assertTrue(longer > 1400 && longer < 1700, "the pause added " + longer + " ms");
    assertEquals(with, l.alignedText());
    assertTrue(longestSilenceMillis(l.audio(), 16000) >= 1490, "a pause of digital silence");
    double[] starts = absoluteStarts(l.chunks, f);
    int lt = with.indexOf('<');
    int g = with.indexOf('G');
    assertTrue(starts[g] - starts[lt] >= 1490, "the tag at the pause's start: " + starts[lt]
        + " ms, the next word at " + starts[g] + " ms");
    // at most 3 s per tag; case and quotes as written; 0 s and no time: no pause of their own
    double clamped = f.millisForBytes(speak(request(LocalSpeechProvider.VOICE_SLT).build(),
        "Hello there. <BREAK TIME='20s'/> Good morning.").audio().length) - base;
    assertTrue(clamped > 2900 && clamped < 3200, "a 20 s break made " + clamped + " ms");
    for (String none : List.of("<break time=\"0s\"/>", "<break/>",
        "<break strength=\"strong\"/>")) {
      double d = f.millisForBytes(speak(request(LocalSpeechProvider.VOICE_SLT).build(),
          "Hello there. " + none + " Good morning.").audio().length) - base;
      assertTrue(Math.abs(d) < 300, none + " made " + d + " ms more");
    }
  }

  @Test
  void leadingAndRepeatedBreakTagsAreSilenceWhereTheyStand() throws Exception {
    String[] pieces = {"<break time=\"700ms\"/>", "First words ", "<break time=\"1s\"/>",
        " then the rest."};
    RecordingTtsListener l = speak(request(LocalSpeechProvider.VOICE_KEVIN).build(), pieces);
    assertEquals(String.join("", pieces), l.alignedText());
    // a leading break is silence before the first word, and the session's first audio
    double[] starts = absoluteStarts(l.chunks, AudioFormat.PCM_16000);
    String all = String.join("", pieces);
    assertTrue(starts[all.indexOf('F')] >= 690, "first word at " + starts[all.indexOf('F')]);
    assertTrue(l.chunks.get(0).audio().length > 0, "the pause is audio");
    assertTrue(longestSilenceMillis(l.audio(), 16000) >= 990, "the 1 s pause");
  }

  /** The longest run of exactly zero samples, in ms. */
  static double longestSilenceMillis(byte[] pcm, int rate) {
    int best = 0;
    int run = 0;
    for (int i = 0; i + 1 < pcm.length; i += 2) {
      run = pcm[i] == 0 && pcm[i + 1] == 0 ? run + 1 : 0;
      best = Math.max(best, run);
    }
    return best * 1000.0 / rate;
  }

  /** Session-absolute start of every aligned character: chunk start plus relative start. */
  static double[] absoluteStarts(List<TtsAudio> chunks, AudioFormat f) {
    int n = chunks.stream().mapToInt(c -> c.alignment().size()).sum();
    double[] out = new double[n];
    double chunkStart = 0;
    int k = 0;
    for (TtsAudio c : chunks) {
      for (int i = 0; i < c.alignment().size(); i++) {
        out[k++] = chunkStart + c.alignment().startMs(i);
      }
      chunkStart += f.millisForBytes(c.audio().length);
    }
    return out;
  }

  /** Durations non-negative, starts within a chunk non-decreasing. */
  private static void assertTimesWellFormed(List<Alignment> as) {
    for (Alignment a : as) {
      assertNotNull(a);
      int prev = 0;
      for (int i = 0; i < a.size(); i++) {
        assertTrue(a.durationMs(i) >= 0, "negative duration in " + a);
        assertTrue(a.startMs(i) >= prev, "start goes back in " + a);
        prev = a.startMs(i);
      }
    }
  }
}
