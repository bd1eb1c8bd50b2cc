// PROVISIONAL: replaced by the shared algorithm of test-vectors/jitter/README.md once it lands.
// Playback jitter buffer: pre-roll to a target delay, adaptive target, underrun/overrun counters.
// Pure JS (no DOM): used by player-worklet.js and by the Node tests. Not thread safe.

export const DEFAULT_TARGET_MILLIS = 80;
export const MIN_TARGET_MILLIS = 40;
export const MAX_TARGET_MILLIS = 400;
export const CAPACITY_MILLIS = 120000;
export const UNDERRUN_STEP_MILLIS = 40;

export class JitterBuffer {
  constructor({ sampleRate, targetMillis = DEFAULT_TARGET_MILLIS, minTargetMillis = MIN_TARGET_MILLIS,
    maxTargetMillis = MAX_TARGET_MILLIS, capacityMillis = CAPACITY_MILLIS } = {}) {
    if (!(sampleRate > 0)) throw new RangeError('sampleRate must be > 0: ' + sampleRate);
    this.sampleRate = sampleRate;
    this.minTarget = minTargetMillis;
    this.maxTarget = maxTargetMillis;
    this.targetMillis = targetMillis;
    this.capacity = Math.round((capacityMillis * sampleRate) / 1000);
    this.buf = new Float32Array(Math.min(this.capacity, sampleRate * 4));
    this.head = 0;
    this.size = 0;
    this.state = 'prerolling';
    this.ended = false;
    this.underruns = 0;
    this.overruns = 0;
    this.overrunSamples = 0;
    this.played = 0;
  }

  bufferedMillis() { return (this.size * 1000) / this.sampleRate; }

  offer(samples) {
    let src = samples;
    if (src.length > this.capacity) {
      this.overruns++;
      this.overrunSamples += src.length - this.capacity;
      src = src.subarray(src.length - this.capacity);
    }
    if (this.size + src.length > this.capacity) {
      const drop = this.size + src.length - this.capacity;
      this.head = (this.head + drop) % this.buf.length;
      this.size -= drop;
      this.overruns++;
      this.overrunSamples += drop;
    }
    if (this.size + src.length > this.buf.length) this._grow(this.size + src.length);
    const len = this.buf.length;
    let tail = (this.head + this.size) % len;
    for (let i = 0; i < src.length; i++) {
      this.buf[tail] = src[i];
      tail++;
      if (tail === len) tail = 0;
    }
    this.size += src.length;
    if (this.ended) this.ended = false;
  }

  _grow(min) {
    const n = Math.min(this.capacity, Math.max(min, this.buf.length * 2));
    const b = new Float32Array(n);
    for (let i = 0; i < this.size; i++) b[i] = this.buf[(this.head + i) % this.buf.length];
    this.buf = b;
    this.head = 0;
  }

  end() { this.ended = true; }

  flush() { this.head = 0; this.size = 0; this.state = 'prerolling'; this.ended = false; }

  poll(out, n = out.length) {
    if (this.state === 'prerolling') {
      const target = Math.round((this.targetMillis * this.sampleRate) / 1000);
      if (this.size >= target || (this.ended && this.size > 0)) this.state = 'playing';
      else { out.fill(0, 0, n); return 0; }
    }
    const take = Math.min(n, this.size);
    const len = this.buf.length;
    for (let i = 0; i < take; i++) {
      out[i] = this.buf[this.head];
      this.head++;
      if (this.head === len) this.head = 0;
    }
    this.size -= take;
    this.played += take;
    if (take < n) {
      out.fill(0, take, n);
      if (!this.ended) {
        this.underruns++;
        this.targetMillis = Math.min(this.maxTarget, this.targetMillis + UNDERRUN_STEP_MILLIS);
      }
      this.state = 'prerolling';
    }
    return take;
  }

  stats() {
    return { state: this.state, bufferedMs: this.bufferedMillis(), targetMs: this.targetMillis,
      underruns: this.underruns, overruns: this.overruns, playedMs: (this.played * 1000) / this.sampleRate };
  }
}
