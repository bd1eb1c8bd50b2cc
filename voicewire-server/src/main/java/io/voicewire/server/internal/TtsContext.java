package io.voicewire.server.internal;

import io.voicewire.audio.AudioFormat;
import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.JsonScan;
import io.voicewire.protocol.TtsClientMessage;
import io.voicewire.protocol.TtsServerMessage;
import io.voicewire.speech.Alignment;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsListener;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One context of a TTS socket: one provider {@link TtsSession} and its listener.
 *
 * <h2>Lifecycle ({@link State})</h2>
 * <pre>
 *   OPEN ──end of input / socket ending──▶ ENDING            (everything sent is voiced)
 *   OPEN ──close_context──▶ ENDING                           (only flushed text is voiced)
 *   OPEN, ENDING ──isFinal / failure / cancelled / socket closes──▶ DONE
 * </pre>
 * A DONE context is out of its socket's map; nothing of it is queued after its {@code isFinal}.
 *
 * <p>Thread safety: its state is guarded by the owning socket's monitor; provider calls are made
 * outside it (the socket's {@code Effects}); listener calls come serially from the provider.
 */
final class TtsContext implements TtsListener {

  /** A context's states; see the class diagram. */
  enum State implements StateMachine.State<State> {
    OPEN,
    ENDING,
    DONE;

    @Override
    public Set<State> next() {
      return switch (this) {
        case OPEN -> EnumSet.of(ENDING, DONE);
        case ENDING -> EnumSet.of(DONE);
        case DONE -> EnumSet.noneOf(State.class);
      };
    }
  }

  private static final Alignment EMPTY = new Alignment(List.of(), new int[0], new int[0]);

  private final TtsSocket<?> owner;
  private final Services s;
  final String key;
  final String wireId;
  final TtsRequest request;
  /** Encodes what the provider does not make itself; used only by the listener calls. */
  private final OutputCodec codec;
  private volatile TtsSession session;
  private final AtomicBoolean ended = new AtomicBoolean();
  /** Ending by {@code close_context}: unflushed text is dropped (set under the owner's lock). */
  private volatile boolean closedByContext;
  /** An end that came before the session was opened (guarded by owner). */
  private boolean missedEnd;

  // guarded by owner
  final StateMachine<State> state = new StateMachine<>(State.OPEN);
  long lastActivityNanos;
  long firstTextNanos = -1;
  boolean firstAudio;
  long unvoicedBytes;
  int messages;

  TtsContext(TtsSocket<?> owner, String key, String wireId, TtsRequest request) {
    this.owner = owner;
    this.s = owner.s;
    this.key = key;
    this.wireId = wireId;
    this.request = request;
    this.codec = new OutputCodec(s.provider, request.outputFormat());
  }

  /** OPEN → ENDING: end of input is handed to the provider after the lock. Under the lock. */
  void end(Effects fx) {
    assert Thread.holdsLock(owner);
    if (state.is(State.OPEN)) {
      state.moveTo(State.ENDING);
      fx.add(this::endSession);
    }
  }

  /**
   * OPEN → ENDING by {@code close_context}: only the flushed text is voiced, the rest dropped
   * (the AsyncAPI document's {@code CloseContext}). Under the lock.
   */
  void closeContext(Effects fx) {
    assert Thread.holdsLock(owner);
    if (state.is(State.OPEN)) {
      state.moveTo(State.ENDING);
      closedByContext = true;
      fx.add(() -> {
        if (sessionOpened()) {
          call(TtsSession::closeContext);
        }
      });
    }
  }

  /**
   * Takes a message's text, flush and trigger (handed to the provider after the lock); returns
   * the problem when the text would pass {@code MAX_UNVOICED_TEXT_BYTES}. Under the lock.
   */
  String accept(TtsClientMessage m, long now, Effects fx) {
    assert Thread.holdsLock(owner);
    lastActivityNanos = now;
    String t = m.text();
    // settings on a later message (or a re-initialised context) go to the session with the text
    boolean laterSettings = messages++ > 0 && m.hasSettings();
    if (laterSettings && (t == null || t.isEmpty() || t.equals(" "))) {
      fx.add(() -> sendWithSettings(" ", m));
    }
    if (t != null && !t.isEmpty() && !t.equals(" ")) {
      long unvoiced = unvoicedBytes + TtsBounds.utf8Length(t);
      if (unvoiced > TtsBounds.MAX_UNVOICED_TEXT_BYTES) {
        return TtsBounds.unvoicedTextProblem(unvoiced) + " (MAX_UNVOICED_TEXT_BYTES)";
      }
      unvoicedBytes = unvoiced;
      if (firstTextNanos < 0) {
        firstTextNanos = now;
      }
      fx.add(laterSettings ? () -> sendWithSettings(t, m) : () -> send(t));
    }
    if (m.flush()) {
      fx.add(this::flush);
    }
    if (m.tryTriggerGeneration()) {
      fx.add(this::tryTrigger);
    }
    return null;
  }

  // ---------------------------------------------------------------- provider calls (no lock)

  void openSession() {
    TtsSession ts;
    try {
      ts = s.provider.openTts(codec.providerRequest(request, owner.keyId()), this);
    } catch (RuntimeException e) {
      TtsSocket.LOG.warn("{} provider failed to open a session id={}: {}", owner.kind.label,
          owner.id, Redact.exception(e));
      TtsSocket.LOG.debug("{} provider failure", owner.kind.label, e);
      onFailure(new SpeechError(ErrorCode.ERROR, "The speech provider failed to open a "
          + "session"));
      return;
    }
    session = ts;
    State st;
    boolean endMissed;
    synchronized (owner) {
      st = state.get();
      endMissed = missedEnd;
    }
    if (st == State.DONE) {
      ts.close();
    } else if (endMissed) {
      // the end ran before the session existed (another thread's effects): end it now; an end
      // queued after this open (same effects) ends it itself, after the text queued before it
      if (closedByContext) {
        ts.closeContext();
      } else {
        ts.end();
      }
    }
  }

  void send(String text) {
    call(ts -> ts.send(text));
  }

  void sendWithSettings(String text, TtsClientMessage m) {
    call(ts -> ts.sendWithSettings(text, m.voiceSettings(), m.chunkLengthSchedule()));
  }

  void flush() {
    call(TtsSession::flush);
  }

  void tryTrigger() {
    call(TtsSession::tryTrigger);
  }

  void endSession() {
    if (sessionOpened()) {
      call(TtsSession::end);
    }
  }

  /** False (and the end remembered for {@link #openSession}) when there is no session yet. */
  private boolean sessionOpened() {
    synchronized (owner) {
      if (session == null) {
        missedEnd = true;
        return false;
      }
      return true;
    }
  }

  void closeSession() {
    call(ts -> {
      ts.close();
      return true;
    });
  }

  /** Runs a provider call; a provider that throws fails this context, never the socket. */
  private void call(java.util.function.Predicate<TtsSession> c) {
    assert !Thread.holdsLock(owner);
    TtsSession ts = session;
    if (ts == null) {
      return;
    }
    try {
      c.test(ts);
    } catch (RuntimeException e) {
      TtsSocket.LOG.warn("{} provider call failed id={}: {}", owner.kind.label, owner.id,
          Redact.exception(e));
      TtsSocket.LOG.debug("{} provider failure", owner.kind.label, e);
      onFailure(new SpeechError(ErrorCode.ERROR, "The speech provider failed"));
    }
  }

  // ---------------------------------------------------------------- listener (provider thread)

  /** The provider's terminal event for this context: its work has stopped (counted once). */
  private void workEnded() {
    if (ended.compareAndSet(false, true)) {
      owner.workStopped();
    }
  }

  /**
   * The audio of this socket waiting to be written to its client, for the provider's pacing
   * ({@link TtsListener#backlogMillis}): a client that reads slowly slows its engine down instead
   * of filling the socket's queue up to {@code maxQueuedBytes}. No lock.
   */
  @Override
  public long backlogMillis() {
    Outbox o = owner.out();
    return o == null ? 0 : o.queuedAudioMillis();
  }

  @Override
  public void onAudio(TtsAudio a) {
    audio(a, null);
  }

  /**
   * Audio that is a relayed upstream's whole message, unchanged: the message goes to the client
   * as received when it is what {@link #encodeAudio} would write again (see
   * {@link #forwardable}), with no JSON written here.
   */
  @Override
  public void onUpstreamAudio(TtsAudio a, String message) {
    audio(a, message);
  }

  private void audio(TtsAudio a, String message) {
    long aligned = TtsBounds.alignedBytes(a.alignment());
    boolean caughtUp;
    synchronized (owner) {
      // no alignment from this provider: progress cannot be told, audio counts as progress
      unvoicedBytes = a.alignment() == null ? 0 : Math.max(0, unvoicedBytes - aligned);
      // once input has ended the codec's finish gives out the rest, with no silence added
      caughtUp = a.alignment() != null && unvoicedBytes == 0 && state.is(State.OPEN);
    }
    if (a.audio().length == 0) {
      return;
    }
    // all text given so far is voiced (a flush, or the speaker waits for text) and more may
    // come: nothing may wait in the codec for audio that is not coming
    OutputCodec.Chunk c = codec.encode(a, caughtUp);
    if (c != null) {
      queue(c, message != null && c.audio() == a ? forwarded(a, message) : null);
    }
  }

  /**
   * The upstream's {@code message} carrying {@code a} as the message this context sends for it,
   * or null when it is not that message and the audio must be encoded: a socket whose messages
   * have the upstream's shape ({@link TtsSocket#forwardsUpstreamAudio}), alignment present
   * wherever {@code sync_alignment} asks for it (else {@link #encodeAudio} adds an empty one), no
   * {@code isFinal: true} in it (the context's own final comes after its last audio), and for a
   * named context no context id of the upstream's own: the context's {@code contextId} is added
   * as the last member ({@link JsonScan#withStringMember}), where the encoder would write it.
   */
  private String forwarded(TtsAudio a, String message) {
    if (!owner.forwardsUpstreamAudio(this)
        || request.syncAlignment() && (a.alignment() == null || a.normalizedAlignment() == null)) {
      return null;
    }
    // one walk over the message's members: isFinal, is_final, contextId, context_id
    int m = JsonScan.topLevelMembers(message, "isFinal", "is_final", "contextId", "context_id");
    if (m < 0 || (m & (JsonScan.literallyTrue(0) | JsonScan.literallyTrue(1))) != 0) {
      return null;
    }
    if (wireId == null) {
      return message;
    }
    if ((m & (JsonScan.present(2) | JsonScan.present(3))) != 0) {
      return null;
    }
    return JsonScan.withStringMember(message, "contextId", wireId);
  }

  /** Queues one audio message for the client (never under the lock: it encodes JSON first). */
  private void queue(OutputCodec.Chunk c) {
    queue(c, null);
  }

  /** {@link #queue(OutputCodec.Chunk)} with the message to send, or null to encode one. */
  private void queue(OutputCodec.Chunk c, String message) {
    TtsAudio a = c.audio();
    String json = message != null ? message : owner.audioJson(this, a);
    long ms = c.millis();
    owner.locked(fx -> {
      if (state.is(State.DONE) || owner.state.is(TtsState.CLOSED)) {
        return;
      }
      Outbox.Offer r = owner.out().enqueue(json, ms, a.audio().length, this);
      if (r == Outbox.Offer.OVERFLOW) {
        owner.endNow(ErrorCode.QUEUE_OVERFLOW, Errors.audioOverflowMessage(s.limits),
            CloseCodes.POLICY_VIOLATION, true, fx);
      } else if (r == Outbox.Offer.OK) {
        owner.audioQueued();
        if (!firstAudio) {
          firstAudio = true;
          if (firstTextNanos >= 0) {
            s.metrics.ttfa.recordNanos(s.now() - firstTextNanos);
          }
        }
      }
    });
  }

  @Override
  public void onClosed(boolean complete) {
    if (complete) {
      OutputCodec.Chunk tail = codec.finish();
      if (tail != null) {
        queue(tail); // the codec's last frames, before the isFinal
      }
    }
    ended(fx -> {
      if (complete) {
        owner.contextCompleted(this, fx);
      } else {
        // the provider ended the session on its own, before all input was voiced
        owner.contextFailed(this, new SpeechError(ErrorCode.ERROR, "The speech provider ended "
            + "the session before all text was voiced"), fx);
      }
    });
  }

  @Override
  public void onFailure(SpeechError error) {
    ended(fx -> owner.contextFailed(this, error, fx));
  }

  /** The terminal event: the work stopped; unless already DONE, DONE and out of the map, then. */
  private void ended(Consumer<Effects> then) {
    workEnded();
    owner.locked(fx -> {
      if (state.is(State.DONE)) {
        return;
      }
      state.moveTo(State.DONE);
      owner.contexts.remove(key, this);
      then.accept(fx);
    });
  }

  /** The {@code isFinal} of this context. */
  String finalJson() {
    return new TtsServerMessage.Final(wireId).encode();
  }

  /** Milliseconds of audio in {@code bytes} of {@code f} (estimated from the bitrate if opaque). */
  static long audioMillis(AudioFormat f, long bytes) {
    if (f.isDecodable()) {
      return Math.round(f.millisForBytes(bytes));
    }
    return f.bitrateKbps() > 0 ? bytes * 8 / f.bitrateKbps() : 0;
  }

  /** The audio message for a chunk, with alignment as {@code sync_alignment} asks. */
  static String encodeAudio(TtsAudio a, String contextId, boolean syncAlignment) {
    Alignment al = a.alignment();
    Alignment na = a.normalizedAlignment();
    if (syncAlignment) {
      al = al == null ? EMPTY : al;
      na = na == null ? al : na;
    }
    return new TtsServerMessage.Audio(a.audio(), al, na, contextId).encode();
  }
}
