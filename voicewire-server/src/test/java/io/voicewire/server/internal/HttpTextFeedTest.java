package io.voicewire.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streaming HTTP request's text, fed to its session as the client takes the audio. */
class HttpTextFeedTest {
  private static final long LOW_WATER = 10_000;

  /** A session that records its input: what an engine would be asked to voice. */
  private static final class Recorded implements TtsSession {
    final List<String> sent = new ArrayList<>();
    int flushes;
    boolean ended;
    boolean refuse;

    @Override
    public TtsRequest request() {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean send(String text) {
      if (refuse || ended) {
        return false;
      }
      sent.add(text);
      return true;
    }

    @Override
    public boolean flush() {
      flushes++;
      return !refuse;
    }

    @Override
    public boolean tryTrigger() {
      return true;
    }

    @Override
    public boolean end() {
      ended = true;
      return true;
    }

    @Override
    public boolean closeContext() {
      return end();
    }

    @Override
    public void close() {}
  }

  private static String sentences(int n) {
    StringBuilder t = new StringBuilder();
    for (int i = 0; i < n; i++) {
      t.append("This is sentence number ").append(i).append(", said in full. ");
    }
    return t.toString();
  }

  @Test
  void piecesAreWholeSentencesUpToTheirSizeAndLoseNothing() {
    String text = sentences(40) + "A sentence with no end " + "and on ".repeat(60) + "on";
    List<String> pieces = HttpTextFeed.pieces(text);
    assertEquals(text, String.join("", pieces));
    for (int i = 0; i < pieces.size() - 1; i++) {
      String p = pieces.get(i);
      assertTrue(p.length() <= HttpTextFeed.PIECE_CHARS, p);
      assertTrue(p.endsWith(". "), "ends on a sentence: " + p);
    }
    // the last sentence is longer than a piece and stays whole
    assertTrue(pieces.getLast().length() > HttpTextFeed.PIECE_CHARS);
    assertTrue(pieces.getLast().startsWith("A sentence with no end"));
    assertEquals(List.of(), HttpTextFeed.pieces(""));
    assertEquals(List.of("Hi"), HttpTextFeed.pieces("Hi"));
  }

  @Test
  void twoPiecesGoAheadAndTheNextWaitsForAFlushAndRoomInTheQueue() {
    HttpTextFeed feed = new HttpTextFeed(sentences(40), LOW_WATER);
    int total = HttpTextFeed.pieces(sentences(40)).size();
    Recorded s = new Recorded();
    feed.topUp(s, 0);
    assertEquals(2, s.sent.size(), "two pieces ahead");
    assertEquals(2, s.flushes, "each piece flushed");
    feed.progress();
    feed.topUp(s, 0);
    assertEquals(2, s.sent.size(), "no flush voiced yet");
    feed.flushed();
    feed.topUp(s, LOW_WATER);
    assertEquals(2, s.sent.size(), "the client's queue is at the low-water mark");
    feed.topUp(s, LOW_WATER - 1);
    assertEquals(3, s.sent.size(), "a flush voiced and room in the queue");
    for (int i = 0; i < total; i++) {
      feed.flushed();
      feed.topUp(s, 0);
    }
    assertEquals(total, s.sent.size());
    assertEquals(sentences(40), String.join("", s.sent));
    assertTrue(s.ended, "the session ends after the last piece");
  }

  @Test
  void anEngineThatReportsNoFlushesIsFedWhenNothingArrivesForAWhile() throws Exception {
    HttpTextFeed feed = new HttpTextFeed(sentences(40), LOW_WATER);
    Recorded s = new Recorded();
    feed.topUp(s, 0);
    assertEquals(2, s.sent.size());
    Thread.sleep(HttpTextFeed.STALL_MILLIS + 100);
    feed.topUp(s, LOW_WATER);
    assertEquals(2, s.sent.size(), "never above the low-water mark");
    feed.topUp(s, 0);
    assertEquals(3, s.sent.size(), "one more piece after the stall, not the rest");
  }

  @Test
  void aSessionThatTakesNoMoreInputStopsTheFeed() {
    HttpTextFeed feed = new HttpTextFeed(sentences(40), LOW_WATER);
    Recorded s = new Recorded();
    s.refuse = true;
    feed.topUp(s, 0);
    feed.flushed();
    feed.flushed();
    feed.topUp(s, 0);
    assertEquals(0, s.sent.size());
    assertFalse(s.ended, "a closed session is not ended again");
  }

  @Test
  void anEmptyTextEndsTheSessionAtOnce() {
    Recorded s = new Recorded();
    new HttpTextFeed("", LOW_WATER).topUp(s, 0);
    assertTrue(s.ended);
    assertEquals(0, s.sent.size());
  }
}
