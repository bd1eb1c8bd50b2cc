// Connection lifecycle shared by the TTS and STT sockets: single-use token per attempt,
// status events, capped exponential backoff with jitter, no retry of non-retryable errors
// (the shared error table, test-vectors/errors/errors.json), 1012 reconnects at once, a healthy
// connection resets the backoff, and the session gives up only when the server is unreachable or
// refuses, or after `giveUpAfterMillis` without any input accepted; capacity refusals (retry class
// `later`) wait 1 s doubling to 30 s, are not counted as attempts and give up after
// `capacityGiveUpAfterMillis` of them in a row; graceful close. Protocol
// specifics live in the subclasses (tts-socket.js, stt-socket.js).
//
// Lifecycle (status `state`):
//   idle ─connect()→ connecting ─open→ open ─drop→ reconnecting(attempt, delay) ─→ open …
//   any ─close()→ closing → closed        fatal error / too many attempts → failed
// Calls in the wrong state return false; they never throw.

import { Backoff, capacityDelay, CAPACITY_GIVE_UP_AFTER_MILLIS } from './backoff.js';
import { Emitter } from './events.js';

/** How long a graceful close waits for the server before closing anyway. */
export const GRACEFUL_CLOSE_MILLIS = 5000;
/** Largest server message accepted (PROTOCOL.md §1.2: servers may send up to 16 MiB). */
export const MAX_MESSAGE_CHARS = 16 * 1024 * 1024;
/** Reconnecting without any input accepted (voiced text, transcribed audio) this long fails. */
export const GIVE_UP_AFTER_MILLIS = 120000;

/** Every protocol error name (PROTOCOL.md §2.7, §5.5). */
const ERROR_NAMES = ['error', 'auth_error', 'quota_exceeded', 'commit_throttled',
  'unaccepted_terms', 'rate_limited', 'queue_overflow', 'resource_exhausted',
  'session_time_limit_exceeded', 'input_error', 'chunk_size_exceeded',
  'insufficient_audio_activity', 'transcriber_error', 'invalid_request', 'input_timeout_exceeded',
  'policy_violation', 'unsupported'];
/** The errors after which reconnecting may succeed (`backoff`); after the others, `never`. */
const RETRYABLE_ERRORS = new Set(['commit_throttled', 'rate_limited', 'queue_overflow',
  'resource_exhausted', 'session_time_limit_exceeded', 'insufficient_audio_activity',
  'input_timeout_exceeded']);
/** The capacity refusals among them (`later`: a slow backoff, not a failed attempt). */
const CAPACITY_ERRORS = new Set(['rate_limited', 'resource_exhausted']);
/**
 * The close code after an error, where it is not 1008 (policy violation): 1011 for a server
 * failure, 1007 for a malformed message, 1013 for an overload, none for a commit throttle.
 */
const ERROR_CLOSE_CODES = { error: 1011, transcriber_error: 1011, input_error: 1007,
  rate_limited: 1013, resource_exhausted: 1013, commit_throttled: null };

/**
 * The error table (test-vectors/errors/errors.json, which the unit tests compare it with; the
 * server and the Java SDK follow the same file, and voicewire-protocol's ErrorPolicy builds it
 * by the same two rules): error name → close code and retry class. `now`: reconnect at once;
 * `backoff`: reconnect after the backoff; `later`: a capacity refusal, reconnect after the slow
 * capacity backoff (backoff.js `capacityDelay`); `never`: fail.
 */
export const ERRORS = Object.freeze(Object.fromEntries(ERROR_NAMES.map((name) => [name,
  Object.freeze({
    closeCode: name in ERROR_CLOSE_CODES ? ERROR_CLOSE_CODES[name] : 1008,
    retry: CAPACITY_ERRORS.has(name) ? 'later' : RETRYABLE_ERRORS.has(name) ? 'backoff' : 'never',
  })])));
/** Retry class after a close with no error message before it. */
export const CLOSE_CODES = Object.freeze({
  1000: 'backoff', 1001: 'backoff', 1002: 'never', 1003: 'never', 1005: 'backoff',
  1006: 'backoff', 1007: 'never', 1008: 'never', 1009: 'never', 1010: 'never', 1011: 'never',
  1012: 'now', 1013: 'later', 1014: 'backoff', 4001: 'never', 4003: 'never', 4401: 'never',
  4403: 'never',
});
/** A close code absent from the table is transient. */
export const DEFAULT_CLOSE_RETRY = 'backoff';
/** Retry class after an HTTP refusal (a token request); other 4xx `never`, 5xx `backoff`. */
export const HTTP_STATUSES = Object.freeze({ 401: 'never', 403: 'never', 429: 'later' });

/** The retry class after an HTTP status (errors.json `httpStatuses`, `defaultHttpRetry`). */
export function retryAfterHttpStatus(status) {
  if (HTTP_STATUSES[status]) return HTTP_STATUSES[status];
  return status >= 400 && status < 500 ? 'never' : 'backoff';
}

/** Normalises an error name: lower case, the old `_error` suffix removed (PROTOCOL.md §5.5). */
export function errorName(name) {
  const n = String(name || 'error').toLowerCase();
  const keep = n === 'auth_error' || n === 'input_error' || n === 'transcriber_error';
  return n.endsWith('_error') && !keep ? n.slice(0, -'_error'.length) : n;
}

/**
 * The decision after a connection ended: the error that arrived before the close (a name in any
 * spelling; an unknown name counts as `error`) decides, else the close code. Returns `now`,
 * `backoff`, `later` or `never`.
 */
export function retryAfter(name, code) {
  if (name !== null && name !== undefined) return (ERRORS[errorName(name)] || ERRORS.error).retry;
  return CLOSE_CODES[code] || DEFAULT_CLOSE_RETRY;
}

/** Whether reconnecting may succeed after an error of this name. */
export function isRetryable(name) {
  return retryAfter(name) !== 'never';
}

/** Whether reconnecting may succeed after a close with this code and no error message before it. */
export function isRetryableClose(code) {
  return retryAfter(null, code) !== 'never';
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

/**
 * Base class: a logical session that survives dropped connections.
 * Subclasses implement `_url()`, `_onOpen()`, `_onMessage(obj)`, `_isComplete()` and may
 * override `_onDrop()`, `_onClosedForGood()`.
 */
export class ReconnectingSocket extends Emitter {
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
    this.giveUpAfterMillis = o.giveUpAfterMillis ?? GIVE_UP_AFTER_MILLIS;
    this.capacityGiveUpAfterMillis = o.capacityGiveUpAfterMillis ?? CAPACITY_GIVE_UP_AFTER_MILLIS;
    this.random = o.random || Math.random;
    this.refusals = 0; // capacity refusals in a row
    this._refusedSince = NaN;
    this._acceptedAt = NaN;
    this._lastWasNow = false;
    this._healthy = false;
    this.state = 'idle';
    this.ws = null;
    this.connections = 0;
    this.reconnects = 0;
    this.lastError = null;
    this.handshakeMs = NaN;
    this._timer = null;
    this._closeTimer = null;
    this._connError = null;
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
      this._failOrRetry({ error: 'token_error', message: String(err && err.message || err) }, !fatal,
        false, Number.isFinite(status) && retryAfterHttpStatus(status) === 'later');
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
    this._connError = null;
    this._healthy = false;
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
    const err = this._connError;
    this._connError = null;
    let retry = retryAfter(err ? err.error : null, code);
    if (this._nowRequested) { this._nowRequested = false; retry = 'now'; }
    if (retry === 'never') {
      this._finish('failed', err ? { ...detail, error: err.error, message: err.message }
        : { ...detail, error: code === 1008 ? 'policy_violation' : 'closed', message: reason || 'closed by server' });
      return;
    }
    if (!this._canResume()) {
      this._finish('failed', { ...detail, error: 'closed', message: reason || 'cannot resume' });
      return;
    }
    const healthy = this._healthy;
    if (healthy) {
      this.backoff.reset(); // a healthy connection: the backoff starts again
      this.refusals = 0; // and so does the count of capacity refusals
    }
    this._onDrop(detail);
    const later = retry === 'later';
    this._failOrRetry(later && err
      ? { error: err.error, message: err.message || reason || 'refused for capacity', code }
      : { error: 'connection_lost', message: reason || 'connection lost (code ' + code + ')', code },
    true, retry === 'now' && (healthy || !this._lastWasNow), later);
  }

  /**
   * The server reported an error on this connection: it decides what follows the close
   * (errors.json). Subclasses call it for every error message.
   */
  _serverError(error, message) {
    this._connError = { error, message };
  }

  /**
   * Ends the current connection and reconnects at once: the subclass needs a new session.
   * `code` 1000 also ends the server's session (a voicewire server keeps one that lost its
   * connection otherwise, for a resume).
   */
  _reconnectNow(reason, code = 4000) {
    if (!this.ws) return;
    this._healthy = true;
    this._nowRequested = true;
    try { this.ws.close(code, reason); } catch (e) { /* closing anyway */ }
  }

  /** The current connection is healthy (session accepted, input sent): the backoff resets at its end. */
  _markHealthy() {
    this._healthy = true;
  }

  /** The server accepted input (or nothing waits to be accepted): the give-up clock starts again. */
  _markAccepted() {
    this._acceptedAt = this.now();
  }

  _failOrRetry(err, retryable, now = false, later = false) {
    this.lastError = err;
    this._emit('error', err);
    if (!retryable) {
      this._finish('failed', err);
      return;
    }
    if (later) {
      this._retryLater(err);
      return;
    }
    if (!Number.isFinite(this._acceptedAt) || !this._awaitingAcceptance()) this._acceptedAt = this.now();
    const idle = this.now() - this._acceptedAt;
    if (idle > this.giveUpAfterMillis) {
      this._finish('failed', { ...err, message: 'gave up after ' + Math.round(idle) + ' ms of reconnecting without any input accepted: ' + err.message });
      return;
    }
    this._lastWasNow = now;
    const delay = now ? 0 : this.backoff.next();
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

  /**
   * A capacity refusal (retry class `later`): the next attempt after `capacityDelay` (1 s doubling
   * to 30 s), not counted against `backoff.maxAttempts`; after `capacityGiveUpAfterMillis` of
   * refusals in a row the session fails. The status is `reconnecting` with `capacity: true` and
   * `refusal` (the count in a row).
   */
  _retryLater(err) {
    const now = this.now();
    if (this.refusals === 0) this._refusedSince = now;
    const refusedFor = now - this._refusedSince;
    if (refusedFor > this.capacityGiveUpAfterMillis) {
      this._finish('failed', { ...err, capacity: true, message: 'gave up after ' + (this.refusals + 1)
        + ' capacity refusals in ' + Math.round(refusedFor) + ' ms: ' + err.message });
      return;
    }
    this.refusals++;
    this._acceptedAt = now; // the give-up clock of failed attempts does not also run meanwhile
    this._lastWasNow = false;
    const delay = capacityDelay(this.refusals, this.random);
    this._status('reconnecting', { phase: 'waiting', capacity: true, refusal: this.refusals,
      delayMs: delay, retryAt: Date.now() + delay, maxAttempts: this.backoff.maxAttempts,
      error: err.error, message: err.message });
    this._timer = this.setTimeout(() => {
      this._timer = null;
      if (this.state === 'reconnecting') this._attempt(true);
    }, delay);
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

  /**
   * Protocol keep-alive: `ping()` whenever nothing was sent for `millis` (`lastSendAt()`, the
   * time of the last send), while the socket is open and `wanted()` holds. Re-arming replaces
   * the timer; subclasses clear `_keepAlive` when they close for good.
   */
  _keepAliveEvery(millis, lastSendAt, ping, wanted = () => true) {
    if (this._keepAlive) this.clearTimeout(this._keepAlive);
    this._keepAlive = null;
    if (!(millis > 0)) return;
    const tick = () => {
      this._keepAlive = null;
      if (!this.isOpen() || !wanted()) return;
      if (this.now() - lastSendAt() >= millis - 5) ping();
      this._keepAlive = this.setTimeout(tick, Math.max(50, millis - (this.now() - lastSendAt())));
    };
    this._keepAlive = this.setTimeout(tick, millis);
  }

  // hooks
  _url(token) { throw new Error('not implemented: ' + token); }
  _onOpen() {}
  _onMessage() {}
  _isComplete() { return false; }
  _canResume() { return true; }
  _awaitingAcceptance() { return false; }
  _onDrop() {}
  _beginClose() { this._finish('closed', { code: 1000 }); }
  _onClosedForGood() {}
}
