// Text-to-speech over the `stream-input` WebSocket (PROTOCOL.md §2), against a voicewire
// server or straight against ElevenLabs with a single-use `tts_websocket` token. Reconnects on
// a drop and resumes without lost or repeated text (see tts-resume.js).
//
//     const tts = new TtsSocket({
//       baseUrl: location.origin, voiceId: 'en-US-1', outputFormat: 'pcm_16000',
//       token: () => fetch('/demo/token/tts_websocket').then((r) => r.json()).then((j) => j.token),
//     });
//     tts.on('audio', ({pcm, sampleRate}) => player.push(pcm, sampleRate));
//     tts.connect(); tts.send('Hello there. '); tts.end();
//
// Events: `status` {state, attempt, delayMs, …}, `audio` {pcm: Int16Array, sampleRate, chars,
// starts, durs}, `final`, `error` {error, message}, `seam` {at, resendFrom}.
// end() ends the input and the socket closes after the final audio; close() does the same but
// gives up after `gracefulCloseMillis`; abort() stops at once (barge-in).

import { ReconnectingSocket, toWsBase, withQuery, errorName } from './socket-core.js';
import { TtsResume, readAlignment } from './tts-resume.js';
import { parseFormat, decodeAudio, base64ToBytes } from './pcm.js';
import { parseCompressed, StreamDecoder } from './compressed-decoder.js';

/** Protocol keep-alive `{"text":" "}` after this long without sending (server timeout: 20 s). */
export const KEEPALIVE_INTERVAL_MILLIS = 10000;
/** A connection open this long, with our text sent, counts as healthy (resets the backoff). */
export const HEALTHY_AFTER_MILLIS = 500;
/** After the end of input, a silent server for this long counts as a dropped connection. */
export const FINAL_WAIT_MILLIS = 20000;
/** Default ElevenLabs host. */
export const ELEVENLABS_BASE = 'https://api.elevenlabs.io';

/**
 * Checks and sets the options both TTS sockets share: `voiceId` (required), `outputFormat`
 * (`pcm_*` or `ulaw_8000`, and with `compressed` also `mp3_*` / `opus_48000_*`; default
 * `pcm_16000`) → `format`, `outputFormat`, `sampleRate`; and `keepAliveMillis`.
 */
export function initTts(socket, o, compressed = false) {
  if (typeof o.voiceId !== 'string' || o.voiceId === '') throw new TypeError('voiceId is required');
  const name = o.outputFormat || 'pcm_16000';
  const format = parseFormat(name) || (compressed ? parseCompressed(name) : null);
  if (!format) {
    throw new RangeError('outputFormat must be pcm_<rate> or ulaw_8000'
      + (compressed ? ', mp3_* or opus_48000_*: ' : ': ') + o.outputFormat);
  }
  socket.format = format;
  socket.outputFormat = name;
  socket.sampleRate = format.sampleRate;
  socket.keepAliveMillis = o.keepAliveMillis ?? KEEPALIVE_INTERVAL_MILLIS;
}

/** The URL of a TTS socket (`stream-input` or `multi-stream-input`) from the socket's options. */
export function ttsUrl(o, endpoint, outputFormat, token) {
  const base = toWsBase(o.baseUrl || (globalThis.location ? location.origin : ELEVENLABS_BASE));
  const url = base + '/v1/text-to-speech/' + encodeURIComponent(o.voiceId) + '/' + endpoint;
  return withQuery(url, {
    model_id: o.modelId,
    output_format: outputFormat,
    sync_alignment: true,
    auto_mode: o.autoMode,
    inactivity_timeout: o.inactivityTimeout,
    ...(o.query || {}),
    single_use_token: token,
  });
}

export class TtsSocket extends ReconnectingSocket {
  /**
   * @param {object} o options: `voiceId` (required), `baseUrl` (default: the page's origin),
   *   `token` (async function → single-use token; omit for a server that needs none), `modelId`,
   *   `outputFormat` (`pcm_*` or `ulaw_8000`; default `pcm_16000`; or `mp3_*` / `opus_48000_*`,
   *   decoded with WebCodecs: pick it with chooseOutputFormat() of compressed-decoder.js, which
   *   falls back to PCM where the browser cannot decode it), `voiceSettings`,
   *   `generationConfig`, `autoMode`, `inactivityTimeout` (s), `query` (extra parameters),
   *   `keepAliveMillis`, `backoff`, `WebSocket`, `random`, `now`.
   */
  constructor(o = {}) {
    super(o);
    initTts(this, o, true);
    // mp3/opus: decoded here, in order; the audio event carries PCM as for every format
    this.decoder = this.format.codec === 'mp3' || this.format.codec === 'opus'
      ? new StreamDecoder(this.outputFormat, (pcm, rate, al) => this._onDecoded(pcm, rate, al)) : null;
    this._voiced = '';
    this.resume = new TtsResume();
    this.finalReceived = false;
    this._lastSendAt = 0;
    this._keepAlive = null;
    this._finalWait = null;
    this.metrics = { handshakeMs: NaN, ttfaMs: NaN, firstTextAt: NaN, firstAudioAt: NaN,
      chunks: 0, audioMs: 0, seams: 0, cutMs: 0, reconnects: 0 };
  }

  _url(token) {
    return ttsUrl(this.options, 'stream-input', this.outputFormat, token);
  }

  _onOpen(reconnecting) {
    const o = this.options;
    this.metrics.handshakeMs = this.handshakeMs;
    this.metrics.reconnects = this.reconnects;
    const init = { text: ' ' };
    if (o.voiceSettings) init.voice_settings = o.voiceSettings;
    if (o.generationConfig) init.generation_config = o.generationConfig;
    this._send(init);
    if (this.resume.allVoiced()) {
      // everything was voiced before the drop; only the final marker was lost
      this._onFinal();
      return;
    }
    const plan = this.resume.resume();
    if (reconnecting && this.resume.seams > 0) {
      this.metrics.seams = this.resume.seams;
      this._emit('seam', { at: plan.seamAt, resendFrom: plan.resendFrom });
    }
    if (plan.text !== '') {
      const msg = { text: plan.text };
      if (plan.flush) msg.flush = true;
      this._sendText(msg);
    }
    if (plan.end) this._sendEnd();
    // the server took the connection and our text and kept it: reachable, not refusing; the
    // backoff starts again after it (a server too slow for the connections' life is bounded by
    // giveUpAfterMillis)
    const ws = this.ws;
    this.setTimeout(() => { if (this.ws === ws && ws !== null) this._markHealthy(); }, HEALTHY_AFTER_MILLIS);
    this._armKeepAlive();
  }

  _sendText(msg) {
    if (!Number.isFinite(this.metrics.firstTextAt) && msg.text.trim() !== '') {
      this.metrics.firstTextAt = this.now();
    }
    this._lastSendAt = this.now();
    return this._send(msg);
  }

  _sendEnd() {
    this._lastSendAt = this.now();
    this._send({ text: '' });
    this._armFinalWait();
  }

  _armKeepAlive() {
    this._keepAliveEvery(this.keepAliveMillis, () => this._lastSendAt, () => {
      this._send({ text: ' ' });
      this._lastSendAt = this.now();
    }, () => !this.resume.ended);
  }

  _armFinalWait() {
    if (this._finalWait) this.clearTimeout(this._finalWait);
    this._finalWait = this.setTimeout(() => {
      this._finalWait = null;
      // the server went silent after the end of input: treat it as a dropped connection
      if (this.isOpen() && !this.finalReceived) {
        try { this.ws.close(4000, 'no final from server'); } catch { /* closing */ }
      }
    }, FINAL_WAIT_MILLIS);
  }

  _onMessage(msg) {
    if (this.decoder && typeof msg.audio === 'string' && msg.audio.length > 0) {
      if (this.resume.ended) this._armFinalWait();
      this._markHealthy();
      this._markAccepted();
      this.decoder.push(base64ToBytes(msg.audio), readAlignment(msg));
    } else if (typeof msg.audio === 'string' && msg.audio.length > 0) {
      if (this.resume.ended) this._armFinalWait();
      const pcm = decodeAudio(msg.audio, this.format);
      const out = this.resume.onAudio(pcm, this.sampleRate, readAlignment(msg));
      this.metrics.cutMs = (this.resume.cutSamplesTotal * 1000) / this.sampleRate;
      if (out && out.pcm.length > 0) {
        this._markHealthy(); // audio past the resume point: progress
        this._markAccepted();
        if (!Number.isFinite(this.metrics.firstAudioAt)) {
          this.metrics.firstAudioAt = this.now();
          this.metrics.ttfaMs = this.metrics.firstAudioAt - this.metrics.firstTextAt;
        }
        this.metrics.chunks++;
        this.metrics.audioMs += (out.pcm.length * 1000) / this.sampleRate;
        this._emit('audio', { pcm: out.pcm, sampleRate: this.sampleRate, chars: out.chars,
          starts: out.starts, durs: out.durs, cutSamples: out.cutSamples });
      }
    }
    if (msg.isFinal === true || msg.is_final === true) {
      this._onFinal();
      return;
    }
    if (msg.error !== undefined && msg.error !== null && !msg.audio) {
      const name = errorName(msg.error);
      const err = { error: name, message: String(msg.message || msg.error) };
      this.lastError = err;
      this._emit('error', err);
      this._serverError(name, err.message);
    }
  }

  /** PCM the decoder made from an mp3/opus message; `al` is that message's alignment. */
  _onDecoded(pcm, sampleRate, al) {
    if (!Number.isFinite(this.metrics.firstAudioAt)) {
      this.metrics.firstAudioAt = this.now();
      this.metrics.ttfaMs = this.metrics.firstAudioAt - this.metrics.firstTextAt;
    }
    this.sampleRate = sampleRate;
    this.metrics.chunks++;
    this.metrics.audioMs += (pcm.length * 1000) / sampleRate;
    if (al) this._voiced += al.chars.join('');
    this._emit('audio', { pcm, sampleRate, chars: al ? al.chars : [], starts: al ? al.starts : [],
      durs: al ? al.durs : [], cutSamples: 0 });
  }

  _onFinal() {
    if (this.finalReceived) return;
    this.finalReceived = true;
    if (this._finalWait) { this.clearTimeout(this._finalWait); this._finalWait = null; }
    this.backoff.reset();
    const done = () => {
      this._emit('final', this.decoder ? { chars: this._voiced, audioMs: this.metrics.audioMs }
        : { chars: this.resume.deliveredChars, audioMs: this.resume.deliveredMs });
      // the server closes after isFinal; close() bounds the wait
      this.close();
    };
    // mp3/opus: the final comes after the decoder gave out the last PCM
    if (this.decoder) this.decoder.flush().catch(() => {}).then(done); else done();
  }

  _isComplete() {
    return this.finalReceived;
  }

  _canResume() {
    // a compressed stream cannot be cut at a sample on a resume seam: a drop ends it
    return !this.decoder && this.resume.canResume();
  }

  _awaitingAcceptance() {
    return this.resume.cursor < this.resume.input.length;
  }

  _beginClose() {
    // graceful: end the input if the app has not, then wait for the final message and the
    // server's close (bounded by gracefulCloseMillis); abort() stops at once instead
    if (!this.finalReceived && !this.resume.ended) {
      this.resume.end();
      this._sendEnd();
    }
  }

  _onClosedForGood() {
    if (this.decoder && this.finalReceived) this.decoder.flush().catch(() => {}).then(() => this.decoder.close());
    if (this._keepAlive) { this.clearTimeout(this._keepAlive); this._keepAlive = null; }
    if (this._finalWait) { this.clearTimeout(this._finalWait); this._finalWait = null; }
  }

  /**
   * Sends a piece of text (it may arrive token by token; end sentences with a space). Text
   * given before the socket opens, or while it reconnects, is sent when it opens. Returns false
   * after end() or once closed.
   */
  send(text) {
    if (typeof text !== 'string') throw new TypeError('text must be a string');
    if (this.resume.ended || this.state === 'closed' || this.state === 'failed' || this.state === 'closing') return false;
    if (text === '') return true; // "" would end the stream (§2.3): never send it as text
    if (!this._awaitingAcceptance()) this._markAccepted(); // the give-up clock starts now
    this.resume.append(text);
    if (this.isOpen()) this._sendText({ text });
    return true;
  }

  /** Generates everything sent so far without waiting for more text. */
  flush() {
    if (this.resume.ended || this.state === 'closed' || this.state === 'failed') return false;
    this.resume.flush();
    if (this.isOpen()) this._sendText({ text: ' ', flush: true });
    return true;
  }

  /** Ends the input; the socket closes after the server's final message. */
  end() {
    if (this.resume.ended || this.state === 'closed' || this.state === 'failed') return false;
    this.resume.end();
    if (this.isOpen()) this._sendEnd();
    return true;
  }

  /** Every character voiced so far, from the alignment (for audits and live captions). */
  voicedText() {
    return this.decoder ? this._voiced : this.resume.deliveredChars;
  }

  /** The full input text given so far. */
  inputText() {
    return this.resume.input;
  }
}
