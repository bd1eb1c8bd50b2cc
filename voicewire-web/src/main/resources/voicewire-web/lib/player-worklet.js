// AudioWorklet processor of the streaming player: a jitter buffer of stream-rate samples fed
// from the main thread, band-limited resampling to the output rate, pre-roll, underrun and
// overrun counters, and interrupt (short fade, then flush) for barge-in. Runs on the audio
// rendering thread; talks to player.js over its MessagePort only.

import { JitterBuffer } from './jitter-buffer.js';
import { Resampler } from './resampler.js';
import { int16ToFloat } from './pcm.js';

/** How often the processor reports its counters to the main thread. */
const STATS_INTERVAL_MILLIS = 50;
/** Output samples staged between the resampler and the render quantum. */
const FIFO_SAMPLES = 16384;

class PlayerProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.opts = options.processorOptions || {};
    this.streamRate = this.opts.streamRate || 16000;
    this._init(this.streamRate);
    this.fifo = new Float32Array(FIFO_SAMPLES);
    this.fifoHead = 0;
    this.fifoSize = 0;
    this.tmp = new Float32Array(1024);
    this.fadeTotal = 0;
    this.fadeLeft = 0;
    this.ended = false;
    this.tailFlushed = false;
    this.playing = false;
    this.lastStats = -1;
    this.outSamples = 0;
    this.port.onmessage = (e) => this._onMessage(e.data);
  }

  _init(rate) {
    this.streamRate = rate;
    const keep = this.jb;
    this.jb = new JitterBuffer({ sampleRate: rate, ...(this.opts.jitter || {}) });
    if (keep) {
      // counters survive a stream-rate change
      this.jb.underruns = keep.underruns;
      this.jb.overruns = keep.overruns;
    }
    this.resampler = new Resampler(rate, sampleRate);
  }

  _onMessage(m) {
    switch (m.type) {
      case 'audio': {
        if (m.rate !== this.streamRate) this._init(m.rate);
        if (this.ended) { this.ended = false; this.tailFlushed = false; }
        this.jb.offer(int16ToFloat(m.pcm), currentTime * 1000);
        break;
      }
      case 'end':
        this.ended = true;
        this.jb.end();
        break;
      case 'interrupt':
        this.fadeTotal = Math.max(1, Math.round(((m.fadeMillis ?? 15) * sampleRate) / 1000));
        this.fadeLeft = this.fadeTotal;
        break;
      case 'reset':
        this._flushAll();
        break;
      default:
    }
  }

  _flushAll() {
    this.jb.flush();
    this.resampler.reset();
    this.fifoHead = 0;
    this.fifoSize = 0;
    this.ended = false;
    this.tailFlushed = false;
    this.playing = false;
    this.fadeLeft = 0;
  }

  _fifoPush(samples) {
    const n = Math.min(samples.length, FIFO_SAMPLES - this.fifoSize);
    let tail = (this.fifoHead + this.fifoSize) % FIFO_SAMPLES;
    for (let i = 0; i < n; i++) {
      this.fifo[tail] = samples[i];
      if (++tail === FIFO_SAMPLES) tail = 0;
    }
    this.fifoSize += n;
  }

  _fill(need) {
    // pull stream-rate samples from the jitter buffer until `need` output samples are staged
    let guard = 8;
    while (this.fifoSize < need && guard-- > 0) {
      const want = Math.ceil(((need - this.fifoSize) * this.streamRate) / sampleRate) + 1;
      if (this.tmp.length < want) this.tmp = new Float32Array(want);
      const got = this.jb.poll(this.tmp.subarray(0, want), want, currentTime * 1000);
      if (got > 0) this._fifoPush(this.resampler.process(this.tmp.subarray(0, got)));
      if (got < want) {
        if (this.ended && !this.tailFlushed && this.jb.stats().bufferedMs === 0) {
          this._fifoPush(this.resampler.flush());
          this.tailFlushed = true;
        }
        break;
      }
    }
  }

  process(inputs, outputs) {
    const out = outputs[0];
    const ch0 = out[0];
    const n = ch0.length;
    this._fill(n);
    const take = Math.min(n, this.fifoSize);
    for (let i = 0; i < take; i++) {
      let v = this.fifo[this.fifoHead];
      if (++this.fifoHead === FIFO_SAMPLES) this.fifoHead = 0;
      if (this.fadeLeft > 0) {
        v *= this.fadeLeft / this.fadeTotal;
        this.fadeLeft--;
        if (this.fadeLeft === 0) {
          ch0.fill(0, i + 1);
          this.fifoSize -= i + 1;
          this._flushAll();
          this.port.postMessage({ type: 'interrupted' });
          this._copy(out);
          this._stats(true);
          return true;
        }
      }
      ch0[i] = v;
    }
    this.fifoSize -= take;
    if (take < n) ch0.fill(0, take);
    if (this.fadeLeft > 0 && take < n) {
      // nothing left to fade: the interrupt is complete
      this._flushAll();
      this.port.postMessage({ type: 'interrupted' });
    }
    this.outSamples += take;
    if (take > 0 && !this.playing) {
      this.playing = true;
      this.port.postMessage({ type: 'started', time: currentTime, offset: 0 });
    }
    if (this.playing && take === 0 && this.ended && this.tailFlushed) {
      this.playing = false;
      this.ended = false;
      this.tailFlushed = false;
      this.port.postMessage({ type: 'drained', time: currentTime });
    }
    this._copy(out);
    this._stats(false);
    return true;
  }

  _copy(out) {
    for (let c = 1; c < out.length; c++) out[c].set(out[0]);
  }

  _stats(force) {
    const nowMs = currentTime * 1000;
    if (!force && nowMs - this.lastStats < STATS_INTERVAL_MILLIS) return;
    this.lastStats = nowMs;
    const s = this.jb.stats();
    const stagedMs = (this.fifoSize * 1000) / sampleRate + (this.resampler.latencySamples() * 1000) / this.streamRate;
    this.port.postMessage({ type: 'stats', ...s, bufferedMs: s.bufferedMs + (this.playing ? stagedMs : 0),
      jitterMs: s.bufferedMs, playing: this.playing, outputMs: (this.outSamples * 1000) / sampleRate,
      streamRate: this.streamRate, outputRate: sampleRate, time: currentTime });
  }
}

registerProcessor('voicewire-player', PlayerProcessor);
