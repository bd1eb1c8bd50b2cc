// Text-to-speech over the `multi-stream-input` WebSocket (PROTOCOL.md §3): several contexts on
// one connection, made for barge-in. interrupt() closes the context that is speaking and opens a
// new one; the audio of a closed context is dropped (by `contextId`, here and in the player), so
// nothing stale is heard, and the 5-context limit is never hit (context-socket.js: an open beyond
// it waits for an `isFinal`).
//
//     const tts = new MultiTtsSocket({ baseUrl: location.origin, voiceId: 'en-US-1', player,
//       token: () => fetch('/demo/token/tts_websocket').then((r) => r.json()).then((j) => j.token) });
//     tts.connect();
//     tts.speak('Hello! How can I help? ');       // opens a context if none is current
//     // the user starts talking:
//     tts.interrupt('Sure, go ahead. ');          // close_context + a new context, no stale audio
//     tts.counters  // {opened, closed, finals, maxConcurrent, staleChunksDropped, …}
//
// Events and states: see context-socket.js (`final` is a context's isFinal). This file is the
// TTS wire: `{text}` input, `{text: ' ', flush: true}`, keep-alive `{text: ''}`.
// Not thread safe: one owner (the page's main thread).

import { ContextSocket } from './context-socket.js';
import { ttsUrl, initTts } from './tts-socket.js';

export { MAX_CONTEXTS, MAX_QUEUED_OPENS, MAX_QUEUED_TEXT_CHARS, MAX_REMEMBERED_CONTEXTS } from './context-socket.js';

export class MultiTtsSocket extends ContextSocket {
  /**
   * @param {object} o TtsSocket's options (see there; `voiceId` is required; PCM or μ-law), plus
   *   `player` (a Player: audio of the current context is pushed to it, that of a closed one
   *   dropped from it), `maxContexts` (default 5), `maxQueuedOpens` (default 8), `idPrefix`.
   */
  constructor(o = {}) {
    super(o);
    initTts(this, o);
  }

  _url(token) {
    return ttsUrl(this.options, 'multi-stream-input', this.outputFormat, token);
  }

  /**
   * Opens a new context (queued while the limit is reached or the socket is not open) and makes
   * it current. Returns its id, or null when the queue of waiting opens is full or the session
   * has ended.
   */
  openContext(text = '') {
    const id = this._open();
    if (id === null) return null;
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
    if (text === '') { // "" is a keep-alive, never text (§3)
      const c = this.contexts.get(contextId);
      return !!c && (c.state === 'queued' || c.state === 'open');
    }
    return this._input(text, text.length, contextId);
  }

  /** Speaks `text` on the current context, opening one if none is current (or it was ended). */
  speak(text) {
    const c = this._speaking();
    return c ? this.send(text, c.id) : this.openContext(text) !== null;
  }

  /**
   * Barge-in: closes every context that is speaking or waiting to (no more of their audio
   * plays) and opens a new one with `text`. Returns the new context's id, or null if it could
   * not be opened.
   */
  interrupt(text = '') {
    this._closeAll();
    return this.openContext(text);
  }

  // the wire
  _initMessage() {
    const init = { text: ' ' };
    if (this.options.voiceSettings) init.voice_settings = this.options.voiceSettings;
    if (this.options.generationConfig) init.generation_config = this.options.generationConfig;
    return init;
  }

  _inputMessage(pieces, flush) {
    return flush ? { text: pieces.join(''), flush: true } : { text: pieces.join('') };
  }

  _flushMessage() {
    return { text: ' ', flush: true };
  }

  _endMessages() {
    // close_context voices only flushed text (AsyncAPI CloseContext): flush the rest first
    return [this._flushMessage(), { close_context: true }];
  }

  _keepAliveMessages() {
    // keeps the connection and every open context alive (§3)
    return { context: { text: '' }, connection: { text: '' } };
  }
}
