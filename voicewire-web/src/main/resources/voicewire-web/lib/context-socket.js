// Contexts on one connection, the machinery shared by MultiTtsSocket (`multi-stream-input`) and
// DialogueSocket (the Text-to-Dialogue sockets): the subclass is the wire (its messages), this
// class the context life cycle, the limit, the queue, the player and the stale-audio drop — as the
// server's TtsSocket<M> is generic over its client message. The server allows 5 live contexts and
// a context stays live until its final message after `close_context`: an open beyond the limit
// waits in a bounded queue until a final frees a slot, so the limit is never hit. The audio of a
// closed context is dropped here (by context id) and, with a Player, at once in the player too,
// so nothing stale is heard.
//
// Contexts (each): queued ─slot free→ open ─closeContext()/interrupt()→ closing ─final→ final
//                  open ─endContext()→ ending (plays to its end) ─final→ final
//                  ending ─closeContext()/interrupt()→ closing
//                  queued ─closeContext()/interrupt()→ final (never sent to the server)
// Events: `status` (socket-core), `audio` {contextId, pcm, sampleRate, chars, starts, durs},
// `context` {contextId, state}, `final` {contextId, chars, audioMs, lost},
// `error` {error, message, contextId?}.
// A dropped connection reconnects (socket-core); the contexts live on it end there (their
// remaining audio is lost, reported as `final` with `lost: true`) and queued ones open on the
// new connection. Not thread safe: one owner (the page's main thread).
//
// The wire (subclass hooks): `_url(token)`, `_initMessage(c)` (a context's first message),
// `_inputMessage(pieces, flush)` (input pieces, see `_input`), `_flushMessage()`,
// `_endMessages()`, `_closeMessage()`, `_keepAliveMessages()`, `_sendTo(c, msg)` (adds the context id),
// `_contextIdOf(msg)`, `_onContextAudio(c, chars, ms)`.

import { ReconnectingSocket, errorName } from './socket-core.js';
import { readAlignment } from './tts-resume.js';
import { decodeAudio } from './pcm.js';
import { HEALTHY_AFTER_MILLIS } from './tts-socket.js';

/** The server's limit of live contexts per connection (PROTOCOL.md §3; ElevenLabs' too). */
export const MAX_CONTEXTS = 5;
/**
 * Opens waiting for a free context slot. Overflow: an open returns null; an interrupt
 * never needs more than one waiting open, since it discards a current context that never opened.
 */
export const MAX_QUEUED_OPENS = 8;
/** Input held for a context that waits for its slot, in characters (the server's per-context bound is 512 KiB). */
export const MAX_QUEUED_TEXT_CHARS = 512 * 1024;
/** Contexts remembered after their end, to recognise late audio of them as stale. */
export const MAX_REMEMBERED_CONTEXTS = 64;

let sequence = 0;

export class ContextSocket extends ReconnectingSocket {
  /**
   * @param {object} o socket-core's options, plus `player` (a Player: audio of the current
   *   context is pushed to it, that of a closed one dropped from it), `maxContexts` (default 5),
   *   `maxQueuedOpens` (default 8), `idPrefix`. The subclass sets `format`, `sampleRate` and
   *   `keepAliveMillis` (initTts).
   */
  constructor(o = {}) {
    super(o);
    this.player = o.player || null;
    this.maxContexts = o.maxContexts ?? MAX_CONTEXTS;
    this.maxQueuedOpens = o.maxQueuedOpens ?? MAX_QUEUED_OPENS;
    this.idPrefix = o.idPrefix || 'ctx' + (++sequence) + '-';
    this._next = 0;
    /** contextId → {id, state, queued: input pieces, queuedChars, chars, audioMs} of every known context. */
    this.contexts = new Map();
    this._waiting = []; // ids of queued contexts, oldest first
    this.current = null;
    this._lastSendAt = 0;
    this._keepAlive = null;
    this.metrics = { handshakeMs: NaN, reconnects: 0 };
    this.counters = { opened: 0, closed: 0, finals: 0, live: 0, maxConcurrent: 0, queuedOpens: 0,
      maxQueued: 0, discarded: 0, refused: 0, staleChunksDropped: 0, staleMsDropped: 0, lost: 0,
      serverErrors: 0 };
  }

  /** Contexts that count against the server's limit: open or closing, not yet final. */
  liveContexts() {
    return this.counters.live;
  }

  /**
   * Opens a new context (queued while the limit is reached or the socket is not open) with
   * `fields` (kept on it for the wire, e.g. its voices) and makes it current. Returns its id, or
   * null when the queue of waiting opens is full or the session has ended.
   */
  _open(fields = {}) {
    if (this.state === 'closing' || this.state === 'closed' || this.state === 'failed') return null;
    if (this._waiting.length >= this.maxQueuedOpens) {
      this.counters.refused++;
      return null;
    }
    const id = this.idPrefix + (++this._next);
    const c = { ...fields, id, state: 'queued', queued: [], queuedChars: 0, chars: '', audioMs: 0 };
    this.contexts.set(id, c);
    this._waiting.push(id);
    this.counters.queuedOpens++;
    this.counters.maxQueued = Math.max(this.counters.maxQueued, this._waiting.length);
    this.current = id;
    this._setState(c, 'queued');
    return id;
  }

  /**
   * Sends one piece of input (`chars` long) to a context: at once when it is open, else it waits
   * with it. False for a closed or unknown context, or when the input held for a queued context
   * would exceed MAX_QUEUED_TEXT_CHARS.
   */
  _input(piece, chars, contextId) {
    const c = this.contexts.get(contextId);
    if (!c || (c.state !== 'queued' && c.state !== 'open')) return false;
    if (c.state === 'queued') {
      if (c.queuedChars + chars > MAX_QUEUED_TEXT_CHARS) return false;
      c.queued.push(piece);
      c.queuedChars += chars;
      return true;
    }
    return this._sendTo(c, this._inputMessage([piece], false));
  }

  /** The current context if it takes input (queued or open), else null. */
  _speaking() {
    const c = this.current === null ? null : this.contexts.get(this.current);
    return c && (c.state === 'queued' || c.state === 'open') ? c : null;
  }

  /** Generates what a context holds without waiting for more text (default: the current one). */
  flush(contextId = this.current) {
    const c = this.contexts.get(contextId);
    if (!c) return false;
    if (c.state === 'queued') { c.flush = true; return true; }
    return c.state === 'open' && this._sendTo(c, this._flushMessage());
  }

  /**
   * Closes a context: its audio is dropped from now on (here and in the player) and it stops
   * counting against the limit at its final message. A queued context never reaches the server.
   * Returns false if it was not speaking (queued, open, or ending after endContext()).
   */
  closeContext(contextId = this.current) {
    const c = this.contexts.get(contextId);
    if (!c || (c.state !== 'queued' && c.state !== 'open' && c.state !== 'ending')) return false;
    if (this.current === contextId) this.current = null;
    if (this.player) this.player.drop(contextId);
    if (c.state === 'queued') {
      this._waiting = this._waiting.filter((w) => w !== contextId);
      this.counters.discarded++;
      this._end(c, false);
      return true;
    }
    this.counters.closed++;
    const ending = c.state === 'ending';
    this._setState(c, 'closing');
    if (!ending) this._sendTo(c, this._closeMessage()); // an ending one has sent it already
    return true;
  }

  /** Barge-in: closes every context that is speaking or waiting to (no more of their audio plays). */
  _closeAll() {
    for (const c of [...this.contexts.values()]) {
      if (c.state === 'queued' || c.state === 'open' || c.state === 'ending') this.closeContext(c.id);
    }
  }

  /**
   * Ends a context's input gracefully (default: the current one): it speaks what it has, all of
   * it plays, then it sends its final message. It can still be interrupted until then; input after
   * it opens the next context, whose audio plays after this one's.
   */
  endContext(contextId = this.current) {
    const c = this.contexts.get(contextId);
    if (!c || (c.state !== 'queued' && c.state !== 'open')) return false;
    if (c.state === 'queued') { c.endAfterOpen = true; return true; }
    this._setState(c, 'ending');
    let ok = true;
    for (const m of this._endMessages()) ok = this._sendTo(c, m) && ok;
    return ok;
  }

  _setState(c, state) {
    c.state = state;
    this._emit('context', { contextId: c.id, state });
  }

  _sendTo(c, msg, withId = true) {
    this._lastSendAt = this.now();
    return this._send(withId ? { ...msg, context_id: c.id } : msg);
  }

  /** Opens waiting contexts while slots are free and the socket is open. */
  _pump() {
    while (this._waiting.length > 0 && this.counters.live < this.maxContexts && this.isOpen()) {
      const c = this.contexts.get(this._waiting.shift());
      if (!this._sendTo(c, this._initMessage(c))) { this._waiting.unshift(c.id); return; }
      this.counters.opened++;
      this.counters.live++;
      this.counters.maxConcurrent = Math.max(this.counters.maxConcurrent, this.counters.live);
      this._setState(c, 'open');
      const queued = c.queued;
      c.queued = [];
      c.queuedChars = 0;
      if (queued.length > 0) this._sendTo(c, this._inputMessage(queued, !!c.flush));
      else if (c.flush) this._sendTo(c, this._flushMessage());
      if (c.endAfterOpen) this.endContext(c.id);
    }
  }

  _end(c, lost) {
    if (c.state === 'open' || c.state === 'closing' || c.state === 'ending') this.counters.live--;
    this._setState(c, 'final');
    this._emit('final', { contextId: c.id, chars: c.chars, audioMs: c.audioMs, lost });
    // remember a bounded number of ended contexts: late audio of them is recognised as stale
    for (const [id, old] of this.contexts) {
      if (this.contexts.size <= MAX_REMEMBERED_CONTEXTS) break;
      if (old.state === 'final') this.contexts.delete(id);
    }
  }

  _onOpen() {
    this.metrics = { handshakeMs: this.handshakeMs, reconnects: this.reconnects };
    this._pump();
    const ws = this.ws;
    this.setTimeout(() => { if (this.ws === ws && ws !== null) this._markHealthy(); }, HEALTHY_AFTER_MILLIS);
    this._armKeepAlive();
  }

  _armKeepAlive() {
    // keeps the connection and every open context alive (§3)
    this._keepAliveEvery(this.keepAliveMillis, () => this._lastSendAt, () => {
      const { context, connection } = this._keepAliveMessages();
      for (const c of this.contexts.values()) if (c.state === 'open' && context) this._sendTo(c, context);
      if (connection) this._send(connection);
      this._lastSendAt = this.now();
    });
  }

  _onMessage(msg) {
    const id = this._contextIdOf(msg);
    const c = id === null ? null : this.contexts.get(id);
    if (typeof msg.audio === 'string' && msg.audio.length > 0) this._onAudio(c, id, msg);
    if (msg.isFinal === true || msg.is_final === true) {
      if (c && c.state !== 'final') {
        this.counters.finals++;
        this._end(c, false);
      }
      this._pump();
      return;
    }
    if (msg.error !== undefined && msg.error !== null && !msg.audio) {
      const name = errorName(msg.error);
      const err = { error: name, message: String(msg.message || msg.error), contextId: id };
      this.counters.serverErrors++;
      this.lastError = err;
      this._emit('error', err);
      // a context's own inactivity timeout ends that context, not the socket (§3)
      if (c && name === 'input_timeout_exceeded') {
        if (c.state !== 'final') this._end(c, true);
      } else {
        this._serverError(name, err.message);
      }
    }
  }

  _onAudio(c, id, msg) {
    const pcm = decodeAudio(msg.audio, this.format);
    if (!c || (c.state !== 'open' && c.state !== 'ending')) {
      // a closed (or unknown) context's audio: stale, never played
      this.counters.staleChunksDropped++;
      this.counters.staleMsDropped += (pcm.length * 1000) / this.sampleRate;
      return;
    }
    this._markHealthy();
    this._markAccepted();
    const a = readAlignment(msg);
    const chars = a ? a.chars.join('') : '';
    const ms = (pcm.length * 1000) / this.sampleRate;
    c.chars += chars;
    c.audioMs += ms;
    this._onContextAudio(c, chars, ms);
    if (this.player) this.player.push(pcm, this.sampleRate, id);
    this._emit('audio', { contextId: id, pcm, sampleRate: this.sampleRate, chars,
      starts: a ? a.starts : [], durs: a ? a.durs : [] });
  }

  _onDrop() {
    // the server forgot the connection's contexts: their audio is lost, queued ones open anew
    for (const c of this.contexts.values()) {
      if (c.state === 'open' || c.state === 'closing' || c.state === 'ending') {
        if (this.current === c.id) this.current = null;
        if (this.player) this.player.drop(c.id);
        this.counters.lost++;
        this._end(c, true);
      }
    }
  }

  _isComplete() {
    return this.state === 'closing';
  }

  _beginClose() {
    // every context speaks what it has and sends its final message, then the server closes (1000)
    this._send({ close_socket: true });
  }

  // the wire's defaults
  _contextIdOf(msg) { return msg.contextId ?? msg.context_id ?? null; }
  _closeMessage() { return { close_context: true }; }
  _onContextAudio() {}

  _onClosedForGood() {
    if (this._keepAlive) { this.clearTimeout(this._keepAlive); this._keepAlive = null; }
  }
}
