package io.voicewire.server.internal;

import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.DialogueClientMessage;
import io.voicewire.protocol.DialogueServerMessage;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.Query;
import io.voicewire.protocol.TtsClientMessage;
import io.voicewire.speech.DialogueRelay;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.VoiceInfo;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Text-to-Dialogue sockets, {@code /v1/text-to-dialogue/stream-input} and
 * {@code /multi-stream-input} (the official SDK's {@code TextToDialogueWebsocket*} types; see
 * docs/server.md). A dialogue (the stream, or one context on multi) registers its
 * {@code voices} on its first message; its {@code inputs} form speaker turns, a new one at
 * {@code new_turn} or another {@code voice_id}. Each turn is one {@link TtsContext} of the
 * {@link TtsSocket} machinery, with its voice: turns are voiced one after the other (the next
 * turn's text waits, bounded, until the previous turn's audio is complete), each ends with
 * {@code is_final_audio_for_turn}, the dialogue with {@code is_final}. On multi,
 * {@code close_context} voices the context's remaining text (unlike TTS), at most
 * {@value #MAX_CONTEXTS} contexts, each closing on its own after the inactivity timeout; protocol
 * errors close the whole connection. Relayed ({@link DialogueRelayLink}), the messages are checked
 * the same way and go upstream, whose turns come back as sent. Its lifecycle is {@link TtsState}:
 * <pre>
 *   ADMITTING ──key accepted──▶ STREAMING ──close_socket──▶ ENDING ──every is_final──▶ CLOSING
 *   STREAMING ──bad message──▶ DRAINING ──accepted text voiced──▶ CLOSING (error)
 *   STREAMING ──provider failure / socket timeout / time limit / drain──▶ CLOSING (error)
 * </pre>
 *
 * <p>Thread safe (see {@link TtsSocket}). Public only for Jetty's reflection; not an API.
 */
public final class DialogueSocket extends TtsSocket<DialogueClientMessage> {
  /** Most dialogue contexts on one multi-stream-input socket (the official limit). */
  static final int MAX_CONTEXTS = 5;
  /** Most voices of one dialogue for {@code eleven_v3} (for the default model: one). */
  static final int MAX_VOICES = 10;
  /** The official default dialogue model. */
  static final String DEFAULT_MODEL = "eleven_v3_conversational";

  private static final TtsWire<DialogueClientMessage> WIRE = new TtsWire<>(
      DialogueClientMessage::decode, DialogueClientMessage::apiKey,
      m -> m.authorization() != null ? m.authorization() : m.singleUseToken());
  private static final String SINGLE = "\u0000dialogue";

  /** One speaker turn: its voice and the text that waits until the turn before is voiced. */
  private static final class Turn {
    final String voice;
    final StringBuilder text = new StringBuilder();
    boolean flush;

    Turn(String voice) {
      this.voice = voice;
    }
  }

  /** One dialogue: the stream, or one context of multi. Guarded by the socket. */
  private final class Dialogue {
    final String key;
    final String wireId;
    final Set<String> voices;
    final ArrayDeque<Turn> waiting = new ArrayDeque<>();
    TtsContext head;
    String tailVoice;
    boolean closing;
    long waitingBytes;
    int turns;
    long lastActivityNanos;

    Dialogue(String key, String wireId, Set<String> voices) {
      this.key = key;
      this.wireId = wireId;
      this.voices = voices;
    }

    /** Whether the turn receiving text is the one being voiced. */
    boolean tailIsHead() {
      return head != null && waiting.isEmpty();
    }
  }

  private final boolean multi;
  private final String model;
  /** The upstream when the provider relays dialogues (see docs/server.md), else null. */
  private final DialogueRelayLink link;
  // guarded by this
  private final Map<String, Dialogue> dialogues = new HashMap<>();
  private final Map<String, Dialogue> byTurnKey = new HashMap<>();

  DialogueSocket(Services s, boolean multi, Query query, Auth.Result handshakeAuth) {
    super(s, multi ? SessionKind.TTD_MULTI_STREAM_INPUT : SessionKind.TTD_STREAM_INPUT,
        "dialogue", query, handshakeAuth, WIRE);
    this.multi = multi;
    String chosen = query.get("model_id");
    this.model = chosen == null || chosen.isEmpty() ? DEFAULT_MODEL : chosen;
    DialogueRelay relay = s.provider.dialogueRelay();
    this.link = relay == null ? null : new DialogueRelayLink(this, relay, multi, query);
  }

  @Override
  void onMessage(DialogueClientMessage m, long now, Effects fx) {
    if (!model.startsWith("eleven_v3")) {
      clientError(ErrorCode.INVALID_REQUEST, "model_id '" + model + "' is not a dialogue model: "
          + "use eleven_v3 or " + DEFAULT_MODEL, CloseCodes.POLICY_VIOLATION, fx);
      return;
    }
    boolean loneCloseSocket = m.closeSocket() && m.inputs().isEmpty() && m.voices() == null;
    if (m.closeSocket() && (!multi || loneCloseSocket)) {
      if (link != null && link.live()) {
        link.forward(m, fx); // the upstream ends every dialogue: its is_finals end this socket
        dialogues.values().forEach(d -> d.closing = true);
        beginEnding(fx);
        return;
      }
      if (!multi && dialogues.isEmpty()) {
        out().enqueueUrgent(new DialogueServerMessage.Final(null).encode());
      }
      for (Dialogue d : List.copyOf(dialogues.values())) {
        close(d, fx);
      }
      beginEnding(fx);
      return;
    }
    if (multi && m.contextId() == null) {
      clientError(ErrorCode.INPUT_ERROR, "Every message needs 'context_id' (except a lone "
          + "close_socket)", CloseCodes.POLICY_VIOLATION, fx);
      return;
    }
    String key = multi ? m.contextId() : SINGLE;
    Dialogue d = dialogues.get(key);
    if (d == null) {
      d = register(key, m, fx);
      if (d == null) {
        return;
      }
    } else if (d.closing) {
      clientError(ErrorCode.INPUT_ERROR, "Context '" + m.contextId() + "' is closing",
          CloseCodes.POLICY_VIOLATION, fx);
      return;
    } else if (m.voices() != null || m.stability() != null
        || !m.pronunciationDictionaryLocators().isEmpty()) {
      clientError(ErrorCode.INPUT_ERROR, "voices, voice_settings and "
          + "pronunciation_dictionary_locators are only accepted on the first message",
          CloseCodes.POLICY_VIOLATION, fx);
      return;
    }
    d.lastActivityNanos = now; // any message naming the context, keep_alive included
    if (link != null) {
      relayed(d, m, fx);
      return;
    }
    for (DialogueClientMessage.Input in : m.inputs()) {
      if (unregistered(d, in, fx) || !text(d, in, now, fx)) {
        return;
      }
    }
    if (m.flush()) {
      if (d.tailIsHead()) {
        applyText(d.head, TtsClientMessage.text(null, true, null), now, fx);
      } else if (!d.waiting.isEmpty()) {
        d.waiting.peekLast().flush = true;
      }
    }
    if (m.closeContext() || (m.closeSocket() && multi)) {
      close(d, fx);
      if (m.closeSocket()) {
        beginEnding(fx);
      }
    }
  }

  /** Refuses a line in a voice the dialogue did not register: true (and the error sent). */
  private boolean unregistered(Dialogue d, DialogueClientMessage.Input in, Effects fx) {
    if (d.voices.contains(in.voiceId())) {
      return false;
    }
    clientError(ErrorCode.INPUT_ERROR, "voice_id '" + in.voiceId() + "' is not one of the "
        + "registered voices " + d.voices, CloseCodes.POLICY_VIOLATION, fx);
    return true;
  }

  /** A valid message of a relayed dialogue: upstream, which makes the turns. */
  private void relayed(Dialogue d, DialogueClientMessage m, Effects fx) {
    for (DialogueClientMessage.Input in : m.inputs()) {
      if (unregistered(d, in, fx)) {
        return;
      }
    }
    link.forward(m, fx);
    if (m.closeContext() || m.closeSocket()) {
      d.closing = true;
      if (m.closeSocket()) {
        beginEnding(fx);
      }
    }
  }

  /** A dialogue's first message: its voices. Null (and the error sent) when refused. */
  private Dialogue register(String key, DialogueClientMessage m, Effects fx) {
    List<String> voices = m.voices();
    int max = model.equals(DEFAULT_MODEL) ? 1 : MAX_VOICES;
    String problem = voices == null || voices.isEmpty()
        ? "The first message" + (multi ? " of a context" : "") + " must register 'voices'"
        : voices.size() > max ? voices.size() + " voices: " + model + " takes at most " + max
        : multi && dialogues.size() >= MAX_CONTEXTS ? "Maximum simultaneous contexts exceeded "
            + "(limit " + MAX_CONTEXTS + "): close a context before opening another" : null;
    if (problem == null) {
      Set<String> known = new LinkedHashSet<>();
      s.provider.voices().stream().map(VoiceInfo::voiceId).forEach(known::add);
      for (String v : voices) {
        if (!known.contains(v)) {
          problem = "voice '" + v + "' does not exist";
        }
      }
    }
    if (problem != null) {
      clientError(problem.startsWith("Maximum") ? ErrorCode.POLICY_VIOLATION
          : ErrorCode.INPUT_ERROR, problem, CloseCodes.POLICY_VIOLATION, fx);
      return null;
    }
    Dialogue d = new Dialogue(key, multi ? m.contextId() : null, new LinkedHashSet<>(voices));
    dialogues.put(key, d);
    return d;
  }

  /** One line: to the turn being voiced, or a new turn. False when refused (error sent). */
  private boolean text(Dialogue d, DialogueClientMessage.Input in, long now, Effects fx) {
    boolean newTurn = d.tailVoice == null || in.newTurn() || !in.voiceId().equals(d.tailVoice);
    if (newTurn) {
      if (d.tailIsHead()) {
        d.head.end(fx); // the turn is complete: its rest is voiced, then the next one opens
      }
      d.tailVoice = in.voiceId();
      d.waiting.addLast(new Turn(in.voiceId()));
      if (d.head == null) {
        openNext(d, now, fx);
      }
    }
    if (d.tailIsHead()) {
      applyText(d.head, TtsClientMessage.text(in.text(), false, null), now, fx);
      return true;
    }
    long bytes = d.waitingBytes + TtsBounds.utf8Length(in.text());
    if (bytes > TtsBounds.MAX_UNVOICED_TEXT_BYTES) {
      clientError(ErrorCode.POLICY_VIOLATION, TtsBounds.unvoicedTextProblem(bytes)
          + " (MAX_UNVOICED_TEXT_BYTES)", CloseCodes.POLICY_VIOLATION, fx);
      return false;
    }
    d.waitingBytes = bytes;
    d.waiting.peekLast().text.append(in.text());
    return true;
  }

  /** Opens the next waiting turn as the head; ends it at once unless it is the open tail. */
  private void openNext(Dialogue d, long now, Effects fx) {
    Turn t = d.waiting.pollFirst();
    String turnKey = d.key + "\u0000" + d.turns++;
    TtsRequest req = params.request().toBuilder().voiceId(t.voice).build();
    d.head = openContext(turnKey, d.wireId, req, now, fx);
    byTurnKey.put(turnKey, d);
    d.waitingBytes -= TtsBounds.utf8Length(t.text.toString());
    if (!t.text.isEmpty() || t.flush) {
      applyText(d.head, TtsClientMessage.text(t.text.isEmpty() ? null : t.text.toString(),
          t.flush, null), now, fx);
    }
    if (!d.waiting.isEmpty() || d.closing) {
      d.head.end(fx);
    }
  }

  /** close_context / close_socket: the rest is voiced, then {@code is_final}. */
  private void close(Dialogue d, Effects fx) {
    if (d.closing) {
      return;
    }
    d.closing = true;
    if (d.tailIsHead()) {
      d.head.end(fx);
    } else if (d.head == null) {
      finished(d);
    }
  }

  private void finished(Dialogue d) {
    dialogues.remove(d.key, d);
    out().enqueueUrgent(new DialogueServerMessage.Final(d.wireId).encode());
  }

  /**
   * Multi: a context idle for the socket's inactivity timeout closes on its own, like a TTS
   * multi-stream-input context ({@link #closeIdle}), and the socket goes on. Its audio and turns
   * are dropped and its {@code is_final} sent: a dialogue error names no context.
   */
  @Override
  long expireIdleContexts(long now, long next, Effects fx) {
    if (!multi || link != null) {
      return next; // stream-input: the socket's own; relayed: the upstream's (same timeout)
    }
    List<Dialogue> open = dialogues.values().stream().filter(d -> !d.closing).toList();
    return closeIdle(open, d -> d.lastActivityNanos, d -> d.wireId, d -> {
      d.waiting.clear();
      d.waitingBytes = 0;
      if (d.head != null) {
        byTurnKey.remove(d.head.key);
        cancelContext(d.head, false, fx); // its queued audio goes: none follows the is_final
        d.head = null;
      }
      d.closing = true;
      finished(d);
    }, now, next);
  }

  @Override
  String finalJson(TtsContext c) {
    return new DialogueServerMessage.TurnFinal(c.wireId).encode();
  }

  /** A dialogue's audio messages have their own shape: never an upstream's as received. */
  @Override
  boolean forwardsUpstreamAudio(TtsContext c) {
    return false;
  }

  @Override
  String audioJson(TtsContext c, TtsAudio a) {
    return new DialogueServerMessage.Audio(a.audio(), c.request.syncAlignment()
        ? a.alignment() : null, c.wireId).encode();
  }

  @Override
  void afterContextCompleted(TtsContext c, Effects fx) {
    Dialogue d = byTurnKey.remove(c.key);
    if (d == null || d.head != c) {
      return;
    }
    d.head = null;
    if (!d.waiting.isEmpty()) {
      openNext(d, s.now(), fx);
    } else if (d.closing) {
      finished(d);
    }
  }

  @Override
  void contextFailed(TtsContext c, SpeechError error, Effects fx) {
    byTurnKey.remove(c.key);
    endNow(error.code(), ClientText.safe(error.message()), Errors.closeCode(error.code()), false,
        fx);
  }

  // ---------------------------------------------------------------- relayed (see link)

  @Override
  boolean upstreamBusy() {
    return link != null && link.live() && !dialogues.isEmpty();
  }

  @Override
  void endUpstream(Effects fx) {
    if (link != null) {
      link.endInput(fx);
    }
  }

  @Override
  void closeUpstream(Effects fx) {
    if (link != null) {
      link.close(fx);
    }
  }

  /**
   * An upstream message, passed on as the upstream wrote it: audio (queued as audio, which the
   * upstream's pacing reads) and turn ends of a live dialogue, its {@code is_final} (which
   * removes it), or an error (which ends this socket with it). Audio of a dialogue already final
   * is dropped: none follows an {@code is_final}.
   */
  void upstreamMessage(String json, Effects fx) {
    if (state.isAny(TtsState.CLOSING, TtsState.CLOSED)) {
      return;
    }
    DialogueServerMessage msg;
    try {
      msg = DialogueServerMessage.decode(json);
    } catch (ProtocolException e) {
      upstreamEnded(new SpeechError(ErrorCode.ERROR, "the upstream sent a message that is not "
          + "a Text-to-Dialogue message"), fx);
      return;
    }
    if (msg instanceof DialogueServerMessage.Error e) {
      ErrorCode code = ErrorCode.fromWire(e.error());
      endNow(code == null ? ErrorCode.ERROR : code, ClientText.safe(e.message()), e.code(), false,
          fx);
      return;
    }
    String key = multi ? msg.contextId() : SINGLE;
    Dialogue d = key == null ? null : dialogues.get(key);
    if (d == null) {
      s.metrics.error("stale_dialogue_audio"); // nothing of an ended dialogue is played
      return;
    }
    if (msg instanceof DialogueServerMessage.Audio a) {
      long ms = TtsContext.audioMillis(params.request().outputFormat(), a.audio().length);
      if (out().enqueue(json, ms, a.audio().length, null) == Outbox.Offer.OVERFLOW) {
        endNow(ErrorCode.QUEUE_OVERFLOW, Errors.audioOverflowMessage(s.limits),
            CloseCodes.POLICY_VIOLATION, true, fx);
      }
      return;
    }
    out().enqueueUrgent(json);
    if (msg instanceof DialogueServerMessage.Final) {
      dialogues.remove(key);
      contextGone(fx);
    }
  }

  /**
   * The upstream socket ended: fine when this socket is ending and every dialogue has ended;
   * otherwise a failure, this socket ends with it (no resume: a relayed dialogue is never
   * re-sent, so no line is voiced twice; the turns that ended are complete, the client is told).
   */
  void upstreamEnded(SpeechError error, Effects fx) {
    link.stop(fx);
    if (state.isAny(TtsState.CLOSING, TtsState.CLOSED)) {
      return;
    }
    if (error == null && dialogues.isEmpty() && state.isAny(TtsState.ENDING, TtsState.DRAINING)) {
      contextGone(fx);
      return;
    }
    SpeechError e = error != null ? error : new SpeechError(ErrorCode.ERROR,
        "the upstream dialogue socket closed" + (dialogues.isEmpty() ? "" : " before every "
            + "dialogue ended"));
    endNow(e.code(), ClientText.safe(e.message()) + ": the lines not yet voiced are lost (a "
        + "relayed dialogue is not resumed, so no line is voiced twice)",
        e.code() == ErrorCode.ERROR ? CloseCodes.INTERNAL_ERROR : Errors.closeCode(e.code()),
        false, fx);
  }
}
