// Realtime speech-to-text over `/v1/speech-to-text/realtime` (PROTOCOL.md §5), against a
// voicewire server or straight against ElevenLabs Scribe with a single-use `realtime_scribe`
// token. Toward a voicewire server it resumes its server session by id after a drop and sends
// only the audio the server never got (stt-session-resume.js); otherwise it reconnects to a new
// session, replays the audio since the last commit from a bounded ring and drops committed
// transcripts repeated across the seam (by audio time; see stt-resume.js). The uplink
// (stt-uplink-socket.js) watches `WebSocket.bufferedAmount` and drops the oldest live audio rather than
// build lag (counted in `metrics.droppedMs`).
//
//     const stt = new SttSocket({
//       baseUrl: location.origin, commitStrategy: 'vad',
//       token: () => fetch('/demo/token/realtime_scribe').then((r) => r.json()).then((j) => j.token),
//     });
//     stt.on('partial', ({text}) => …); stt.on('committed', ({text, startMs, endMs}) => …);
//     stt.connect(); mic.on('chunk', ({pcm}) => stt.sendAudio(pcm));
//
// The app's commit() requests are entries of the replay ring, in order with the audio: one asked
// for while reconnecting goes out at its place, a resumed session gets again only those the
// server did not take (its `commit_requests_received`, takenCommits), a new session's replay
// those not answered.
// After a connection cut short (closed 1006 without the server's error message or close frame,
// younger than SHORT_CONNECTION_MILLIS, no commit received: forceCommitsAfterDrop), a new
// session's replay longer than FORCED_COMMIT_REPLAY_MILLIS gets a commit every
// FORCED_COMMIT_REPLAY_MILLIS of it (at the quietest point before each mark), and the rest of the
// replay waits for each one's answer (at most REPLAY_COMMIT_WAIT_MILLIS), as in the Java SDK, so
// commits advance: the price is a boundary that may fall inside a word (`metrics.forcedCommits`).
// With manual commits those pieces are not delivered on their own: they are joined into the
// committed transcript of the app's next commit(), so the app's boundaries are exactly what it gets. A connection whose session started and
// took audio resets the backoff; the socket gives up only when the server is unreachable or
// refuses, or after `giveUpAfterMillis` without any audio transcribed.
//
// Events: `status`, `started` {sessionId, config, resumed}, `partial` {text}, `committed` {text,
// words, startMs, endMs}, `seam` {replayMs, resumed, forcedCommits}, `dropped` {ms, totalMs, reason: 'lag' | 'replay-ring'},
// `error` {error, message}.

import { toWsBase, withQuery, errorName } from './socket-core.js';
import { MIN_COMMIT_INTERVAL_MILLIS, WORD_GUARD_MILLIS, forceCommitsAfterDrop } from './stt-resume.js';
import { SessionResume, isElevenLabsHost, takenCommits } from './stt-session-resume.js';
import { SttUplinkSocket } from './stt-uplink-socket.js';

export { KEEPALIVE_INTERVAL_MILLIS, HIGH_WATER_BYTES, LOW_WATER_BYTES, DRAIN_POLL_MILLIS, SPEECH_DBFS,
  SPEECH_GAP_MILLIS } from './stt-uplink-socket.js';

/** How long a `committed_transcript` waits for its `…_with_timestamps` twin. */
export const COMMIT_PAIR_WAIT_MILLIS = 300;

export class SttSocket extends SttUplinkSocket {
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
    this.sessionId = null;
    this.byId = new SessionResume(o.resumable ?? !isElevenLabsHost(this._base()));
    this.lastPartial = '';
    this._pendingCommit = null;
    this._pairTimer = null;
    this._closeAfterCommit = false;
    this.metrics = { handshakeMs: NaN, partialLatencyMs: NaN, commitLatencyMs: NaN,
      droppedMs: 0, replayedMs: 0, duplicatesDropped: 0, seams: 0, reconnects: 0,
      partials: 0, commits: 0, sentMs: 0, forcedCommits: 0, replayDroppedMs: 0,
      resumeAttempts: 0, resumes: 0, resumeFallbacks: 0, resumeReplayedBytes: 0 };
    /** Manual: forced pieces of the app's current segment, held back: {text, words, startMs}. */
    this._held = null;
    /** The next new session's replay gets forced commits (forceCommitsAfterDrop). */
    this._forceCommits = false;
    this._connOpenedAt = NaN;
    this._connCommits = 0;
    this._serverErrorOnConn = false;
    this._onPurpose = false;
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
    this._connOpenedAt = this.now();
    this._connCommits = 0;
    this._serverErrorOnConn = false;
    this._onPurpose = false;
    this.metrics.handshakeMs = this.handshakeMs;
    this.metrics.reconnects = this.reconnects;
    this._sessionStarted = false;
    this._sentThisSession = 0;
    this._release(0);
    this._paused = false;
    this._armKeepAlive();
    this.metrics.resumeAttempts = this.byId.counters.attempts;
    // resuming: session_started says which audio the server has
    this._awaitResume = this.byId.attempting;
    if (!this._awaitResume) this._beginNewSession(reconnecting);
  }

  /**
   * A new server session: the ring is replayed, the app's unanswered commits at their places,
   * with forced commits when long and the connection lost last was cut short.
   */
  _beginNewSession(reconnecting) {
    this._flushPendingCommit(); // its twin will not come: a new session
    this._forcedAt = [];
    const forced = this.uplink.beginSession(reconnecting && this._forceCommits);
    if (reconnecting) this._seam(false, forced);
    this._pump();
  }

  _seam(resumed, forcedCommits = 0) {
    this.metrics.seams = this.uplink.seams;
    this.metrics.replayedMs = this.uplink.replayedMs;
    this._emit('seam', { replayMs: resumed ? this.metrics.replayedMs : this.uplink.ringMs(), resumed,
      forcedCommits });
  }

  _reconnectNow(reason, code) {
    if (this.ws) this._onPurpose = true; // a new session on purpose: the forced-commit decision stands
    super._reconnectNow(reason, code);
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
    const u = this.uplink;
    const taken = (outstanding, heldSamples) => takenCommits({ sent: u.sessionCommitRequests,
      outstanding: outstanding.map((c) => c.globalStart), heldSamples,
      received: answer.commitRequests, answeredUnseen: answer.answeredUnseen });
    const replay = answer.receivedSamples < 0 ? -1
      : u.resumeSession(this.byId.base, answer.receivedSamples, taken);
    if (replay < 0) {
      // the server holds audio this client cannot continue from: end it, start a new session
      this.byId.refuse();
      this._reconnectNow('cannot continue the resumed session', 1000);
      return;
    }
    this.byId.onResumed(replay * 2);
    if (replay === 0) this._markAccepted(); // the server holds all the audio sent: it was accepted
    if (this._pendingCommit && !this._pairTimer) this._armPair();
    this.metrics.resumes = c.resumed;
    this.metrics.resumeReplayedBytes = c.replayedBytes;
    this.metrics.replayedMs = this.uplink.replayedMs;
    // forced commits the server did not take went with resumeSession
    const left = new Set(u.outstanding().filter((c) => c.commit === 'forced').map((c) => u._ms(c.globalStart)));
    this._forcedAt = this._forcedAt.filter((ms) => left.has(ms));
    this._seam(true);
    this._pump();
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
        // the server took the session and nothing waits to be sent: healthy (an idle stream
        // under repeated cuts never exhausts the attempts)
        if (this.state === 'open' && !this.uplink.nextToSend()) this._markHealthy();
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
        this._connCommits++;
        this.byId.commits++;
        this._pendingCommit = { text: String(msg.text || '') };
        this._armPair();
        return;
      case 'committed_transcript_with_timestamps': {
        const text = String(msg.text || '');
        const pending = this._pendingCommit;
        this.byId.commits++; // every commit message counts, the twin too (docs/stt-resume.md)
        this._connCommits++;
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
          // the server is there: the close that follows its error is no cut (a throttled
          // commit ends nothing)
          if (name !== 'commit_throttled') this._serverErrorOnConn = true;
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
    // manual: the server answers commit requests in order
    const request = this._manual() ? this.uplink.outstanding()[0] : undefined;
    const kind = request ? request.commit : undefined;
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
    if (request) this.uplink.answered(request);
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
    this._closeIfAnswered();
  }

  /** Closing: the commit of the rest was answered (manual: every commit request was). */
  _closeIfAnswered() {
    if (!this._closeAfterCommit || this.state !== 'closing') return;
    if (this._manual() && this.uplink.hasCommits()) return;
    this._finish('closed', { code: 1000, reason: 'closed by the app' });
  }

  _awaitingAcceptance() {
    return this.uplink.ringSamples > 0;
  }

  _onDrop(detail = {}) {
    this._forceCommits = forceCommitsAfterDrop({ opened: detail.opened !== false, code: detail.code,
      onPurpose: this._onPurpose, serverError: this._serverErrorOnConn,
      livedMs: this.now() - this._connOpenedAt, commitsReceived: this._connCommits }, this._forceCommits);
    this._onPurpose = false;
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
      const ring = this.uplink.ring;
      // one commit request for the rest, unless the app's last one already ends the audio
      if (ring.length === 0 || ring[ring.length - 1].commit !== 'app') this.uplink.pushCommit();
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

