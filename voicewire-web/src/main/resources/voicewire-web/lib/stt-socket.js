// Realtime speech-to-text over `/v1/speech-to-text/realtime` (PROTOCOL.md §5), against a
// voicewire server or straight against ElevenLabs Scribe with a single-use `realtime_scribe`
// token. Reconnects on a drop, replays the audio since the last commit from a bounded ring and
// drops committed transcripts repeated across the seam (by audio time; see stt-resume.js).
// The uplink watches `WebSocket.bufferedAmount` and drops the oldest live audio rather than
// build lag (counted in `metrics.droppedMs`).
//
//     const stt = new SttSocket({
//       baseUrl: location.origin, commitStrategy: 'vad',
//       token: () => fetch('/demo/token/realtime_scribe').then((r) => r.json()).then((j) => j.token),
//     });
//     stt.on('partial', ({text}) => …); stt.on('committed', ({text, startMs, endMs}) => …);
//     stt.connect(); mic.on('chunk', ({pcm}) => stt.sendAudio(pcm));
//
// Under repeated cuts a replay longer than FORCED_COMMIT_REPLAY_MILLIS gets a commit every
// FORCED_COMMIT_REPLAY_MILLIS of it (at the quietest point before each mark), and the rest of the
// replay waits for each one's answer (at most REPLAY_COMMIT_WAIT_MILLIS), as in the Java SDK, so
// commits advance: the price is a boundary that may fall inside a word (`metrics.forcedCommits`).
// With manual commits those pieces are not delivered on their own: they are joined into the
// committed transcript of the app's next commit(), so the app's boundaries are exactly what it gets. A connection whose session started and
// took audio resets the backoff; the socket gives up only when the server is unreachable or
// refuses, or after `giveUpAfterMillis` without any audio transcribed.
//
// Events: `status`, `started` {sessionId, config}, `partial` {text}, `committed` {text, words,
// startMs, endMs}, `seam`, `dropped` {ms, totalMs, reason: 'lag' | 'replay-ring'},
// `error` {error, message}.

import { ReconnectingSocket, toWsBase, withQuery, errorName } from './socket-core.js';
import { SttResume, MAX_REPLAY_SECONDS, MAX_UPLINK_LAG_MILLIS, REPLAY_COMMIT_WAIT_MILLIS,
  MIN_COMMIT_INTERVAL_MILLIS, WORD_GUARD_MILLIS } from './stt-resume.js';
import { int16ToBase64, rmsDbfs } from './pcm.js';
import { SessionResume, isElevenLabsHost } from './stt-session-resume.js';

/** Empty audio chunk as keep-alive after this long without audio (server idle limit: ~10 s). */
export const KEEPALIVE_INTERVAL_MILLIS = 5000;
/** Stop writing to the socket while `bufferedAmount` is at or above this. */
export const HIGH_WATER_BYTES = 64 * 1024;
/** Resume writing once `bufferedAmount` is at or below this. */
export const LOW_WATER_BYTES = 16 * 1024;
/** How often a paused uplink looks at `bufferedAmount` again. */
export const DRAIN_POLL_MILLIS = 20;
/** How long a `committed_transcript` waits for its `…_with_timestamps` twin. */
export const COMMIT_PAIR_WAIT_MILLIS = 300;
/** Chunk level above which the client counts speech, for the latency figures only. */
export const SPEECH_DBFS = -45;
/** Silence that ends an utterance, for the latency figures only. */
export const SPEECH_GAP_MILLIS = 400;

export class SttSocket extends ReconnectingSocket {
  /**
   * @param {object} o options: `baseUrl`, `token`, `modelId` (default `scribe_v2_realtime`),
   *   `sampleRate` (default 16000), `commitStrategy` (`manual`|`vad`), `vadSilenceThresholdSecs`,
   *   `vadThreshold`, `minSpeechDurationMs`, `minSilenceDurationMs`, `languageCode`,
   *   `includeTimestamps`, the official Scribe options `includeLanguageDetection`, `keyterms`
   *   (array), `secondaryLanguages` (array), `noVerbatim`, `entityDetection` (string or array),
   *   `transcriptEdit` (an edit instruction: each commit is followed by an `edited` event),
   *   `filterBackgroundAudio`, `enableLogging` (false = zero retention) and `previousText` (sent
   *   with the first audio chunk of the session only), `resumable` (resume the server session by
   *   id after a cut: a voicewire extension; default on unless the host is *.elevenlabs.io),
   *   `query`, `maxReplaySeconds`, `maxLagMillis`, `highWaterBytes`,
   *   `lowWaterBytes`, `keepAliveMillis`, `backoff`, `WebSocket`, `random`, `now`.
   */
  constructor(o = {}) {
    super(o);
    this.sampleRate = o.sampleRate || 16000;
    this.highWater = o.highWaterBytes ?? HIGH_WATER_BYTES;
    this.lowWater = o.lowWaterBytes ?? LOW_WATER_BYTES;
    if (!(this.lowWater <= this.highWater)) throw new RangeError('lowWaterBytes must be <= highWaterBytes');
    this.keepAliveMillis = o.keepAliveMillis ?? KEEPALIVE_INTERVAL_MILLIS;
    this.uplink = new SttResume({ sampleRate: this.sampleRate,
      maxReplaySeconds: o.maxReplaySeconds ?? MAX_REPLAY_SECONDS,
      maxLagMillis: o.maxLagMillis ?? MAX_UPLINK_LAG_MILLIS });
    this.sessionId = null;
    this.byId = new SessionResume(o.resumable ?? !isElevenLabsHost(this._base()));
    /** This connection asked to resume: its audio waits for session_started (where to go on). */
    this._awaitResume = false;
    /** Audio position (samples of the session) after which the last commit message went out. */
    this._commitSentAt = -1;
    this.lastPartial = '';
    this._paused = false;
    this._drainTimer = null;
    this._keepAlive = null;
    this._lastAudioAt = 0;
    this._pendingCommit = null;
    this._pairTimer = null;
    this._commitRequested = false;
    this._closeAfterCommit = false;
    this._speech = { active: false, startAt: NaN, lastLoudAt: NaN, partialSeen: false };
    this.metrics = { handshakeMs: NaN, partialLatencyMs: NaN, commitLatencyMs: NaN,
      droppedMs: 0, replayedMs: 0, duplicatesDropped: 0, seams: 0, reconnects: 0,
      partials: 0, commits: 0, sentMs: 0, forcedCommits: 0, replayDroppedMs: 0,
      resumeAttempts: 0, resumes: 0, resumeFallbacks: 0, resumeReplayedBytes: 0 };
    this._sessionStarted = false;
    this._sentThisSession = 0;
    /** Until then the rest of a replay waits for the answer to a forced commit (0: no hold). */
    this._holdUntil = 0;
    this._holdTimer = null;
    /** Manual: the kind ('forced' | 'app') of each commit sent on this session, unanswered. */
    this._sentCommits = [];
    /** Manual: forced pieces of the app's current segment, held back: {text, words, startMs}. */
    this._held = null;
    /** Global ms of this session's forced commits, unanswered, oldest first. */
    this._forcedAt = [];
  }

  _base() {
    return toWsBase(this.options.baseUrl || (globalThis.location ? location.origin : 'https://api.elevenlabs.io'));
  }

  _url(token) {
    const o = this.options;
    return withQuery(this._base() + '/v1/speech-to-text/realtime', {
      model_id: o.modelId || 'scribe_v2_realtime',
      audio_format: 'pcm_' + this.sampleRate,
      commit_strategy: o.commitStrategy,
      vad_silence_threshold_secs: o.vadSilenceThresholdSecs,
      vad_threshold: o.vadThreshold,
      min_speech_duration_ms: o.minSpeechDurationMs,
      min_silence_duration_ms: o.minSilenceDurationMs,
      language_code: o.languageCode,
      secondary_languages: o.secondaryLanguages,
      // word times place each commit on the audio timeline: needed to drop repeats at a seam
      include_timestamps: true,
      include_language_detection: o.includeLanguageDetection,
      keyterms: o.keyterms,
      no_verbatim: o.noVerbatim,
      entity_detection: o.entityDetection,
      transcript_edit: o.transcriptEdit,
      filter_background_audio: o.filterBackgroundAudio,
      enable_logging: o.enableLogging,
      ...this.byId.query(),
      ...(o.query || {}),
      token,
    });
  }

  _onOpen(reconnecting) {
    this.metrics.handshakeMs = this.handshakeMs;
    this.metrics.reconnects = this.reconnects;
    this._sessionStarted = false;
    this._sentThisSession = 0;
    this._release(0);
    this._forcedAt = [];
    this._paused = false;
    this._armKeepAlive();
    this.metrics.resumeAttempts = this.byId.counters.attempts;
    // resuming: session_started says which audio the server has
    this._awaitResume = this.byId.attempting;
    if (!this._awaitResume) this._beginNewSession(reconnecting);
  }

  /** A new server session: the ring is replayed (with forced commits when long). */
  _beginNewSession(reconnecting) {
    this._flushPendingCommit(); // its twin will not come: a new session
    this._sentCommits = [];
    this._commitSentThisSession = false;
    this._commitSentAt = Infinity; // no commit message reached this session
    this.uplink.beginSession();
    if (reconnecting) this._seam(false);
    this._pump();
    if (this._commitRequested) this._sendCommit();
  }

  _seam(resumed) {
    this.metrics.seams = this.uplink.seams;
    this.metrics.replayedMs = this.uplink.replayedMs;
    this._emit('seam', { replayMs: resumed ? this.metrics.replayedMs : this.uplink.ringMs(), resumed });
  }

  /** session_started of a connection that asked to resume. */
  _onResumeAnswer(answer) {
    this._awaitResume = false;
    const c = this.byId.counters;
    if (!answer.resumed) {
      this.metrics.resumeFallbacks = c.fallbacks;
      this._beginNewSession(true); // a new session: the usual replay
      return;
    }
    const replay = answer.receivedSamples < 0 ? -1
      : this.uplink.resumeSession(this.byId.base, answer.receivedSamples);
    if (replay < 0) {
      // the server holds audio this client cannot continue from: end it, start a new session
      this.byId.refuse();
      this._reconnectNow('cannot continue the resumed session', 1000);
      return;
    }
    this.byId.onResumed(replay * 2);
    if (this._pendingCommit && !this._pairTimer) this._armPair();
    this.metrics.resumes = c.resumed;
    this.metrics.resumeReplayedBytes = c.replayedBytes;
    this.metrics.replayedMs = this.uplink.replayedMs;
    // a commit message sent after audio the server never got was lost with it: send it again
    if (this._commitRequested && this._commitSentAt >= this.uplink.sessionSent) {
      this._commitSentThisSession = false;
      const i = this._sentCommits.lastIndexOf('app');
      if (i >= 0) this._sentCommits.splice(i, 1);
    }
    this._seam(true);
    this._pump();
  }

  _armKeepAlive() {
    if (this._keepAlive) this.clearTimeout(this._keepAlive);
    if (!(this.keepAliveMillis > 0)) return;
    const tick = () => {
      this._keepAlive = null;
      if (!this.isOpen()) return;
      if (this.now() - this._lastAudioAt >= this.keepAliveMillis - 5) this._sendChunk('', false);
      this._keepAlive = this.setTimeout(tick, Math.max(50, this.keepAliveMillis - (this.now() - this._lastAudioAt)));
    };
    this._keepAlive = this.setTimeout(tick, this.keepAliveMillis);
  }

  _sendChunk(base64, commit) {
    this._lastAudioAt = this.now();
    const msg = { message_type: 'input_audio_chunk', audio_base_64: base64, commit,
      sample_rate: this.sampleRate };
    // previous_text goes with the first chunk of the first session only (the spec refuses it later)
    if (this.options.previousText && !this._previousTextSent) {
      msg.previous_text = String(this.options.previousText);
      this._previousTextSent = true;
    }
    return this._send(msg);
  }

  /**
   * Queues PCM16 mono audio at `sampleRate` for upload. Audio given while reconnecting is kept
   * (bounded) and sent after the replay. Returns false once closed.
   */
  sendAudio(pcm) {
    if (!(pcm instanceof Int16Array)) throw new TypeError('pcm must be an Int16Array');
    if (this.state === 'closed' || this.state === 'failed' || this.state === 'closing' || this.state === 'idle') return false;
    this._trackSpeech(pcm);
    if (this.uplink.ringSamples === 0) this._markAccepted(); // nothing was waiting: the clock starts now
    // audio that waits behind a held replay is part of the gap, not lag: never dropped for lag
    const ringDropped = this.uplink.push(pcm, this.isOpen() && !this._holdUntil && !this._awaitResume);
    if (ringDropped > 0) {
      this.metrics.replayDroppedMs = this.uplink.droppedRingMs;
      this.metrics.droppedMs = this.uplink.droppedLagMs + this.uplink.droppedRingMs;
      this._emit('dropped', { ms: ringDropped, totalMs: this.metrics.droppedMs, reason: 'replay-ring' });
    }
    this._pump();
    return true;
  }

  _manual() {
    return this.options.commitStrategy === 'manual';
  }

  /** Ends a replay hold no sooner than `afterMillis` from now (0: at once, no pump). */
  _release(afterMillis) {
    if (this._holdTimer) { this.clearTimeout(this._holdTimer); this._holdTimer = null; }
    if (afterMillis <= 0) { this._holdUntil = 0; return; }
    this._holdUntil = this.now() + afterMillis;
    this._holdTimer = this.setTimeout(() => {
      this._holdTimer = null;
      this._holdUntil = 0;
      this._pump();
    }, afterMillis);
  }

  _pump() {
    if (!this._wsReady() || this._awaitResume) return;
    const ws = this.ws;
    for (;;) {
      if (this._holdUntil) break; // waiting for the answer to a forced commit
      const buffered = ws.bufferedAmount || 0;
      if (this._paused ? buffered > this.lowWater : buffered >= this.highWater) {
        this._paused = true;
        break;
      }
      this._paused = false;
      const chunk = this.uplink.nextToSend();
      if (!chunk) break;
      if (!this._sendChunk(int16ToBase64(chunk.pcm), false)) break;
      this.uplink.markSent(chunk);
      this._sentThisSession++;
      if (this._sessionStarted) this._markHealthy();
      this.metrics.sentMs += (chunk.pcm.length * 1000) / this.sampleRate;
      if (chunk.forceCommit) {
        chunk.forceCommit = false;
        if (this._sendChunk('', true)) {
          this._lastCommitAt = this.now();
          this.uplink.forcedCommits++;
          this.metrics.forcedCommits = this.uplink.forcedCommits;
          if (this._manual()) this._sentCommits.push('forced');
          this._forcedAt.push(this.uplink.sessionEndGlobalMs());
          this._release(REPLAY_COMMIT_WAIT_MILLIS);
          this.uplink.protectWaiting();
          break;
        }
      }
    }
    const dropped = this.uplink.enforceLag();
    if (dropped > 0) {
      this.metrics.droppedMs = this.uplink.droppedLagMs + this.uplink.droppedRingMs;
      this._emit('dropped', { ms: dropped, totalMs: this.metrics.droppedMs, reason: 'lag' });
    }
    if (this._paused && !this._drainTimer) {
      this._drainTimer = this.setTimeout(() => {
        this._drainTimer = null;
        this._pump();
      }, DRAIN_POLL_MILLIS);
    }
    if (this._commitRequested && !this.uplink.nextToSend() && !this._commitSentThisSession) {
      this._sendCommit();
    }
  }

  /** Asks the server to commit the current segment (manual strategy). */
  commit() {
    if (this.state === 'closed' || this.state === 'failed' || this.state === 'idle') return false;
    this._commitRequested = true;
    this._commitSentThisSession = false;
    this._pump();
    return true;
  }

  _sendCommit() {
    if (!this._wsReady() || this.uplink.nextToSend() || this._holdUntil) return; // after the queued audio
    this._commitSentThisSession = this._sendChunk('', true);
    if (this._commitSentThisSession) {
      this._lastCommitAt = this.now();
      this._commitSentAt = this.uplink.sessionSent;
      if (this._manual()) this._sentCommits.push('app');
    }
  }

  _trackSpeech(pcm) {
    const s = this._speech;
    const now = this.now();
    const loud = rmsDbfs(pcm) > SPEECH_DBFS;
    if (loud) {
      if (!s.active || now - s.lastLoudAt > SPEECH_GAP_MILLIS) {
        s.active = true;
        s.startAt = now - (pcm.length * 1000) / this.sampleRate;
        s.partialSeen = false;
      }
      s.lastLoudAt = now;
    }
  }

  _onMessage(msg) {
    const type = msg.message_type;
    switch (type) {
      case 'session_started':
      {
        this._sessionStarted = true;
        if (this._sentThisSession > 0) this._markHealthy();
        this.sessionId = msg.session_id || null;
        const answer = this.byId.onStarted(msg);
        this._emit('started', { sessionId: this.sessionId, config: msg.config || {},
          resumed: !!(answer && answer.resumed) });
        if (answer && this._awaitResume) this._onResumeAnswer(answer);
        return;
      }
      case 'partial_transcript': {
        this._flushPendingCommit();
        if (this._sentThisSession > 0) this._markAccepted(); // our audio is being transcribed
        const text = String(msg.text || '');
        if (text === this.lastPartial) return; // a stale repeat (pipecat#5197)
        this.lastPartial = text;
        if (text === '') return;
        const s = this._speech;
        if (s.active && !s.partialSeen && Number.isFinite(s.startAt)) {
          s.partialSeen = true;
          this.metrics.partialLatencyMs = this.now() - s.startAt;
        }
        this.metrics.partials++;
        this._emit('partial', { text });
        return;
      }
      case 'committed_transcript':
        this._flushPendingCommit();
        this.byId.commits++;
        this._pendingCommit = { text: String(msg.text || '') };
        this._armPair();
        return;
      case 'committed_transcript_with_timestamps': {
        const text = String(msg.text || '');
        const pending = this._pendingCommit;
        this.byId.commits++; // every commit message counts, the twin too (docs/stt-resume.md)
        this._clearPair();
        this._deliverCommit(pending ? pending.text : text, Array.isArray(msg.words) ? msg.words : null,
          msg.language_code || null);
        return;
      }
      case 'final_transcript':
        // settled text of a segment that is not committed yet
        this._emit('final', { text: String(msg.text || '') });
        return;
      case 'final_transcript_with_timestamps':
        this._emit('final', { text: String(msg.text || ''),
          words: Array.isArray(msg.words) ? msg.words : null, languageCode: msg.language_code || null });
        return;
      case 'committed_transcript_entities':
        this._emit('entities', { text: String(msg.text || ''),
          entities: Array.isArray(msg.entities) ? msg.entities : [] });
        return;
      case 'edited_transcript':
        this._emit('edited', { text: String(msg.text || ''), editedText: String(msg.edited_text || '') });
        return;
      default:
        if (typeof type === 'string' && (msg.error !== undefined || /error|exceeded|throttled|rate_limited|overflow|exhausted|insufficient|unaccepted|invalid/.test(type))) {
          const name = errorName(type);
          const err = { error: name, message: String(msg.error || type) };
          this.lastError = err;
          this._emit('error', err);
          this._serverError(name, err.message);
        }
        // other informational types are ignored
    }
  }

  _armPair() {
    this._pairTimer = this.setTimeout(() => {
      this._pairTimer = null;
      this._flushPendingCommit();
    }, COMMIT_PAIR_WAIT_MILLIS);
  }

  _clearPair() {
    if (this._pairTimer) { this.clearTimeout(this._pairTimer); this._pairTimer = null; }
    this._pendingCommit = null;
  }

  _flushPendingCommit() {
    const p = this._pendingCommit;
    if (!p) return;
    this._clearPair();
    this._deliverCommit(p.text, null, null);
  }

  _deliverCommit(text, words, languageCode) {
    const kind = this._manual() ? this._sentCommits.shift() : undefined;
    // manual: an empty answer to no outstanding commit (one sent again after a resume, which
    // the server had after all) is nobody's segment
    if (this._manual() && kind === undefined && text.trim() === '') return;
    if (this._holdUntil) {
      // the forced commit was answered: the replay goes on (commits stay paced)
      const wait = (this._lastCommitAt || 0) + MIN_COMMIT_INTERVAL_MILLIS - this.now();
      this._release(wait > 0 ? wait : 0);
      if (!(wait > 0)) this._pump();
    }
    // a word reaching a forced commit's boundary may be cut by it: keep the words before it and
    // let a new session transcribe the rest whole
    const cut = this.uplink.wordsBefore(words, this._forcedAt[0]);
    if (cut) { text = cut.text; words = cut.words; }
    const placed = this.uplink.acceptCommit(words, text, !!cut);
    while (placed && this._forcedAt.length > 0 && this._forcedAt[0] <= placed.endMs + WORD_GUARD_MILLIS) {
      this._forcedAt.shift();
    }
    if (cut) {
      this.metrics.wordsRetranscribed = (this.metrics.wordsRetranscribed || 0) + 1;
      this.byId.forget(); // its server session heard the cut word: a new one must
      this._reconnectNow('a new session transcribes a word cut by a forced commit', 1000);
    }
    this.lastPartial = '';
    if (!placed) {
      this.metrics.duplicatesDropped = this.uplink.duplicatesDropped;
      return;
    }
    if (kind === 'forced') {
      // a piece of the app's segment that we committed: delivered with the app's commit
      const h = this._held || (this._held = { text: '', words: [], startMs: placed.startMs });
      h.text = joinPieces(h.text, text);
      if (words) h.words.push(...words); // times within their own session, like every commit's words
      this._markHealthy();
      this._markAccepted();
      return;
    }
    if (this._held) {
      const h = this._held;
      this._held = null;
      text = joinPieces(h.text, text);
      words = h.words.concat(words || []);
      placed.startMs = h.startMs;
    }
    this._commitRequested = false;
    this._markHealthy();
    this._markAccepted();
    const s = this._speech;
    if (text.trim() !== '' && Number.isFinite(s.lastLoudAt)) {
      this.metrics.commitLatencyMs = this.now() - s.lastLoudAt;
      s.active = false;
    }
    this.metrics.commits++;
    this._emit('committed', { text, words: words || [], languageCode, startMs: placed.startMs,
      endMs: placed.endMs });
    if (this._closeAfterCommit && this.state === 'closing') this._finish('closed', { code: 1000, reason: 'closed by the app' });
  }

  _awaitingAcceptance() {
    return this.uplink.ringSamples > 0;
  }

  _onDrop() {
    if (this.byId.sessionId !== null && this._pendingCommit) {
      // a resume sends the twin of a commit cut off from it: wait for it (a new session flushes)
      if (this._pairTimer) { this.clearTimeout(this._pairTimer); this._pairTimer = null; }
    } else {
      this._flushPendingCommit();
    }
    this._release(0);
    // where the session's audio began: a resume continues it on the same timeline
    if (this.byId.sessionId !== null && !this._awaitResume) this.byId.base = this.uplink.sessionBase;
    this._awaitResume = false;
    if (this._drainTimer) { this.clearTimeout(this._drainTimer); this._drainTimer = null; }
  }

  _beginClose() {
    // commit what was said since the last commit, then close when it arrives (bounded)
    if (this.uplink.ringSamples > 0) {
      this._closeAfterCommit = true;
      this._commitRequested = true;
      this._commitSentThisSession = false;
      this._pump();
    } else {
      this._finish('closed', { code: 1000, reason: 'closed by the app' });
    }
  }

  _onClosedForGood() {
    this._flushPendingCommit();
    if (this._keepAlive) { this.clearTimeout(this._keepAlive); this._keepAlive = null; }
    if (this._drainTimer) { this.clearTimeout(this._drainTimer); this._drainTimer = null; }
  }
}

/** Joins two transcript pieces: a space between them unless one has whitespace at the seam. */
export function joinPieces(a, b) {
  if (!b || b.trim() === '') return a;
  if (!a) return b;
  return /\s$/.test(a) || /^\s/.test(b) ? a + b : a + ' ' + b;
}

