// AudioWorklet processor of the streaming player. Chunks from the main thread wait in a
// pending queue and are offered to the jitter buffer (test-vectors/jitter/README.md; the
// BACKPRESSURE policy: TTS audio arrives faster than real time and all of it must play) as
// room frees up; every render quantum reads stream-rate samples from the buffer (silence when
// it is short) and resamples them to the output rate. Interrupt fades out, then flushes.
// Runs on the audio rendering thread; talks to player.js over its MessagePort only.

import { JitterBuffer, PLAYING, ENDED } from './jitter-buffer.js';
import { Resampler } from './resampler.js';

/** How often the processor reports its counters to the main thread. */
const STATS_INTERVAL_MILLIS = 50;
/** Output samples staged between the resampler and the render quantum. */
const FIFO_SAMPLES = 16384;
/** Chunks are offered in pieces of at most this much audio (the buffer holds 3 s). */
const MAX_OFFER_MILLIS = 100;
/**
 * Playback of a stream before it counts as steady: underruns in its first second are start-up
 * underruns (the jitter estimate has not yet seen the source's rhythm); later ones are
 * steady-state underruns, reported separately as `steadyUnderruns`.
 */
const STARTUP_MILLIS = 1000;
/**
 * Audio allowed to wait ahead of the jitter buffer (a long TTS answer arriving at once).
 * Overflow: the newest chunk is dropped and counted as an overrun.
 */
const MAX_PENDING_SECONDS = 600;
/** Dropped streams remembered, to recognise their late chunks (oldest forgotten first). */
const MAX_DROPPED_STREAMS = 64;

class PlayerProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.opts = options.processorOptions || {};
    this.totals = { underruns: 0, overruns: 0, underrunSamplesMs: 0, playedMs: 0, droppedMs: 0,
      steadyUnderruns: 0, staleChunksDropped: 0, staleMsDropped: 0, staleMs: 0 };
    // streams (TTS contexts) the main thread dropped; the streams of the audio in the buffer, in
    // order ({stream, samples}, one per offered piece): samples read from the buffer whose stream
    // is a dropped one are stale audio, counted in staleMs
    this.dropped = new Set();
    this.jbStream = null;
    this.segments = [];
    this.readMark = 0;
    this.fifo = new Float32Array(FIFO_SAMPLES);
    this.fifoHead = 0;
    this.fifoSize = 0;
    this.tmp = new Int16Array(1024);
    this.ftmp = new Float32Array(1024);
    this.pending = [];
    this.pendingSamples = 0;
    this.fadeTotal = 0;
    this.fadeLeft = 0;
    this.drainLeft = -1;
    this.lastStats = -1;
    this.outSamples = 0;
    /** Whether the last quantum was whole sound (an onset waits for a whole quantum). */
    this.sounding = false;
    this.streamRate = 0;
    this._newStream(this.opts.streamRate || 16000);
    this.port.onmessage = (e) => this._onMessage(e.data);
  }

  _newStream(rate) {
    if (this.jb) {
      const s = this.jb.stats();
      this.totals.underruns += s.underruns;
      this.totals.overruns += s.overruns;
      this.totals.underrunSamplesMs += s.underrunMs;
      this.totals.playedMs += s.playedMs;
    }
    if (rate !== this.streamRate) {
      this.streamRate = rate;
      this.resampler = new Resampler(rate, sampleRate);
    }
    this.jb = new JitterBuffer({ sampleRate: rate, ...(this.opts.jitter || {}), overflow: 'BACKPRESSURE' });
    this.segments = [];
    this.readMark = 0;
    const startup = Math.floor((STARTUP_MILLIS * rate) / 1000);
    this.jb.onState = (from, to, wasStarted) => {
      if (to === PLAYING && !wasStarted) this.port.postMessage({ type: 'started', time: currentTime });
      if (from === PLAYING && to !== ENDED && to !== PLAYING && this.jb.played >= startup) {
        this.totals.steadyUnderruns++;
      }
      if (to === ENDED) {
        // what is staged (and in the resampler) still has to leave the speakers
        this.drainLeft = this.fifoSize + Math.ceil((this.resampler.latencySamples() * sampleRate) / rate);
      }
    };
    this.ended = false;
  }

  _onMessage(m) {
    switch (m.type) {
      case 'audio': {
        if (m.stream != null && this.dropped.has(m.stream)) {
          // a late chunk of a dropped stream (posted before the drop reached the caller)
          this.totals.staleChunksDropped++;
          this.totals.staleMsDropped += (m.pcm.length * 1000) / m.rate;
          break;
        }
        if (m.rate !== this.streamRate || this.jb.ended) this._newStream(m.rate);
        const arrival = Number.isFinite(m.arrival) ? Math.round(m.arrival) : Math.round(currentTime * 1000);
        const piece = Math.max(1, Math.floor((MAX_OFFER_MILLIS * m.rate) / 1000));
        if (this.pendingSamples + m.pcm.length > MAX_PENDING_SECONDS * m.rate) {
          this.totals.overruns++;
          this.totals.droppedMs += (m.pcm.length * 1000) / m.rate;
          break;
        }
        for (let off = 0; off < m.pcm.length; off += piece) {
          const p = m.pcm.subarray(off, Math.min(m.pcm.length, off + piece));
          this.pending.push({ pcm: p, arrival, stream: m.stream ?? null });
          this.pendingSamples += p.length;
        }
        this._offerPending();
        break;
      }
      case 'end':
        this.ended = true;
        this._offerPending();
        break;
      case 'interrupt':
        this.fadeTotal = Math.max(1, Math.round(((m.fadeMillis ?? 15) * sampleRate) / 1000));
        this.fadeLeft = this.fadeTotal;
        break;
      case 'reset':
        this._flushAll();
        break;
      case 'drop':
        this._drop(m.stream);
        break;
      default:
    }
  }

  _offerPending() {
    const jb = this.jb;
    while (this.pending.length > 0) {
      const p = this.pending[0];
      // offer only when it fits: under back-pressure a refused offer just waits, so do not count it
      if (jb.buffered + p.pcm.length > jb.capacity) break;
      if (!jb.offer(p.pcm, p.arrival)) break;
      this.jbStream = p.stream;
      this.segments.push({ stream: p.stream, samples: p.pcm.length });
      this.pending.shift();
      this.pendingSamples -= p.pcm.length;
    }
    if (this.ended && this.pending.length === 0) jb.end();
  }

  /** Drops one stream at once: its waiting chunks, and the buffer if it holds that stream. */
  _drop(stream) {
    this.dropped.add(stream);
    if (this.dropped.size > MAX_DROPPED_STREAMS) this.dropped.delete(this.dropped.values().next().value);
    const keep = [];
    for (const p of this.pending) {
      if (p.stream === stream) {
        this.pendingSamples -= p.pcm.length;
        this.totals.staleMsDropped += (p.pcm.length * 1000) / this.streamRate;
      } else {
        keep.push(p);
      }
    }
    this.pending = keep;
    // the buffer holds that stream, or nothing live: a fresh buffer, so that `streamPlayedMs`
    // counts the next stream alone
    if (this.jbStream === stream || this.jbStream === null || this.dropped.has(this.jbStream)) {
      if (this.jbStream !== null) this.totals.staleMsDropped += (this.jb.buffered * 1000) / this.streamRate;
      const pending = this.pending;
      const pendingSamples = this.pendingSamples;
      this._flushAll();
      this.pending = pending;
      this.pendingSamples = pendingSamples;
      this._offerPending();
    }
  }

  _flushAll() {
    this.pending = [];
    this.pendingSamples = 0;
    this._newStream(this.streamRate);
    this.resampler.reset();
    this.fifoHead = 0;
    this.fifoSize = 0;
    this.fadeLeft = 0;
    this.drainLeft = -1;
    this.jbStream = null;
  }

  /** Accounts the samples just read from the buffer to their streams; counts the stale ones. */
  _consumed() {
    let n = this.jb.played - this.readMark;
    this.readMark = this.jb.played;
    while (n > 0 && this.segments.length > 0) {
      const seg = this.segments[0];
      const k = Math.min(n, seg.samples);
      if (seg.stream !== null && this.dropped.has(seg.stream)) this.totals.staleMs += (k * 1000) / this.streamRate;
      seg.samples -= k;
      n -= k;
      if (seg.samples === 0) this.segments.shift();
    }
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
    if (this.fifoSize >= need) return;
    this._offerPending();
    const want = Math.ceil(((need - this.fifoSize) * this.streamRate) / sampleRate) + 1;
    if (this.tmp.length !== want) {
      this.tmp = new Int16Array(want);
      this.ftmp = new Float32Array(want);
    }
    this.jb.read(this.tmp);
    this._consumed();
    for (let i = 0; i < want; i++) this.ftmp[i] = this.tmp[i] / 32768;
    this._fifoPush(this.resampler.process(this.ftmp));
  }

  process(inputs, outputs) {
    const out = outputs[0];
    const ch0 = out[0];
    const n = ch0.length;
    this._fill(n);
    let take = Math.min(n, this.fifoSize);
    if (take > 0 && take < n && !this.sounding && this.fadeLeft === 0 && this.drainLeft < 0) {
      // the onset of a sound with less than a render quantum ready (the resampler's first
      // output): a partial quantum would be a burst of sound and then silence, a click. Wait
      // one quantum for a whole one instead.
      take = 0;
      ch0.fill(0);
      for (let c = 1; c < out.length; c++) out[c].fill(0);
      this._stats(false);
      return true;
    }
    this.sounding = take === n;
    let interrupted = false;
    for (let i = 0; i < take; i++) {
      let v = this.fifo[this.fifoHead];
      if (++this.fifoHead === FIFO_SAMPLES) this.fifoHead = 0;
      if (this.fadeLeft > 0) {
        v *= this.fadeLeft / this.fadeTotal;
        if (--this.fadeLeft === 0) {
          ch0[i] = v;
          ch0.fill(0, i + 1);
          interrupted = true;
          break;
        }
      }
      ch0[i] = v;
    }
    if (interrupted) {
      this._flushAll();
      this.port.postMessage({ type: 'interrupted' });
    } else {
      this.fifoSize -= take;
      if (take < n) ch0.fill(0, take);
      this.outSamples += take;
      if (this.drainLeft >= 0) {
        this.drainLeft -= n;
        if (this.drainLeft < 0) {
          this.drainLeft = -1;
          this.port.postMessage({ type: 'drained', time: currentTime });
        }
      }
    }
    for (let c = 1; c < out.length; c++) out[c].set(ch0);
    this._stats(interrupted);
    return true;
  }

  _stats(force) {
    const nowMs = currentTime * 1000;
    if (!force && nowMs - this.lastStats < STATS_INTERVAL_MILLIS) return;
    this.lastStats = nowMs;
    const s = this.jb.stats();
    const pendingMs = (this.pendingSamples * 1000) / this.streamRate;
    this.port.postMessage({
      type: 'stats',
      state: s.state,
      playing: s.state === PLAYING,
      bufferedMs: s.bufferedMs + pendingMs,
      jitterBufferMs: s.bufferedMs,
      targetMs: s.targetMs,
      jitterMs: s.jitterMs,
      underruns: this.totals.underruns + s.underruns,
      underrunMs: this.totals.underrunSamplesMs + s.underrunMs,
      steadyUnderruns: this.totals.steadyUnderruns,
      overruns: this.totals.overruns + s.overruns,
      droppedMs: this.totals.droppedMs,
      playedMs: this.totals.playedMs + s.playedMs,
      stream: this.jbStream,
      streamPlayedMs: s.playedMs,
      staleMs: this.totals.staleMs,
      staleChunksDropped: this.totals.staleChunksDropped,
      staleMsDropped: this.totals.staleMsDropped,
      streamRate: this.streamRate,
      outputRate: sampleRate,
      time: currentTime,
    });
  }
}

registerProcessor('voicewire-player', PlayerProcessor);

