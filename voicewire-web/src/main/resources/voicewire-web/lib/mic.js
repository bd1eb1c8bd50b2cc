// Microphone capture → PCM16 mono at 16 kHz in fixed chunks (20–100 ms), via an AudioWorklet.
//
// Why not MediaRecorder: it produces compressed containers (WebM/Opus, MP4/AAC) in timeslices
// whose boundaries and latency the browser chooses (often hundreds of ms, first chunk later),
// cannot produce raw PCM16 at 16 kHz as the protocol wants, and would need decoding on the
// server. An AudioWorklet sees every 128-frame render quantum (~2.7 ms at 48 kHz) on the audio
// thread, so chunks are exact and as small as we like.
//
//     const mic = new Microphone({chunkMillis: 50});
//     mic.on('chunk', ({pcm}) => stt.sendAudio(pcm));   // Int16Array, 16 kHz mono
//     await mic.start();                                  // from a click: permission prompt
//
// Events: `chunk` {pcm, rms, peak, capturedAt}, `state` {state: 'starting'|'running'|'stopped'|'error', error}.

import { Emitter } from './events.js';

/** Chunk duration bounds (ms). */
export const MIN_CHUNK_MILLIS = 20;
export const MAX_CHUNK_MILLIS = 100;

export class Microphone extends Emitter {
  /**
   * @param {object} o options: `sampleRate` (16000), `chunkMillis` (50, 20–100),
   *   `echoCancellation`, `noiseSuppression`, `autoGainControl` (all true), `deviceId`,
   *   `context` (an AudioContext to share; one is created otherwise).
   */
  constructor(o = {}) {
    super();
    this.sampleRate = o.sampleRate || 16000;
    this.chunkMillis = o.chunkMillis ?? 50;
    if (!(this.chunkMillis >= MIN_CHUNK_MILLIS && this.chunkMillis <= MAX_CHUNK_MILLIS)) {
      throw new RangeError('chunkMillis must be in [' + MIN_CHUNK_MILLIS + ', ' + MAX_CHUNK_MILLIS + ']: ' + this.chunkMillis);
    }
    this.constraints = {
      echoCancellation: o.echoCancellation ?? true,
      noiseSuppression: o.noiseSuppression ?? true,
      autoGainControl: o.autoGainControl ?? true,
      channelCount: 1,
      ...(o.deviceId ? { deviceId: { exact: o.deviceId } } : {}),
    };
    this.context = o.context || null;
    this._ownsContext = !o.context;
    this.state = 'stopped';
    this.stream = null;
    this.node = null;
    this.source = null;
    this.chunks = 0;
    this.level = 0;
  }

  _state(state, extra = {}) {
    this.state = state;
    this._emit('state', { state, ...extra });
  }

  /** Asks for the microphone and starts capturing. Call from a user gesture. Returns false if running. */
  async start() {
    if (this.state === 'running' || this.state === 'starting') return false;
    this._state('starting');
    try {
      if (!this.context) this.context = new AudioContext({ latencyHint: 'interactive' });
      if (this.context.state !== 'running') await this.context.resume();
      await this.context.audioWorklet.addModule(new URL('./mic-worklet.js', import.meta.url));
      this.stream = await navigator.mediaDevices.getUserMedia({ audio: this.constraints });
      this.source = this.context.createMediaStreamSource(this.stream);
      this.node = new AudioWorkletNode(this.context, 'voicewire-mic', {
        numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1],
        processorOptions: { sampleRate: this.sampleRate, chunkMillis: this.chunkMillis },
      });
      const t0ctx = this.context.currentTime;
      const t0 = performance.now();
      this.node.port.onmessage = (e) => {
        const m = e.data;
        if (m.type !== 'chunk') return;
        this.chunks++;
        this.level = m.rms;
        const capturedAt = t0 + (m.time - t0ctx) * 1000;
        this._emit('chunk', { pcm: m.pcm, rms: m.rms, peak: m.peak, capturedAt });
      };
      this.source.connect(this.node);
      // the node outputs silence; connecting it keeps the graph pulling it in every browser
      this.node.connect(this.context.destination);
      this._state('running', { deviceRate: this.context.sampleRate });
      return true;
    } catch (error) {
      this._teardown();
      this._state('error', { error: String(error && error.message || error), name: error && error.name });
      return false;
    }
  }

  /** Stops capturing (the last partial chunk is sent). Returns false if not running. */
  stop() {
    if (this.state !== 'running') return false;
    if (this.node) this.node.port.postMessage({ type: 'stop' });
    this._teardown();
    this._state('stopped');
    return true;
  }

  _teardown() {
    if (this.source) { try { this.source.disconnect(); } catch { /* gone */ } }
    if (this.node) {
      const node = this.node;
      // let the worklet post its last chunk before the port goes away
      setTimeout(() => { try { node.disconnect(); } catch { /* gone */ } }, 200);
    }
    if (this.stream) for (const t of this.stream.getTracks()) t.stop();
    this.source = null;
    this.node = null;
    this.stream = null;
  }
}
