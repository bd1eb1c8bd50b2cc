package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.client.internal.FakeTtsPeer;
import io.voicewire.client.internal.FakeVoice;
import io.voicewire.client.internal.transport.InMemoryConnector;
import io.voicewire.client.internal.stream.RealMultiContextTts;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tier (b): the multi-context socket and its pool against an in-memory scripted server. */
@Timeout(60)
class MultiContextStateTest {
  final FakeTtsPeer.World world = new FakeTtsPeer.World();
  final InMemoryConnector connector = new InMemoryConnector(n -> new FakeTtsPeer(world, true));
  VoiceClient client;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  VoiceClient client(Duration contextWait, int maxAttempts) {
    client = VoiceClient.builder().baseUrl("http://test.invalid").connector(connector)
        .random(new Random(0)).pingInterval(Duration.ZERO).contextWaitTimeout(contextWait)
        .reconnectPolicy(TtsStreamStateTest.FAST.withMaxAttempts(maxAttempts)).build();
    return client;
  }

  /** Records one context. */
  static final class Ctx implements MultiContextTts.ContextListener {
    final List<TtsAudio> audio = new CopyOnWriteArrayList<>();
    final AtomicInteger terminals = new AtomicInteger();
    final AtomicInteger afterTerminal = new AtomicInteger();
    final CountDownLatch done = new CountDownLatch(1);
    volatile Boolean complete;
    volatile SpeechError failure;

    @Override
    public void onAudio(TtsAudio a) {
      if (terminals.get() > 0) {
        afterTerminal.incrementAndGet();
      }
      audio.add(a);
    }

    @Override
    public void onClosed(boolean c) {
      complete = c;
      terminals.incrementAndGet();
      done.countDown();
    }

    @Override
    public void onFailure(SpeechError e) {
      failure = e;
      terminals.incrementAndGet();
      done.countDown();
    }

    void await() throws InterruptedException {
      assertTrue(done.await(20, TimeUnit.SECONDS), "context did not end");
    }
  }

  @Test
  void neverOpensASixthContext() throws Exception {
    MultiContextTts m = client(Duration.ofSeconds(10), 3).newMultiContextTts(
        TtsStreamStateTest.request(), new MultiContextTts.Listener() {});
    List<Ctx> listeners = new ArrayList<>();
    List<CompletableFuture<MultiContextTts.Context>> futures = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Ctx l = new Ctx();
      listeners.add(l);
      String text = "Turn " + i + " says hello. ";
      futures.add(m.openContext("turn" + i, l).thenApply(c -> {
        c.send(text);
        c.close();
        return c;
      }));
    }
    for (int i = 0; i < 12; i++) {
      futures.get(i).get(20, TimeUnit.SECONDS);
      listeners.get(i).await();
      assertEquals(true, listeners.get(i).complete);
      assertEquals("Turn " + i + " says hello. ", FakeVoice.decode(listeners.get(i).audio));
    }
    assertEquals(0, world.policyViolations.get());
    assertTrue(world.maxLiveContexts.get() <= 5, "server saw " + world.maxLiveContexts.get());
    assertTrue(((RealMultiContextTts) m).maxContextsInUse() <= 5);
    assertEquals(1, connector.connections());
    m.cancel();
  }

  @Test
  void bargeInDropsStaleAudioAndFreesTheSlotAtIsFinal() throws Exception {
    MultiContextTts m = client(Duration.ofSeconds(10), 3).newMultiContextTts(
        TtsStreamStateTest.request(), new MultiContextTts.Listener() {});
    Ctx first = new Ctx();
    MultiContextTts.Context c1 = m.openContext("a", first).get(5, TimeUnit.SECONDS);
    c1.send(TtsStreamStateTest.longText(2000, 3));
    c1.cancel();
    first.await();
    assertEquals(false, first.complete);
    int seen = first.audio.size();
    Thread.sleep(100);
    assertEquals(seen, first.audio.size(), "no audio after barge-in");
    assertEquals(0, first.afterTerminal.get());
    assertFalse(c1.send("more "));
    long until = System.nanoTime() + 5_000_000_000L;
    while (m.contextsInUse() > 0 && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    assertEquals(0, m.contextsInUse(), "the slot is freed by the server's isFinal");
    Ctx second = new Ctx();
    MultiContextTts.Context c2 = m.openContext("b", second).get(5, TimeUnit.SECONDS);
    c2.send("Next turn. ");
    c2.close();
    second.await();
    assertEquals("Next turn. ", FakeVoice.decode(second.audio));
  }

  @Test
  void aWaitingContextTimesOutWhenNoSlotFrees() throws Exception {
    MultiContextTts m = client(Duration.ofMillis(200), 3).newMultiContextTts(
        TtsStreamStateTest.request(), new MultiContextTts.Listener() {});
    for (int i = 0; i < 5; i++) {
      m.openContext("c" + i, new Ctx()).get(5, TimeUnit.SECONDS);
    }
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> m.openContext("sixth", new Ctx()).get(5, TimeUnit.SECONDS));
    assertInstanceOf(TimeoutException.class, e.getCause());
    assertEquals("no free context slot within 200 ms: 5 contexts in use",
        e.getCause().getMessage());
    ExecutionException dup = assertThrows(ExecutionException.class,
        () -> m.openContext("c1", new Ctx()).get(5, TimeUnit.SECONDS));
    assertEquals("context id in use: c1", dup.getCause().getMessage());
    assertEquals(0, world.policyViolations.get());
  }

  @Test
  void contextsResumeAcrossDrops() throws Exception {
    Random r = new Random(5);
    world.dropAfterAudio = () -> 2 + r.nextInt(8);
    world.charsPerChunk = 9;
    MultiContextTts m = client(Duration.ofSeconds(10), 40).newMultiContextTts(
        TtsStreamStateTest.request(), new MultiContextTts.Listener() {});
    List<Ctx> ls = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Ctx l = new Ctx();
      ls.add(l);
      String text = TtsStreamStateTest.longText(600, 10 + i);
      texts.add(text);
      MultiContextTts.Context c = m.openContext("k" + i, l).get(5, TimeUnit.SECONDS);
      for (int j = 0; j < text.length(); j += 50) {
        c.send(text.substring(j, Math.min(text.length(), j + 50)));
      }
      c.close();
    }
    for (int i = 0; i < 3; i++) {
      ls.get(i).await();
      assertNull(ls.get(i).failure);
      // trailing whitespace is not re-requested after a drop at the very end (nothing to voice)
      assertEquals(texts.get(i).stripTrailing(), FakeVoice.decode(ls.get(i).audio).stripTrailing(),
          "context " + i);
    }
    assertTrue(m.metrics().reconnects() > 3, m.metrics().toString());
    assertTrue(m.end());
  }

  @Test
  void endClosesContextsThenTheSocket() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    MultiContextTts m = client(Duration.ofSeconds(10), 3).newMultiContextTts(
        TtsStreamStateTest.request(), new MultiContextTts.Listener() {
          @Override
          public void onClosed() {
            closed.countDown();
          }
        });
    Ctx l = new Ctx();
    m.openContext("only", l).get(5, TimeUnit.SECONDS).send("Last words. ");
    assertTrue(m.end());
    assertFalse(m.end());
    l.await();
    assertEquals(true, l.complete);
    assertEquals("Last words. ", FakeVoice.decode(l.audio));
    assertTrue(closed.await(5, TimeUnit.SECONDS));
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> m.openContext("late", new Ctx()).get(5, TimeUnit.SECONDS));
    assertEquals("the socket is closed", e.getCause().getMessage());
  }
}
