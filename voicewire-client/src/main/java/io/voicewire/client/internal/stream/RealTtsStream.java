package io.voicewire.client.internal.stream;

import io.voicewire.client.ConnectionStatus;
import io.voicewire.client.TextChunker;
import io.voicewire.client.TtsStream;
import io.voicewire.client.internal.ClientContext;
import io.voicewire.client.internal.Logs;
import io.voicewire.client.internal.Urls;
import io.voicewire.client.internal.resume.TtsCursor;
import io.voicewire.client.internal.transport.Connection;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.TokenType;
import io.voicewire.protocol.TtsClientMessage;
import io.voicewire.protocol.TtsParams;
import io.voicewire.protocol.TtsServerMessage;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.VoiceSettings;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;

/** {@link TtsStream} over {@code stream-input}, resuming through a {@link TtsCursor}. */
public final class RealTtsStream extends ReconnectingStream implements TtsStream {
  private static final Logger log = Logs.get(RealTtsStream.class);
  /** A connection open this long, with our text sent, counts as healthy, ms. */
  public static final long HEALTHY_AFTER_MILLIS = 500;

  private final TtsRequest request;
  private final Listener listener;
  private final TextChunker chunker;
  private final TtsCursor cursor;
  private boolean endRequested;
  /** Settings a relay's client sent again, for the next message out (lock held). */
  private VoiceSettings laterSettings;
  private List<Integer> laterSchedule;
  private long lastSendNanos;
  private long awaitingAudioSince;
  private long lastChunkNanos;
  private long openedNanos;
  private long seenSeams;
  private long seenDropped;
  private long seenMismatches;

  private RealTtsStream(ClientContext ctx, TtsRequest request, Listener listener) {
    super(ctx, "tts " + request.voiceId());
    this.request = request;
    this.listener = listener;
    this.chunker = TextChunker.forRequest(request);
    this.cursor = new TtsCursor(request.outputFormat());
  }

  /** Opens a stream and starts connecting. */
  public static RealTtsStream open(ClientContext ctx, TtsRequest request, Listener listener) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(listener, "listener == null");
    RealTtsStream s = new RealTtsStream(ctx, request, listener);
    s.lock();
    try {
      if (!s.cursor.exact()) {
        s.setResumable(true, "retries only before the first audio: " + s.cursor.inexactReason());
      }
    } finally {
      s.unlock();
    }
    s.start();
    return s;
  }

  @Override
  public TtsRequest request() {
    return request;
  }

  // ------------------------------------------------------------------ input

  @Override
  public boolean send(CharSequence text) {
    Objects.requireNonNull(text, "text == null");
    lock();
    try {
      if (isTerminal() || endRequested) {
        return false;
      }
      if (!cursor.hasRoomFor(text.length() + chunker.buffered())) {
        return false;
      }
      for (String piece : chunker.push(text)) {
        enqueueText(piece, false, false);
      }
      return true;
    } finally {
      unlock();
    }
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
    lock();
    try {
      if (isTerminal() || endRequested || !cursor.hasRoomFor(text.length())) {
        return false;
      }
      if (text.isEmpty() && !flush && !tryTrigger) {
        return true; // an empty piece would end the stream on the wire
      }
      enqueueText(text, flush, tryTrigger, voiceSettings, chunkLengthSchedule);
      return true;
    } finally {
      unlock();
    }
  }

  @Override
  public boolean flush() {
    lock();
    try {
      if (isTerminal() || endRequested) {
        return false;
      }
      List<String> rest = chunker.flush();
      if (rest.isEmpty()) {
        enqueueText("", true, false);
      } else {
        enqueueText(rest.get(0), true, false);
      }
      return true;
    } finally {
      unlock();
    }
  }

  @Override
  public boolean end() {
    lock();
    try {
      if (isTerminal() || endRequested) {
        return false;
      }
      endRequested = true;
      for (String piece : chunker.flush()) {
        enqueueText(piece, false, false);
      }
      cursor.markEnded();
      markEnding();
      Connection c = connection();
      if (c != null) {
        c.send(TtsClientMessage.text("", false, null).encode());
        lastSendNanos = ctx.nanoClock().getAsLong();
      }
      return true;
    } finally {
      unlock();
    }
  }

  @Override
  public void close() {
    cancel();
  }

  @Override
  public long unvoicedChars() {
    lock();
    try {
      return cursor.unvoiced() + chunker.buffered();
    } finally {
      unlock();
    }
  }

  /** Lock held. Records {@code text} and sends it when connected. */
  private void enqueueText(String text, boolean flush, boolean tryTrigger) {
    enqueueText(text, flush, tryTrigger, null, null);
  }

  private void enqueueText(String text, boolean flush, boolean tryTrigger, VoiceSettings vs,
      List<Integer> schedule) {
    long now = ctx.nanoClock().getAsLong();
    boolean settings = vs != null || schedule != null;
    boolean settingsOnly = settings && text.equals(" ");
    if (!settingsOnly && !text.isEmpty() && cursor.unvoiced() == 0 && awaitingAudioSince == 0) {
      awaitingAudioSince = now;
    }
    if (!settingsOnly) {
      cursor.append(text);
    }
    if (settings) {
      laterSettings = vs;
      laterSchedule = schedule;
    }
    if (flush) {
      cursor.markFlush();
    }
    Connection c = connection();
    if (c == null) {
      return; // sent by the replay when a connection opens
    }
    String unsent = cursor.takeUnsent();
    if (unsent.isEmpty() && !flush && !tryTrigger && !settings) {
      return;
    }
    // a bare flush carries one space: {"text":""} would end the stream (PROTOCOL.md §2.3)
    c.send(sendText(unsent.isEmpty() ? " " : unsent, flush, tryTrigger));
    lastSendNanos = now;
  }

  // ------------------------------------------------------------------ hooks

  @Override
  protected String pathAndQuery() {
    return Urls.ttsPath(request.voiceId(), "stream-input")
        + TtsParams.toQuery(request, ctx.ttsInactivityTimeoutSecs());
  }

  @Override
  protected TokenType tokenType() {
    return TokenType.TTS_WEBSOCKET;
  }

  /** Lock held: a SendText carrying the later settings not sent yet, if any. */
  private String sendText(String text, boolean flush, boolean tryTrigger) {
    String m = new TtsClientMessage(text, flush, tryTrigger, laterSettings, laterSchedule,
        List.of(), null, null, null, false, false).encodeAsSendText();
    laterSettings = null;
    laterSchedule = null;
    return m;
  }

  @Override
  protected void onConnectionOpen(Connection c) {
    c.send(initMessage(request, null));
    for (TtsCursor.Piece p : cursor.replay()) {
      c.send(sendText(p.text(), p.flush(), false));
    }
    if (laterSettings != null || laterSchedule != null) {
      c.send(sendText(" ", false, false)); // settings sent again before any text
    }
    if (cursor.ended()) {
      c.send(TtsClientMessage.text("", false, null).encode());
    }
    lastSendNanos = ctx.nanoClock().getAsLong();
    lastChunkNanos = 0;
    openedNanos = lastSendNanos;
  }

  /**
   * The init message: one space, voice settings, the schedule unless in auto_mode, and the
   * pronunciation dictionaries; for a request read from a client (a relay), only the settings
   * that client chose.
   */
  static String initMessage(TtsRequest request, String contextId) {
    return new TtsClientMessage(" ", false, false,
        request.chose("voice_settings") ? request.voiceSettings() : null,
        request.autoMode() || !request.chose("generation_config") ? null
            : request.chunkLengthSchedule(),
        request.pronunciationDictionaryLocators(), null, null, contextId, false, false).encode();
  }

  @Override
  protected void onText(Connection c, String text) {
    TtsServerMessage m;
    try {
      m = TtsServerMessage.decode(text);
    } catch (ProtocolException e) {
      log.debug("{}: ignoring an unreadable server message: {}", name, e.getMessage());
      return;
    }
    switch (m) {
      case TtsServerMessage.Audio a -> onAudio(a);
      case TtsServerMessage.Final f -> {
        if (endRequested) {
          finishLocked(true, "");
        }
      }
      case TtsServerMessage.Error e -> {
        ErrorCode code = ErrorCode.fromWire(e.error());
        serverError(new SpeechError(code == null ? ErrorCode.ERROR : code,
            e.message() == null ? e.error() : e.message()));
      }
      case TtsServerMessage.Other o -> { }
    }
  }

  private void onAudio(TtsServerMessage.Audio a) {
    long now = ctx.nanoClock().getAsLong();
    if (lastChunkNanos != 0) {
      metrics.chunkInterArrivalNanos(now - lastChunkNanos);
    }
    lastChunkNanos = now;
    TtsAudio out = cursor.onAudio(new TtsAudio(a.audio(), a.alignment(), a.normalizedAlignment()));
    syncCounters();
    if (out != null && out.audio().length > 0) {
      markProgress();
      if (awaitingAudioSince != 0) {
        metrics.timeToFirstAudioNanos(now - awaitingAudioSince);
        awaitingAudioSince = 0;
      }
      events.offer(() -> listener.onAudio(out));
    }
    if (!cursor.exact()) {
      setResumable(cursor.cannotResumeReason() == null,
          "retries only before the first audio: " + cursor.inexactReason());
    }
  }

  private void syncCounters() {
    metrics.seams.add(cursor.seams() - seenSeams);
    metrics.droppedAudioBytes.add(cursor.droppedBytes() - seenDropped);
    metrics.alignmentMismatches.add(cursor.mismatches() - seenMismatches);
    seenSeams = cursor.seams();
    seenDropped = cursor.droppedBytes();
    seenMismatches = cursor.mismatches();
  }

  @Override
  protected void onTick(Connection c, long nowNanos) {
    if (nowNanos - openedNanos >= HEALTHY_AFTER_MILLIS * 1_000_000L) {
      // the server took the connection and our text and kept it: reachable, not refusing, so the
      // backoff starts again after it; a server whose first audio takes longer than a connection
      // lives is bounded by ReconnectPolicy.giveUpAfter instead
      markHealthy();
    }
    if (!endRequested && nowNanos - lastSendNanos >= ctx.ttsKeepAliveNanos()) {
      c.send(TtsClientMessage.text(" ", false, null).encode()); // keep-alive, PROTOCOL.md §2.6
      lastSendNanos = nowNanos;
    }
  }

  @Override
  protected String cannotResumeReason() {
    return cursor.cannotResumeReason();
  }

  @Override
  protected boolean awaitingAcceptance() {
    return cursor.unvoiced() > 0;
  }

  @Override
  protected boolean completesOnDrop() {
    return endRequested && cursor.isComplete();
  }

  @Override
  protected String finishTimeoutWhat() {
    return "no audio or isFinal";
  }

  @Override
  protected void deliverStatus(ConnectionStatus status) {
    events.offer(() -> listener.onStatus(status));
  }

  @Override
  protected void deliverClosed(boolean complete) {
    events.offer(() -> listener.onClosed(complete));
  }

  @Override
  protected void deliverFailure(SpeechError error) {
    events.offer(() -> listener.onFailure(error));
  }

  /** For testing: the cursor's absolute position. */
  long cursorPosition() {
    lock();
    try {
      return cursor.cursor();
    } finally {
      unlock();
    }
  }
}
