// Connection lifecycle shared by the TTS and STT sockets: single-use token per attempt,
// status events, capped exponential backoff with jitter, no retry of non-retryable errors,
// graceful close. Protocol specifics live in the subclasses (tts-socket.js, stt-socket.js).
//
// Lifecycle (status `state`):
//   idle ─connect()→ connecting ─open→ open ─drop→ reconnecting(attempt, delay) ─→ open …
//   any ─close()→ closing → closed        fatal error / too many attempts → failed
// Calls in the wrong state return false; they never throw.

import { Backoff } from './backoff.js';

/** How long a graceful close waits for the server before closing anyway. */
export const GRACEFUL_CLOSE_MILLIS = 5000;
/** Largest server message accepted (PROTOCOL.md §1.2: servers may send up to 16 MiB). */
export const MAX_MESSAGE_CHARS = 16 * 1024 * 1024;

/** Error names after which reconnecting cannot help (mirrors io.voicewire.speech.ErrorCode). */
const NON_RETRYABLE = new Set(['auth_error', 'quota_exceeded', 'unaccepted_terms', 'input_error',
  'chunk_size_exceeded', 'invalid_request', 'policy_violation', 'unsupported',
  'detected_unusual_activity', 'invalid_api_key']);

/** Normalises an error name: lower case, the old `_error` suffix removed (PROTOCOL.md §5.5). */
export function errorName(name) {
  const n = String(name || 'error').toLowerCase();
  const keep = n === 'auth_error' || n === 'input_error' || n === 'transcriber_error';
  return n.endsWith('_error') && !keep ? n.slice(0, -'_error'.length) : n;
}

/** Whether reconnecting may succeed after an error of this name. */
export function isRetryable(name) {
  return !NON_RETRYABLE.has(errorName(name));
}

/** Close codes after which a retry is pointless (the request itself is refused). */
export function isRetryableClose(code, reason) {
  if (code === 1008) return /timeout|timed out/i.test(reason || '') && !/auth|token|key/i.test(reason || '');
  if (code === 1003 || code === 1007 || code === 1009) return false;
  if (code === 4001 || code === 4003 || code === 4401 || code === 4403) return false;
  return true;
}

/** http(s) base → ws(s) base; ws(s) URLs are kept. */
export function toWsBase(base) {
  const b = String(base).replace(/\/+$/, '');
  if (b.startsWith('https://')) return 'wss://' + b.slice(8);
  if (b.startsWith('http://')) return 'ws://' + b.slice(7);
  return b;
}

/** Builds a URL with query parameters, skipping null/undefined; arrays repeat the key. */
export function withQuery(url, params) {
  const parts = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    for (const one of Array.isArray(v) ? v : [v]) {
      parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(String(one)));
    }
  }
  if (parts.length === 0) return url;
  return url + (url.includes('?') ? '&' : '?') + parts.join('&');
}

function makeEvent(type, detail) {
  if (typeof CustomEvent === 'function') return new CustomEvent(type, { detail });
  const e = new Event(type);
  e.detail = detail;
  return e;
}

/**
 * Base class: a logical session that survives dropped connections.
 * Subclasses implement `_url()`, `_onOpen()`, `_onMessage(obj)`, `_isComplete()` and may
 * override `_onDrop()`, `_onClosedForGood()`.
 */
export class ReconnectingSocket extends EventTarget {
  constructor(options = {}) {
    super();
    const o = options;
    if (o.token !== undefined && o.token !== null && typeof o.token !== 'function') {
      throw new TypeError('token must be a function returning the single-use token (or a Promise of it)');
    }
    this.options = o;
    this.WebSocketImpl = o.WebSocket || globalThis.WebSocket;
    this.now = o.now || (() => (globalThis.performance ? performance.now() : Date.now()));
    this.setTimeout = o.setTimeout || ((f, ms) => setTimeout(f, ms));
    this.clearTimeout = o.clearTimeout || ((t) => clearTimeout(t));
    this.backoff = new Backoff({ random: o.random || Math.random, ...(o.backoff || {}) });
    this.gracefulCloseMillis = o.gracefulCloseMillis ?? GRACEFUL_CLOSE_MILLIS;
    this.state = 'idle';
    this.ws = null;
    this.connections = 0;
    this.reconnects = 0;
    this.lastError = null;
    this.handshakeMs = NaN;
    this._timer = null;
    this._closeTimer = null;
    this._fatal = null;
  }

  /** Adds a listener; returns a function that removes it. */
  on(type, fn) {
    const h = (e) => fn(e.detail, e);
    this.addEventListener(type, h);
    return () => this.removeEventListener(type, h);
  }

  _emit(type, detail) {
    this.dispatchEvent(makeEvent(type, detail));
  }

  _status(state, extra = {}) {
    this.state = state;
    this._emit('status', { state, attempt: this.backoff.attempt, maxAttempts: this.backoff.maxAttempts, ...extra });
  }

  /** Opens the session. Returns false if it was already started. */
  connect() {
    if (this.state !== 'idle') return false;
    this._attempt(false);
    return true;
  }

  /** True while the socket is open and usable. */
  isOpen() {
    return this.state === 'open' && this.ws !== null && this.ws.readyState === 1;
  }

  async _attempt(reconnecting) {
    const phase = reconnecting ? 'reconnecting' : 'connecting';
    this._status(phase, { phase: 'connecting' });
    let token;
    try {
      token = this.options.token ? await this.options.token() : undefined;
      if (this.options.token && (typeof token !== 'string' || token === '')) {
        throw Object.assign(new Error('the token function returned no token'), { retryable: true });
      }
    } catch (err) {
      if (this.state !== phase) return; // closed meanwhile
      const status = err && err.status;
      const fatal = (err && err.retryable === false) || status === 401 || status === 403;
      this._failOrRetry({ error: 'token_error', message: String(err && err.message || err) }, !fatal);
      return;
    }
    if (this.state !== phase) return;
    let ws;
    const started = this.now();
    try {
      ws = new this.WebSocketImpl(this._url(token));
    } catch (err) {
      this._failOrRetry({ error: 'invalid_request', message: String(err && err.message || err) }, false);
      return;
    }
    this.ws = ws;
    this._fatal = null;
    let opened = false;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      opened = true;
      this.handshakeMs = this.now() - started;
      this.connections++;
      if (reconnecting) this.reconnects++;
      this.backoff.connected(this.now());
      this._status('open', { handshakeMs: this.handshakeMs, reconnected: reconnecting });
      this._onOpen(reconnecting);
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      if (typeof ev.data !== 'string') return; // the protocol is JSON text only (§1.2)
      if (ev.data.length > MAX_MESSAGE_CHARS) return;
      let obj;
      try {
        obj = JSON.parse(ev.data);
      } catch {
        return; // tolerant reader: ignore what is not JSON
      }
      if (obj && typeof obj === 'object') this._onMessage(obj);
    };
    ws.onerror = () => {};
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.backoff.disconnected(this.now());
      this._onSocketClosed(ev.code, ev.reason || '', opened);
    };
  }

  _onSocketClosed(code, reason, opened) {
    if (this._closeTimer) { this.clearTimeout(this._closeTimer); this._closeTimer = null; }
    if (this.state === 'closed' || this.state === 'failed') return;
    if (this.state === 'closing' || this._isComplete()) {
      this._finish('closed', { code, reason });
      return;
    }
    const detail = { code, reason, opened };
    if (this._fatal) {
      this._finish('failed', { ...detail, error: this._fatal.error, message: this._fatal.message });
      return;
    }
    const retry = isRetryableClose(code, reason) && this._canResume();
    if (!retry) {
      const why = this._canResume() ? 'closed by server' : 'cannot resume';
      this._finish('failed', { ...detail, error: code === 1008 ? 'policy_violation' : 'closed', message: reason || why });
      return;
    }
    this._onDrop(detail);
    this._failOrRetry({ error: 'connection_lost', message: reason || 'connection lost (code ' + code + ')', code }, true);
  }

  _failOrRetry(err, retryable) {
    this.lastError = err;
    this._emit('error', err);
    if (!retryable) {
      this._finish('failed', err);
      return;
    }
    const delay = this.backoff.next();
    if (delay < 0) {
      this._finish('failed', { ...err, message: 'gave up after ' + this.backoff.maxAttempts + ' attempts: ' + err.message });
      return;
    }
    this._status('reconnecting', { phase: 'waiting', delayMs: delay, retryAt: Date.now() + delay,
      maxAttempts: this.backoff.maxAttempts, error: err.error, message: err.message });
    this._timer = this.setTimeout(() => {
      this._timer = null;
      if (this.state === 'reconnecting') this._attempt(true);
    }, delay);
  }

  /** Marks the session as failed for a non-retryable server error; the close that follows ends it. */
  _markFatal(error, message) {
    this._fatal = { error, message };
  }

  _finish(state, detail) {
    if (this._timer) { this.clearTimeout(this._timer); this._timer = null; }
    if (this._closeTimer) { this.clearTimeout(this._closeTimer); this._closeTimer = null; }
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState <= 1) {
      try { ws.close(1000, 'User ended session'); } catch { /* already closing */ }
    }
    this._status(state, detail || {});
    this._onClosedForGood(state, detail);
  }

  /**
   * Starts a graceful close: `_beginClose()` sends what the protocol needs (end of input, a
   * commit) and the session ends when the server closes or after `gracefulCloseMillis`.
   * Returns false if already closing or closed.
   */
  close() {
    if (this.state === 'closing' || this.state === 'closed' || this.state === 'failed') return false;
    if (!this.isOpen()) {
      this._finish('closed', { code: 1000, reason: 'closed by the app' });
      return true;
    }
    this._status('closing', {});
    this._beginClose();
    this._closeTimer = this.setTimeout(() => {
      this._closeTimer = null;
      if (this.state === 'closing') this._finish('closed', { code: 1000, reason: 'close timeout' });
    }, this.gracefulCloseMillis);
    return true;
  }

  /** Closes now, without waiting for anything. Returns false if already closed. */
  abort() {
    if (this.state === 'closed' || this.state === 'failed') return false;
    this._finish('closed', { code: 1000, reason: 'aborted by the app' });
    return true;
  }

  /** True while a socket is connected (also while closing gracefully). */
  _wsReady() {
    return this.ws !== null && this.ws.readyState === 1 && (this.state === 'open' || this.state === 'closing');
  }

  _send(obj) {
    if (!this._wsReady()) return false;
    try {
      this.ws.send(JSON.stringify(obj));
      return true;
    } catch {
      return false;
    }
  }

  // hooks
  _url(token) { throw new Error('not implemented: ' + token); }
  _onOpen() {}
  _onMessage() {}
  _isComplete() { return false; }
  _canResume() { return true; }
  _onDrop() {}
  _beginClose() { this._finish('closed', { code: 1000 }); }
  _onClosedForGood() {}
}
