// The uplink half of SttSocket (stt-socket.js): audio into the replay ring (stt-resume.js) and
// out to the socket, with back-pressure (`WebSocket.bufferedAmount`), the lag policy, keep-alive,
// commits after the queued audio, and the hold of a replay behind a forced commit's answer. The
// subclass handles the server's messages, the commits and the resume.
// Not thread safe: one owner (the page's main thread).

import { ReconnectingSocket } from './socket-core.js';
import { SttResume, MAX_REPLAY_SECONDS, MAX_UPLINK_LAG_MILLIS, REPLAY_COMMIT_WAIT_MILLIS } from './stt-resume.js';
import { int16ToBase64, rmsDbfs } from './pcm.js';

/** Empty audio chunk as keep-alive after this long without audio (server idle limit: ~10 s). */
export const KEEPALIVE_INTERVAL_MILLIS = 5000;
/** Stop writing to the socket while `bufferedAmount` is at or above this. */
export const HIGH_WATER_BYTES = 64 * 1024;
/** Resume writing once `bufferedAmount` is at or below this. */
export const LOW_WATER_BYTES = 16 * 1024;
/** How often a paused uplink looks at `bufferedAmount` again. */
export const DRAIN_POLL_MILLIS = 20;
/** Chunk level above which the client counts speech, for the latency figures only. */
export const SPEECH_DBFS = -45;
/** Silence that ends an utterance, for the latency figures only. */
export const SPEECH_GAP_MILLIS = 400;

export class SttUplinkSocket extends ReconnectingSocket {
  /** @param {object} o SttSocket's options (the uplink reads `sampleRate`, `maxReplaySeconds`, `maxLagMillis`, `highWaterBytes`, `lowWaterBytes`, `keepAliveMillis`). */
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
    this._paused = false;
    this._drainTimer = null;
    this._keepAlive = null;
    this._lastAudioAt = 0;
    this._speech = { active: false, startAt: NaN, lastLoudAt: NaN, partialSeen: false };
    this._sessionStarted = false;
    this._sentThisSession = 0;
    /** Until then the rest of a replay waits for the answer to a forced commit (0: no hold). */
    this._holdUntil = 0;
    this._holdTimer = null;
    /** This connection asked to resume: its audio waits for session_started (where to go on). */
    this._awaitResume = false;
    /** Global ms of this session's forced commits, unanswered, oldest first. */
    this._forcedAt = [];
    /** Counters; the subclass adds its own. */
    this.metrics = { sentMs: 0, droppedMs: 0, replayDroppedMs: 0, forcedCommits: 0 };
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
      if (chunk.commit) {
        // a commit request, at its place in the audio (the app's, or forced in a replay)
        if (!this._sendChunk('', true)) break;
        this.uplink.markSent(chunk);
        this._lastCommitAt = this.now();
        if (chunk.commit === 'forced') {
          this.uplink.forcedCommits++;
          this.metrics.forcedCommits = this.uplink.forcedCommits;
          this._forcedAt.push(this.uplink._ms(chunk.globalStart));
          this._release(REPLAY_COMMIT_WAIT_MILLIS);
          this.uplink.protectWaiting();
          break;
        }
        continue;
      }
      if (!this._sendChunk(int16ToBase64(chunk.pcm), false)) break;
      this.uplink.markSent(chunk);
      this._sentThisSession++;
      if (this._sessionStarted) this._markHealthy();
      this.metrics.sentMs += (chunk.pcm.length * 1000) / this.sampleRate;
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
  }

  /**
   * Asks the server to commit the current segment (manual strategy): the request goes right
   * after the audio given so far, also when that audio waits for a reconnect; a new session's
   * replay sends it again at its place until it is answered, a resumed session only if the
   * server did not take it.
   */
  commit() {
    if (this.state === 'closed' || this.state === 'failed' || this.state === 'idle') return false;
    this.uplink.pushCommit();
    this._pump();
    return true;
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
}
