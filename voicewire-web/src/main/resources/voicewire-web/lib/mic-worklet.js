// AudioWorklet processor of the microphone: mono downmix, band-limited resampling from the
// device rate to the stream rate (16 kHz by default), PCM16 chunks of a fixed duration posted
// to the main thread (transferred, no copy). Runs on the audio rendering thread.

import { Resampler } from './resampler.js';
import { floatToInt16 } from './pcm.js';

class MicProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions || {};
    this.outRate = o.sampleRate || 16000;
    this.chunkSamples = Math.max(1, Math.round((this.outRate * (o.chunkMillis || 50)) / 1000));
    this.resampler = new Resampler(sampleRate, this.outRate); // global `sampleRate`: the context's
    this.mono = new Float32Array(128);
    this.pending = new Float32Array(this.chunkSamples * 2);
    this.pendingLen = 0;
    this.running = true;
    this.port.onmessage = (e) => {
      if (e.data && e.data.type === 'stop') {
        this._emit(true);
        this.running = false;
      }
    };
  }

  process(inputs) {
    if (!this.running) return false;
    const input = inputs[0];
    if (!input || input.length === 0 || input[0].length === 0) return true;
    const n = input[0].length;
    if (this.mono.length !== n) this.mono = new Float32Array(n);
    const mono = this.mono;
    if (input.length === 1) {
      mono.set(input[0]);
    } else {
      mono.fill(0);
      for (const ch of input) for (let i = 0; i < n; i++) mono[i] += ch[i];
      for (let i = 0; i < n; i++) mono[i] /= input.length;
    }
    this._add(this.resampler.process(mono));
    return true;
  }

  _add(samples) {
    let off = 0;
    while (off < samples.length) {
      const take = Math.min(samples.length - off, this.chunkSamples - this.pendingLen);
      this.pending.set(samples.subarray(off, off + take), this.pendingLen);
      this.pendingLen += take;
      off += take;
      if (this.pendingLen === this.chunkSamples) this._emit(false);
    }
  }

  _emit(last) {
    if (this.pendingLen === 0 && !last) return;
    if (last) {
      const tail = this.resampler.flush();
      if (tail.length > 0 && this.pendingLen + tail.length <= this.pending.length) {
        this.pending.set(tail, this.pendingLen);
        this.pendingLen += tail.length;
      }
    }
    if (this.pendingLen === 0) {
      this.port.postMessage({ type: 'end' });
      return;
    }
    const pcm = floatToInt16(this.pending.subarray(0, this.pendingLen));
    let peak = 0;
    let sum = 0;
    for (let i = 0; i < pcm.length; i++) {
      const v = Math.abs(pcm[i]);
      if (v > peak) peak = v;
      sum += pcm[i] * pcm[i];
    }
    const rms = Math.sqrt(sum / pcm.length) / 32768;
    this.port.postMessage({ type: 'chunk', pcm, time: currentTime, rms, peak: peak / 32768 },
      [pcm.buffer]);
    this.pendingLen = 0;
    if (last) this.port.postMessage({ type: 'end' });
  }
}

registerProcessor('voicewire-mic', MicProcessor);
