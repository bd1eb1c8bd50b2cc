// Streaming player for PCM16 audio arriving in chunks (TTS): an AudioWorklet with a jitter
// buffer (pre-roll, adaptive target, underrun/overrun counters), resampling from the stream
// rate to the output rate, and interrupt with a short fade for barge-in. Safe to start on
// iOS/Safari: call unlock() from a user gesture; a context suspended later is resumed.
//
//     const player = new Player();
//     button.onclick = async () => { await player.unlock(); ... };
//     tts.on('audio', ({pcm, sampleRate}) => player.push(pcm, sampleRate));
//     tts.on('final', () => player.end());
//     player.stats  // {bufferedMs, targetMs, underruns, steadyUnderruns, overruns, state, playing, …}
//
// Events: `stats`, `started` {at}, `drained`, `interrupted`, `state` {context state}.
// With MultiTtsSocket: push(pcm, rate, contextId) tags chunks and drop(contextId) removes one
// context's audio at once (barge-in without stale audio; counters in `stats`).

import { Emitter } from './events.js';

/** Default fade length of interrupt(). */
export const DEFAULT_FADE_MILLIS = 15;

export class Player extends Emitter {
  /**
   * @param {object} o `context` (an AudioContext to share), `sampleRate` (of a context created
   *   here; default: the device's), `jitter` (jitter-buffer options, e.g. {targetMillis}),
   *   `fadeMillis`, `destination` (an AudioNode; default the context's destination)
   */
  constructor(o = {}) {
    super();
    this.options = o;
    this.context = o.context || null;
    this.node = null;
    this.fadeMillis = o.fadeMillis ?? DEFAULT_FADE_MILLIS;
    this.stats = { state: 'idle', bufferedMs: 0, targetMs: NaN, underruns: 0, overruns: 0, playing: false };
    this.startedAt = NaN;
    this.pushedMs = 0;
    this._ready = null;
    this._resumeOnGesture = null;
  }

  /**
   * Creates or resumes the audio context and loads the worklet. Call it from a user gesture
   * (click, key press) the first time: iOS/Safari keep audio muted otherwise.
   */
  unlock() {
    if (!this.context) {
      const opts = { latencyHint: 'interactive' };
      if (this.options.sampleRate) opts.sampleRate = this.options.sampleRate;
      this.context = new AudioContext(opts);
    }
    const ctx = this.context;
    // resume() must be called synchronously inside the gesture on iOS: no await before it
    const resumed = ctx.state === 'running' ? Promise.resolve() : ctx.resume();
    try {
      // a one-sample silent buffer, started in the gesture, unmutes iOS's audio session
      const b = ctx.createBuffer(1, 1, ctx.sampleRate);
      const s = ctx.createBufferSource();
      s.buffer = b;
      s.connect(ctx.destination);
      s.start();
    } catch { /* not needed elsewhere */ }
    if (!this._ready) {
      ctx.addEventListener('statechange', () => this._emit('state', { state: ctx.state }));
      this._ready = ctx.audioWorklet.addModule(new URL('./player-worklet.js', import.meta.url)).then(() => {
        this.node = new AudioWorkletNode(ctx, 'voicewire-player', {
          numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1],
          processorOptions: { streamRate: 16000, jitter: this.options.jitter || {} },
        });
        this.node.port.onmessage = (e) => this._onWorklet(e.data);
        this.node.connect(this.options.destination || ctx.destination);
      });
    }
    return Promise.all([resumed, this._ready]).then(() => true);
  }

  _onWorklet(m) {
    switch (m.type) {
      case 'stats':
        this.stats = m;
        this._emit('stats', m);
        break;
      case 'started': {
        const ctx = this.context;
        const lag = ((ctx.outputLatency || 0) + (ctx.baseLatency || 0)) * 1000;
        this.startedAt = performance.now() + lag;
        this._emit('started', { at: this.startedAt, outputLatencyMs: lag });
        break;
      }
      case 'drained':
        this._emit('drained', {});
        break;
      case 'interrupted':
        this._emit('interrupted', {});
        break;
      default:
    }
  }

  _ensureRunning() {
    const ctx = this.context;
    if (!ctx || ctx.state === 'running' || ctx.state === 'closed') return;
    // Safari may suspend ('interrupted') after a call or a lock screen; try now, and on the
    // next gesture if the browser refuses without one
    ctx.resume().catch(() => {});
    if (!this._resumeOnGesture && typeof document !== 'undefined') {
      this._resumeOnGesture = () => {
        ctx.resume().catch(() => {});
        document.removeEventListener('pointerdown', this._resumeOnGesture, true);
        document.removeEventListener('keydown', this._resumeOnGesture, true);
        this._resumeOnGesture = null;
      };
      document.addEventListener('pointerdown', this._resumeOnGesture, true);
      document.addEventListener('keydown', this._resumeOnGesture, true);
    }
  }

  /**
   * Queues PCM16 mono samples at `sampleRate` for playback. `stream` (optional: a TTS context
   * id) tags the chunk so that drop(stream) can remove it. Returns false before unlock() has
   * finished.
   */
  push(pcm, sampleRate, stream = null) {
    if (!this.node) return false;
    if (!(pcm instanceof Int16Array)) throw new TypeError('pcm must be an Int16Array');
    this._ensureRunning();
    const copy = pcm.slice(); // transferred to the worklet: the caller's array stays usable
    this.pushedMs += (copy.length * 1000) / sampleRate;
    this.node.port.postMessage({ type: 'audio', pcm: copy, rate: sampleRate, arrival: performance.now(), stream },
      [copy.buffer]);
    return true;
  }

  /** The stream ended: play out what is buffered (no underrun is counted at the end). */
  end() {
    if (!this.node) return false;
    this.node.port.postMessage({ type: 'end' });
    return true;
  }

  /** Barge-in: fades out over `fadeMillis` and drops everything queued. */
  interrupt(fadeMillis = this.fadeMillis) {
    if (!this.node) return false;
    this.node.port.postMessage({ type: 'interrupt', fadeMillis });
    return true;
  }

  /**
   * Multi-context barge-in: drops the audio of `stream` at once (no fade), queued or arriving
   * later; the rest plays on. `stats.staleMs` counts what of a dropped stream was heard anyway
   * (0 unless something is wrong), `staleChunksDropped`/`staleMsDropped` what was dropped.
   */
  drop(stream) {
    if (!this.node) return false;
    this.node.port.postMessage({ type: 'drop', stream });
    return true;
  }

  /** Drops everything queued at once (no fade). */
  reset() {
    if (!this.node) return false;
    this.node.port.postMessage({ type: 'reset' });
    return true;
  }
}
