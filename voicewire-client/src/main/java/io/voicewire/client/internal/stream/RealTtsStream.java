package io.voicewire.client.internal.stream;

import io.voicewire.client.TtsStream;
import io.voicewire.client.internal.ClientContext;
import io.voicewire.client.internal.resume.TtsCursor;
import io.voicewire.client.internal.transport.Connection;
import io.voicewire.protocol.TtsClientMessage;
import io.voicewire.protocol.TtsServerMessage;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.VoiceSettings;
import java.util.List;
import java.util.Objects;

/**
 * {@link TtsStream} over {@code stream-input}, composed of a {@link ConnectionSupervisor}
 * (connections, retries, status), a {@link TextReplay} (the text, its resume and its
 * {@link ResumeState}) and this class's {@link WireSession}: the init message, the replay, the
 * routing of server messages and the keep-alive. Thread safe: all state is guarded by the
 * supervisor's lock.
 */
public final class RealTtsStream extends SupervisedStream<TtsRequest> implements TtsStream {
  /** A connection open this long, with our text sent, counts as healthy, ms. */
  public static final long HEALTHY_AFTER_MILLIS = 500;

  /**
   * A relay's listener: an audio message that reaches it whole and unchanged also comes with the
   * message as received ({@link #onUpstreamAudio}), so that the relay can forward it as is.
   */
  interface RelayListener extends Listener {
    /** {@link #onAudio}, for audio that is the whole {@code message}, unchanged. */
    void onUpstreamAudio(TtsAudio audio, String message);

    /**
     * The audio the relay's client has still to take, ms ({@code TtsListener.backlogMillis}):
     * at {@link #RELAY_MAX_BACKLOG_MILLIS} the stream stops reading the upstream. Cheap, never
     * blocks. 0: unknown.
     */
    default long backlogMillis() {
      return 0;
    }
  }

  /**
   * A relay's pacing: while its client has this much audio still to take, the stream reads
   * nothing more from the upstream (looked at again every tick), so the upstream's audio waits
   * in the upstream's socket instead of the relay's queue, as the offline engine waits for a
   * slow reader ({@code RealTtsSession.MAX_LISTENER_BACKLOG_MILLIS}, the same 5 s).
   */
  public static final long RELAY_MAX_BACKLOG_MILLIS = 5_000;
  /**
   * Upstream messages read and not yet handed to the relay's client queue (waiting for the
   * stream's lock, or decoded and waiting for the callbacks that run after it) at which reading
   * holds: their audio is in no backlog yet, so without this a reader that outruns the lock's
   * holder reads on past {@link #RELAY_MAX_BACKLOG_MILLIS} (on a busy machine the client's queue
   * overflowed, 6.5 s of audio past the mark).
   */
  static final int RELAY_MAX_PENDING_MESSAGES = 8;

  private final Listener listener;
  /** The listener, when it is a relay's; else null. */
  private final RelayListener relay;
  private final ClientContext ctx;
  private final TextReplay text;
  private final TtsCursor cursor;
  /** Settings a relay's client sent again, for the next message out (lock held). */
  private VoiceSettings laterSettings;
  private List<Integer> laterSchedule;
  private long lastSendNanos;
  private long lastChunkNanos;
  private long openedNanos;
  /** A relay's audio decoded under the lock and not yet given to it (queued callbacks). */
  private final java.util.concurrent.atomic.AtomicInteger relayInTransit =
      new java.util.concurrent.atomic.AtomicInteger();

  private RealTtsStream(ClientContext ctx, TtsRequest request, Listener listener) {
    super(request, new ConnectionSupervisor(ctx, Endpoint.tts(ctx, request, "stream-input",
        "tts", "no audio or isFinal")));
    this.listener = listener;
    this.relay = listener instanceof RelayListener r ? r : null;
    this.ctx = ctx;
    this.text = new TextReplay(request);
    this.cursor = text.cursor();
    sup.bind(new Wire(), text, StreamOutcomes.queued(sup.events, listener::onStatus,
        listener::onClosed, listener::onFailure));
  }

  /** Opens a stream and starts connecting. */
  public static RealTtsStream open(ClientContext ctx, TtsRequest request, Listener listener) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(listener, "listener == null");
    RealTtsStream s = new RealTtsStream(ctx, request, listener);
    s.sup.run(() -> {
      if (!s.cursor.exact()) {
        s.sup.setResumable(true, s.text.inexactNote());
      }
    });
    s.sup.start();
    return s;
  }

  // ------------------------------------------------------------------ input

  @Override
  public boolean send(CharSequence t) {
    Objects.requireNonNull(t, "text == null");
    return sup.call(() -> takingInput()
        && text.take(t, piece -> enqueueText(piece, false, false, null, null)));
  }

  /**
   * Sends {@code text} as one message, as given (no chunking): the relay's path, where the
   * caller already follows the protocol. False when not accepting.
   */
  public boolean sendRaw(String text, boolean flush, boolean tryTrigger) {
    return sendRaw(text, flush, tryTrigger, null, null);
  }

  /**
   * {@link #sendRaw(String, boolean, boolean)} with the settings a relay's client sent again on
   * a later message ({@code voice_settings}, the {@code generator_config} schedule), forwarded
   * as given with the next message that goes out (the protocol allows them only unchanged, so
   * sending them with the next piece is the same); {@code " "} carries them without adding text.
   */
  public boolean sendRaw(String text, boolean flush, boolean tryTrigger,
      VoiceSettings voiceSettings, List<Integer> chunkLengthSchedule) {
    Objects.requireNonNull(text, "text == null");
    return sup.call(() -> {
      if (!takingInput() || !cursor.hasRoomFor(text.length())) {
        return false;
      }
      if (text.isEmpty() && !flush && !tryTrigger) {
        return true; // an empty piece would end the stream on the wire
      }
      enqueueText(text, flush, tryTrigger, voiceSettings, chunkLengthSchedule);
      return true;
    });
  }

  @Override
  public boolean flush() {
    return sup.call(() -> {
      if (!takingInput()) {
        return false;
      }
      enqueueText(text.flushPiece(), true, false, null, null);
      return true;
    });
  }

  @Override
  public boolean end() {
    return endOnce(() -> {
      text.drainTo(piece -> enqueueText(piece, false, false, null, null));
      cursor.markEnded();
      sup.markEnding();
      Connection c = sup.connection();
      if (c != null) {
        c.send(TtsWire.text("", false, null));
        lastSendNanos = ctx.nanoClock().getAsLong();
      }
    });
  }

  @Override
  public long unvoicedChars() {
    return sup.call(text::unvoiced);
  }

  /**
   * Lock held. Records {@code t} (with the settings sent again, if any) and sends it when
   * connected; otherwise the replay sends it when a connection opens.
   */
  private void enqueueText(String t, boolean flush, boolean tryTrigger, VoiceSettings vs,
      List<Integer> schedule) {
    long now = ctx.nanoClock().getAsLong();
    boolean settings = vs != null || schedule != null;
    boolean settingsOnly = settings && t.equals(" ");
    text.record(settingsOnly ? "" : t, flush, now);
    if (settings) {
      laterSettings = vs;
      laterSchedule = schedule;
    }
    Connection c = sup.connection();
    if (c == null) {
      return;
    }
    String unsent = cursor.takeUnsent();
    if (unsent.isEmpty() && !flush && !tryTrigger && !settings) {
      return;
    }
    // a bare flush carries one space: {"text":""} would end the stream (PROTOCOL.md §2.3)
    c.send(sendText(unsent.isEmpty() ? " " : unsent, flush, tryTrigger));
    lastSendNanos = now;
  }

  /** Lock held: a SendText carrying the later settings not sent yet, if any. */
  private String sendText(String t, boolean flush, boolean tryTrigger) {
    String m = new TtsClientMessage(t, flush, tryTrigger, laterSettings, laterSchedule,
        List.of(), null, null, null, false, false).encodeAsSendText();
    laterSettings = null;
    laterSchedule = null;
    return m;
  }

  /** What goes over each connection; lock held. */
  private final class Wire implements WireSession {
    @Override
    public void onOpen(Connection c) {
      if (relay != null) {
        // the relay's client is behind: the upstream's audio waits in the upstream's socket
        // (or while messages already read wait for the stream's lock: their audio is not in
        // the client's queue yet)
        c.holdReadsWhile(() -> relay.backlogMillis() >= RELAY_MAX_BACKLOG_MILLIS
            || sup.pendingTasks() + relayInTransit.get() >= RELAY_MAX_PENDING_MESSAGES);
      }
      c.send(TtsWire.init(request, null));
      for (TtsCursor.Piece p : cursor.replay()) {
        c.send(sendText(p.text(), p.flush(), false));
      }
      if (laterSettings != null || laterSchedule != null) {
        c.send(sendText(" ", false, false)); // settings sent again before any text
      }
      if (cursor.ended()) {
        c.send(TtsWire.text("", false, null));
      }
      lastSendNanos = ctx.nanoClock().getAsLong();
      lastChunkNanos = 0;
      openedNanos = lastSendNanos;
    }

    @Override
    public void onMessage(Connection c, String message) {
      switch (TtsWire.decode(sup.name, message)) {
        case null -> { }
        case TtsServerMessage.Audio a -> {
          long now = ctx.nanoClock().getAsLong();
          if (lastChunkNanos != 0) {
            sup.metrics.chunkInterArrivalNanos(now - lastChunkNanos);
          }
          lastChunkNanos = now;
          if (relay != null && c.readsHeld()) {
            // a message that waited for the lock while reading was held: caught up, read on
            // (after the lock); nothing to do, and nothing queued, on the usual path
            sup.events.offer(c::releaseHeldReads);
          }
          text.onAudio(a, now, sup, out -> {
            // the cursor hands the message's own audio back when no seam cut it
            boolean whole = relay != null && out.audio() == a.audio()
                && out.alignment() == a.alignment()
                && out.normalizedAlignment() == a.normalizedAlignment();
            if (relay == null) {
              sup.events.offer(() -> listener.onAudio(out));
              return;
            }
            relayInTransit.incrementAndGet();
            sup.events.offer(() -> {
              if (whole) {
                relay.onUpstreamAudio(out, message);
              } else {
                relay.onAudio(out);
              }
              // in the client's queue now: reading held for it goes on if the gate is open
              relayInTransit.decrementAndGet();
              if (c.readsHeld()) {
                c.releaseHeldReads();
              }
            });
          });
        }
        case TtsServerMessage.Final f -> {
          if (endRequested) {
            sup.finishLocked(true, "");
          }
        }
        case TtsServerMessage.Error e -> sup.serverError(TtsWire.error(e));
        case TtsServerMessage.Other o -> { }
      }
    }

    @Override
    public void onTick(Connection c, long nowNanos) {
      if (relay != null && c.readsHeld()) {
        // the client has taken enough: the upstream may send on (after the lock: the next
        // message may be read on this thread)
        sup.events.offer(c::releaseHeldReads);
      }
      if (nowNanos - openedNanos >= HEALTHY_AFTER_MILLIS * 1_000_000L) {
        // the server took the connection and our text and kept it: reachable, not refusing, so
        // the backoff starts again after it; a server whose first audio takes longer than a
        // connection lives is bounded by ReconnectPolicy.giveUpAfter instead
        sup.markHealthy();
      }
      if (!endRequested && nowNanos - lastSendNanos >= ctx.ttsKeepAliveNanos()) {
        c.send(TtsWire.text(" ", false, null)); // keep-alive, PROTOCOL.md §2.6
        lastSendNanos = nowNanos;
      }
    }
  }
}
