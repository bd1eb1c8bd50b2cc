// Text-to-speech over the `multi-stream-input` WebSocket (PROTOCOL.md §3): several contexts on
// one connection, made for barge-in. interrupt() closes the context that is speaking and opens a
// new one; the audio of a closed context is dropped here (by `contextId`) and, with a Player, at
// once in the player too, so nothing stale is heard. The server allows 5 live contexts and a
// context stays live until its `isFinal` after `close_context`: an open beyond the limit waits in
// a bounded queue until an `isFinal` frees a slot, so the limit is never hit.
//
//     const tts = new MultiTtsSocket({ baseUrl: location.origin, voiceId: 'en-US-1', player,
//       token: () => fetch('/demo/token/tts_websocket').then((r) => r.json()).then((j) => j.token) });
//     tts.connect();
//     tts.speak('Hello! How can I help? ');       // opens a context if none is current
//     // the user starts talking:
//     tts.interrupt('Sure, go ahead. ');          // close_context + a new context, no stale audio
//     tts.counters  // {opened, closed, finals, maxConcurrent, staleChunksDropped, …}
//
// Contexts (each): queued ─slot free→ open ─closeContext()/interrupt()→ closing ─isFinal→ final
//                  open ─endContext()→ ending (plays to its end) ─isFinal→ final
//                  ending ─closeContext()/interrupt()→ closing
//                  queued ─closeContext()/interrupt()→ final (never sent to the server)
// Events: `status` (socket-core), `audio` {contextId, pcm, sampleRate, chars, starts, durs},
// `context` {contextId, state}, `final` {contextId, chars, audioMs} (a context's isFinal),
// `error` {error, message, contextId?}.
// A dropped connection reconnects (socket-core); the contexts live on it end there (their
// remaining audio is lost, reported as `final` with `lost: true`) and queued ones open on the
// new connection. Not thread safe: one owner (the page's main thread).

import { ReconnectingSocket, errorName } from './socket-core.js';
import { readAlignment } from './tts-resume.js';
import { decodeAudio } from './pcm.js';
import { ttsUrl, initTts, HEALTHY_AFTER_MILLIS } from './tts-socket.js';

/** The server's limit of live contexts per connection (PROTOCOL.md §3; ElevenLabs' too). */
export const MAX_CONTEXTS = 5;
/**
 * Opens waiting for a free context slot. Overflow: openContext() returns null; interrupt()
 * never needs more than one waiting open, since it discards a current context that never opened.
 */
export const MAX_QUEUED_OPENS = 8;
/** Text held for a context that waits for its slot, in characters (the server's per-context bound is 512 KiB). */
export const MAX_QUEUED_TEXT_CHARS = 512 * 1024;
/** Contexts remembered after their end, to recognise late audio of them as stale. */
export const MAX_REMEMBERED_CONTEXTS = 64;

let sequence = 0;

export class MultiTtsSocket extends ReconnectingSocket {
  /**
   * @param {object} o TtsSocket's options (see there; `voiceId` is required), plus
   *   `player` (a Player: audio of the current context is pushed to it, that of a closed one
   *   dropped from it), `maxContexts` (default 5), `maxQueuedOpens` (default 8), `idPrefix`.
   */
  constructor(o = {}) {
    super(o);
    initTts(this, o);
    this.player = o.player || null;
    this.maxContexts = o.maxContexts ?? MAX_CONTEXTS;
    this.maxQueuedOpens = o.maxQueuedOpens ?? MAX_QUEUED_OPENS;
    this.idPrefix = o.idPrefix || 'ctx' + (++sequence) + '-';
    this._next = 0;
    /** contextId → {id, state, queued: string[], queuedChars, chars, audioMs} of every known context. */
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

  _url(token) {
    return ttsUrl(this.options, 'multi-stream-input', this.outputFormat, token);
  }

  /** Contexts that count against the server's limit: open or closing, not yet final. */
  liveContexts() {
    return this.counters.live;
  }

  /**
   * Opens a new context (queued while the limit is reached or the socket is not open) and makes
   * it current. Returns its id, or null when the queue of waiting opens is full or the session
   * has ended.
   */
  openContext(text = '') {
    if (this.state === 'closing' || this.state === 'closed' || this.state === 'failed') return null;
    if (this._waiting.length >= this.maxQueuedOpens) {
      this.counters.refused++;
      return null;
    }
    const id = this.idPrefix + (++this._next);
    const c = { id, state: 'queued', queued: [], queuedChars: 0, chars: '', audioMs: 0 };
    this.contexts.set(id, c);
    this._waiting.push(id);
    this.counters.queuedOpens++;
    this.counters.maxQueued = Math.max(this.counters.maxQueued, this._waiting.length);
    this.current = id;
    this._setState(c, 'queued');
    if (text !== '') this.send(text, id);
    this._pump();
    return id;
  }

  /**
   * Sends text to a context (default: the current one; one is opened if there is none). Text
   * for a queued context waits with it. Returns false for a closed or unknown context, or when
   * the text held for a queued context would exceed MAX_QUEUED_TEXT_CHARS.
   */
  send(text, contextId = this.current) {
    if (typeof text !== 'string') throw new TypeError('text must be a string');
    if (contextId === null) return this.openContext(text) !== null;
    const c = this.contexts.get(contextId);
    if (!c || (c.state !== 'queued' && c.state !== 'open')) return false;
    if (text === '') return true; // "" is a keep-alive, never text (§3)
    if (c.state === 'queued') {
      if (c.queuedChars + text.length > MAX_QUEUED_TEXT_CHARS) return false;
      c.queued.push(text);
      c.queuedChars += text.length;
      return true;
    }
    return this._sendTo(c, { text });
  }

  /** Speaks `text` on the current context, opening one if none is current (or it was ended). */
  speak(text) {
    const c = this.current === null ? null : this.contexts.get(this.current);
    if (!c || (c.state !== 'queued' && c.state !== 'open')) return this.openContext(text) !== null;
    return this.send(text, c.id);
  }

  /** Generates what a context holds without waiting for more text (default: the current one). */
  flush(contextId = this.current) {
    const c = this.contexts.get(contextId);
    if (!c) return false;
    if (c.state === 'queued') { c.flush = true; return true; }
    return c.state === 'open' && this._sendTo(c, { text: ' ', flush: true });
  }

  /**
   * Closes a context: its audio is dropped from now on (here and in the player) and it stops
   * counting against the limit at its `isFinal`. A queued context never reaches the server.
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
    if (!ending) this._sendTo(c, { close_context: true }); // an ending one has sent it already
    return true;
  }

  /**
   * Barge-in: closes every context that is speaking or waiting to (no more of their audio
   * plays) and opens a new one with `text`. Returns the new context's id, or null if it could
   * not be opened.
   */
  interrupt(text = '') {
    for (const c of [...this.contexts.values()]) {
      if (c.state === 'queued' || c.state === 'open' || c.state === 'ending') this.closeContext(c.id);
    }
    return this.openContext(text);
  }

  /**
   * Ends a context's input gracefully (default: the current one): it speaks what it has, all of
   * it plays, then it sends its isFinal. It can still be interrupted until then; speak() after
   * it opens the next context, whose audio plays after this one's.
   */
  endContext(contextId = this.current) {
    const c = this.contexts.get(contextId);
    if (!c || (c.state !== 'queued' && c.state !== 'open')) return false;
    if (c.state === 'queued') { c.endAfterOpen = true; return true; }
    this._setState(c, 'ending');
    // close_context voices only flushed text (AsyncAPI CloseContext): flush the rest first
    this._sendTo(c, { text: ' ', flush: true });
    return this._sendTo(c, { close_context: true });
  }

  _setState(c, state) {
    c.state = state;
    this._emit('context', { contextId: c.id, state });
  }

  _sendTo(c, msg) {
    this._lastSendAt = this.now();
    return this._send({ ...msg, context_id: c.id });
  }

  /** Opens waiting contexts while slots are free and the socket is open. */
  _pump() {
    while (this._waiting.length > 0 && this.counters.live < this.maxContexts && this.isOpen()) {
      const c = this.contexts.get(this._waiting.shift());
      const init = { text: ' ' };
      if (this.options.voiceSettings) init.voice_settings = this.options.voiceSettings;
      if (this.options.generationConfig) init.generation_config = this.options.generationConfig;
      if (!this._sendTo(c, init)) { this._waiting.unshift(c.id); return; }
      this.counters.opened++;
      this.counters.live++;
      this.counters.maxConcurrent = Math.max(this.counters.maxConcurrent, this.counters.live);
      this._setState(c, 'open');
      const text = c.queued.join('');
      c.queued = [];
      c.queuedChars = 0;
      if (text !== '') this._sendTo(c, c.flush ? { text, flush: true } : { text });
      else if (c.flush) this._sendTo(c, { text: ' ', flush: true });
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
      for (const c of this.contexts.values()) if (c.state === 'open') this._sendTo(c, { text: '' });
      this._send({ text: '' });
      this._lastSendAt = this.now();
    });
  }

  _onMessage(msg) {
    const id = msg.contextId ?? msg.context_id ?? null;
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
    c.chars += chars;
    c.audioMs += (pcm.length * 1000) / this.sampleRate;
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
    // every context speaks what it has and sends its isFinal, then the server closes (1000)
    this._send({ close_socket: true });
  }

  _onClosedForGood() {
    if (this._keepAlive) { this.clearTimeout(this._keepAlive); this._keepAlive = null; }
  }
}
