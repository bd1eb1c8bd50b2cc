// Text-to-Dialogue over the official dialogue WebSockets: `/v1/text-to-dialogue/stream-input`
// (one dialogue per connection) and `/multi-stream-input` (`multi: true`: up to 5 dialogue
// contexts, for barge-in). A dialogue registers its `voices` on its first message and then takes
// lines `{text, voiceId, newTurn?}`: a line in another voice, or with `newTurn`, starts a speaker
// turn. The server voices the turns one after the other; after a turn's audio comes
// `is_final_audio_for_turn` (the `turn` event here), after the dialogue's `is_final` (`final`).
// Every name on these sockets is snake_case.
//
//     const d = new DialogueSocket({ baseUrl: location.origin, voices: ['cmu-slt-hsmm', 'kevin16'],
//       outputFormat: 'pcm_24000', player,
//       token: () => fetch('/my/token/tts_websocket').then((r) => r.json()).then((j) => j.token) });
//     d.on('turn', ({ voiceId, text, chars, audioMs }) => …);
//     d.connect();
//     d.say([{ voiceId: 'cmu-slt-hsmm', text: 'Knock knock. ' }, { voiceId: 'kevin16', text: 'Who is there? ' }]);
//     d.end();                                  // voices the rest; `final`, then the socket closes
//
// The context machinery (limit, queue, player, stale-audio drop) is context-socket.js, shared
// with MultiTtsSocket; this file is the dialogue wire and the turn bookkeeping. On stream-input
// the one dialogue is the socket's only context, and its messages carry no `context_id`.
// A dropped connection after the dialogue began fails on stream-input (the dialogue cannot be
// resumed); on multi the live dialogues end `lost` and the socket reconnects, as MultiTtsSocket.
// Events: those of context-socket.js, plus `turn` {contextId, index, voiceId, text, chars,
// audioMs}. Not thread safe: one owner (the page's main thread).

import { ContextSocket } from './context-socket.js';
import { initTts, ELEVENLABS_BASE } from './tts-socket.js';
import { toWsBase, withQuery } from './socket-core.js';

/** The dialogue model for more than one voice (the official default, `eleven_v3_conversational`, takes one). */
export const DEFAULT_DIALOGUE_MODEL = 'eleven_v3';
/** Most voices of one dialogue with `eleven_v3` (the official limit). */
export const MAX_VOICES = 10;

export class DialogueSocket extends ContextSocket {
  /**
   * @param {object} o `voices` (required: the voice ids every dialogue registers, unless given to
   *   open()), `multi` (multi-stream-input), `baseUrl`, `token` (async → single-use TTS token),
   *   `modelId` (default `eleven_v3`), `outputFormat` (`pcm_*` or `ulaw_8000`, default
   *   `pcm_16000`), `stability` (voice_settings), `languageCode`, `seed`,
   *   `applyTextNormalization`, `enableLogging`, `query`, `player`, `keepAliveMillis`, and
   *   context-socket.js's `maxContexts`, `maxQueuedOpens`, `idPrefix`.
   */
  constructor(o = {}) {
    super(o);
    this.voices = o.voices === undefined ? null : checkVoices(o.voices);
    this.multi = !!o.multi;
    if (!this.multi) this.maxContexts = 1;
    initTts(this, { ...o, voiceId: 'dialogue' }); // the format and keep-alive; voices are per dialogue
    this.counters.turns = 0;
  }

  _url(token) {
    const o = this.options;
    const base = toWsBase(o.baseUrl || (globalThis.location ? location.origin : ELEVENLABS_BASE));
    return withQuery(base + '/v1/text-to-dialogue/' + (this.multi ? 'multi-stream-input' : 'stream-input'), {
      model_id: o.modelId || DEFAULT_DIALOGUE_MODEL,
      output_format: this.outputFormat,
      sync_alignment: true,
      language_code: o.languageCode,
      seed: o.seed,
      apply_text_normalization: o.applyTextNormalization,
      enable_logging: o.enableLogging,
      ...(o.query || {}),
      single_use_token: token,
    });
  }

  /**
   * Opens a dialogue with its voices (default: the `voices` option) and makes it current; on
   * stream-input only once per socket. Returns its id, or null when it cannot be opened.
   */
  open(voices = this.voices, lines = []) {
    const v = checkVoices(voices);
    if (!this.multi && this.contexts.size > 0) {
      this.counters.refused++;
      return null;
    }
    const id = this._open({ voices: v, turns: [], tailVoice: null, turnIndex: 0 });
    if (id === null) return null;
    if (lines.length > 0) this.say(lines, id);
    this._pump();
    return id;
  }

  /**
   * Sends dialogue lines `[{text, voiceId, newTurn?}]` (default: to the current dialogue; one is
   * opened with the `voices` option if none is current). Every voiceId must be one of the
   * dialogue's voices. Returns false for an ended or unknown dialogue, or when the lines held
   * for a waiting one would exceed MAX_QUEUED_TEXT_CHARS.
   */
  say(lines, contextId = this.current) {
    if (!Array.isArray(lines)) throw new TypeError('lines must be an array of {text, voiceId, newTurn?}');
    if (contextId === null || (contextId === this.current && this._speaking() === null)) {
      const id = this.open();
      return id !== null && this.say(lines, id);
    }
    const c = this.contexts.get(contextId);
    if (!c || (c.state !== 'queued' && c.state !== 'open')) return false;
    const inputs = [];
    let chars = 0;
    for (const l of lines) {
      if (!l || typeof l.text !== 'string' || typeof l.voiceId !== 'string') {
        throw new TypeError('every line needs text and voiceId (strings)');
      }
      if (!c.voices.includes(l.voiceId)) {
        throw new RangeError('voiceId ' + l.voiceId + ' is not one of the dialogue\'s voices ' + c.voices.join(', '));
      }
      if (l.text === '') continue;
      const input = { text: l.text, voice_id: l.voiceId };
      if (l.newTurn) input.new_turn = true;
      inputs.push(input);
      chars += l.text.length;
    }
    if (inputs.length === 0) return true;
    if (!this._input(inputs, chars, c.id)) return false;
    // the server's turns: a new one at another voice or new_turn (voiced in this order)
    for (const i of inputs) {
      if (c.tailVoice === null || i.new_turn || i.voice_id !== c.tailVoice) {
        c.turns.push({ index: c.turnIndex++, voiceId: i.voice_id, text: '', chars: '', audioMs: 0 });
        c.tailVoice = i.voice_id;
      }
      c.turns[c.turns.length - 1].text += i.text;
    }
    return true;
  }

  /** Barge-in (multi): closes every dialogue that speaks or waits to and opens a new one with `lines`. */
  interrupt(lines = [], voices = this.voices) {
    this._closeAll();
    return this.open(voices, lines);
  }

  /** Ends the current dialogue's input: its rest is voiced, then its `final`; on stream-input the socket closes after it. */
  end() {
    return this.endContext();
  }

  _onMessage(msg) {
    if (msg.is_final_audio_for_turn === true) {
      const c = this.contexts.get(this._contextIdOf(msg));
      const t = c && c.turns ? c.turns.shift() : null;
      if (t && (c.state === 'open' || c.state === 'ending')) {
        this.counters.turns++;
        this._emit('turn', { contextId: c.id, ...t });
      }
      return;
    }
    super._onMessage(msg);
    // stream-input: after the dialogue's is_final the server closes; close() bounds the wait
    if (!this.multi && this.state === 'open' && this._ended()) this.close();
  }

  _onContextAudio(c, chars, ms) {
    const t = c.turns[0];
    if (!t) return;
    t.chars += chars;
    t.audioMs += ms;
  }

  _isComplete() {
    // stream-input: the server closes after the dialogue's is_final
    return super._isComplete() || (!this.multi && this._ended());
  }

  _beginClose() {
    if (!this.multi && this._ended()) return; // the server is closing: wait (bounded)
    super._beginClose();
  }

  _ended() {
    for (const c of this.contexts.values()) if (c.state === 'final') return true;
    return false;
  }

  _canResume() {
    // stream-input: a dialogue that reached the server cannot go on after a drop
    return this.multi || this.counters.opened === 0;
  }

  // the wire
  _contextIdOf(msg) {
    if (this.multi) return msg.context_id ?? null;
    const only = this.contexts.keys().next();
    return only.done ? null : only.value;
  }

  _sendTo(c, msg) {
    return super._sendTo(c, msg, this.multi);
  }

  _initMessage(c) {
    const init = { voices: c.voices };
    if (this.options.stability !== undefined) init.voice_settings = { stability: this.options.stability };
    return init;
  }

  _inputMessage(pieces, flush) {
    const m = { inputs: pieces.flat() };
    if (flush) m.flush = true;
    return m;
  }

  _flushMessage() {
    return { flush: true };
  }

  _endMessages() {
    // unlike TTS, close_context voices the rest (docs/server.md); stream-input has close_socket
    return [this._closeMessage()];
  }

  _closeMessage() {
    return this.multi ? { close_context: true } : { close_socket: true };
  }

  _keepAliveMessages() {
    return { context: { keep_alive: true }, connection: null };
  }
}

function checkVoices(voices) {
  if (!Array.isArray(voices) || voices.length === 0 || voices.some((v) => typeof v !== 'string' || v === '')) {
    throw new TypeError('voices must be a non-empty array of voice ids');
  }
  if (voices.length > MAX_VOICES) throw new RangeError('a dialogue takes at most ' + MAX_VOICES + ' voices');
  return [...voices];
}
