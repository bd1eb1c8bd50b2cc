// The playout jitter buffer: the algorithm of test-vectors/jitter/README.md, exactly (the same
// as io.voicewire.audio.buffer.SpscJitterBuffer in Java, checked by the same vectors). Pre-roll
// to a target delay, a target that follows the measured jitter (largest rise of transit time
// over a window of arrivals) plus a safety margin, underrun/overrun counters, end of stream.
//
// Pure JS on integers, no DOM: used by player-worklet.js and by the Node tests. Works on
// samples in a typed array: Int16Array for PCM16 (silence 0), Uint8Array for μ-law (0xFF) or
// A-law (0xD5). Not thread safe (one owner: the audio thread).
//
//     const jb = new JitterBuffer({sampleRate: 16000});
//     if (!jb.offer(int16, arrivalMs)) retryLater();   // BACKPRESSURE: refused when full
//     jb.read(out);                                       // always fills `out` (silence if short)

/** Most arrivals the jitter window holds. */
export const WINDOW_ARRIVALS = 128;
/** Oldest arrival the jitter window holds, relative to the newest, ms. */
export const WINDOW_MS = 3000;
export const DEFAULT_MIN_DELAY_MS = 60;
export const DEFAULT_MAX_DELAY_MS = 400;
export const DEFAULT_SAFETY_MS = 20;
/** Bound on buffered audio. Overflow: refuse the offer (BACKPRESSURE) or drop the oldest. */
export const MAX_BUFFERED_MILLIS = 3000;

export const BUFFERING = 'BUFFERING';
export const PLAYING = 'PLAYING';
export const ENDED = 'ENDED';

/** Sample rate, bytes per sample, silence value and array type of a protocol format name. */
export function formatInfo(name) {
  const m = /^(pcm|ulaw|alaw)_(\d+)$/.exec(String(name));
  if (!m) throw new RangeError('unsupported format: ' + name);
  const rate = Number(m[2]);
  if (m[1] === 'pcm') return { sampleRate: rate, bytesPerSample: 2, silence: 0, ArrayType: Int16Array };
  return { sampleRate: rate, bytesPerSample: 1, silence: m[1] === 'ulaw' ? 0xff : 0xd5, ArrayType: Uint8Array };
}

export class JitterBuffer {
  constructor({
    sampleRate,
    minDelayMs = DEFAULT_MIN_DELAY_MS,
    maxDelayMs = DEFAULT_MAX_DELAY_MS,
    safetyMs = DEFAULT_SAFETY_MS,
    maxBufferedMs = MAX_BUFFERED_MILLIS,
    overflow = 'BACKPRESSURE',
    silence = 0,
    ArrayType = Int16Array,
  } = {}) {
    if (!(Number.isInteger(sampleRate) && sampleRate > 0)) throw new RangeError('sampleRate must be a positive integer: ' + sampleRate);
    if (!(minDelayMs >= 0 && maxDelayMs >= minDelayMs)) throw new RangeError('need 0 <= minDelayMs <= maxDelayMs: ' + minDelayMs + ', ' + maxDelayMs);
    if (!(safetyMs >= 0)) throw new RangeError('safetyMs must be >= 0: ' + safetyMs);
    if (!(maxBufferedMs > 0)) throw new RangeError('maxBufferedMs must be > 0: ' + maxBufferedMs);
    if (overflow !== 'BACKPRESSURE' && overflow !== 'DROP_OLDEST') throw new RangeError('overflow must be BACKPRESSURE or DROP_OLDEST: ' + overflow);
    this.sampleRate = sampleRate;
    this.minDelayMs = minDelayMs;
    this.maxDelayMs = maxDelayMs;
    this.safetyMs = safetyMs;
    this.overflow = overflow;
    this.silence = silence;
    this.capacity = Math.floor((maxBufferedMs * sampleRate) / 1000);
    this.ring = new ArrayType(this.capacity);
    this.head = 0;
    this.buffered = 0;
    this.state = BUFFERING;
    this.started = false;
    this.ended = false;
    this.media = 0;
    this.winArrival = new Float64Array(WINDOW_ARRIVALS);
    this.winTransit = new Float64Array(WINDOW_ARRIVALS);
    this.winStart = 0;
    this.winSize = 0;
    this.jitter = 0;
    this.target = this._clamp(0 + safetyMs);
    /** For observers (tests, telemetry): called as onState(from, to, wasStarted) on every change. */
    this.onState = null;
    this.underruns = 0;
    this.overruns = 0;
    this.dropped = 0;
    this.underrunSamples = 0;
    this.played = 0;
  }

  _clamp(x) {
    return Math.max(this.minDelayMs, Math.min(this.maxDelayMs, x));
  }

  /** Milliseconds of `s` samples (integer, rounded down). */
  ms(s) {
    return Math.floor((s * 1000) / this.sampleRate);
  }

  /**
   * Offers a chunk of samples that arrived at `arrivalMs`. Returns false when refused: after
   * end(), or when full under BACKPRESSURE (retry the same chunk later). A chunk larger than the
   * capacity is a programming error.
   */
  offer(samples, arrivalMs) {
    const n = samples.length;
    if (n > this.capacity) throw new RangeError('chunk of ' + n + ' samples exceeds the capacity of ' + this.capacity);
    if (this.ended) return false;
    if (n === 0) return true;
    if (this.buffered + n > this.capacity) {
      this.overruns++;
      if (this.overflow === 'BACKPRESSURE') return false;
      const d = this.buffered + n - this.capacity;
      this.head = (this.head + d) % this.capacity;
      this.buffered -= d;
      this.dropped += d;
    }
    let tail = (this.head + this.buffered) % this.capacity;
    const first = Math.min(n, this.capacity - tail);
    this.ring.set(first === n ? samples : samples.subarray(0, first), tail);
    if (first < n) this.ring.set(samples.subarray(first), 0);
    this.buffered += n;
    this._measure(arrivalMs, n);
    return true;
  }

  _measure(arrival, n) {
    const transit = arrival - Math.floor((this.media * 1000) / this.sampleRate);
    this.media += n;
    const W = WINDOW_ARRIVALS;
    if (this.winSize > 0) {
      const newest = (this.winStart + this.winSize - 1) % W;
      if (transit - this.winTransit[newest] > this.maxDelayMs) this.winSize = 0; // a pause, not jitter
    }
    if (this.winSize === W) {
      this.winStart = (this.winStart + 1) % W;
      this.winSize--;
    }
    const at = (this.winStart + this.winSize) % W;
    this.winArrival[at] = arrival;
    this.winTransit[at] = transit;
    this.winSize++;
    while (this.winSize > 0 && this.winArrival[this.winStart] < arrival - WINDOW_MS) {
      this.winStart = (this.winStart + 1) % W;
      this.winSize--;
    }
    let min = Infinity;
    let jitter = 0;
    for (let i = 0; i < this.winSize; i++) {
      const t = this.winTransit[(this.winStart + i) % W];
      if (t < min) min = t;
      if (t - min > jitter) jitter = t - min;
    }
    this.jitter = jitter;
    this.target = this._clamp(jitter + this.safetyMs);
  }

  /** Ends the stream: what is buffered plays out, then the state is ENDED. False if already ended. */
  end() {
    if (this.ended) return false;
    this.ended = true;
    return true;
  }

  _to(state) {
    const from = this.state;
    const wasStarted = this.started;
    if (state === PLAYING) this.started = true;
    this.state = state;
    if (this.onState) this.onState(from, state, wasStarted);
  }

  /**
   * Fills `out` completely: buffered samples, then silence. Returns the number of real samples.
   */
  read(out) {
    const n = out.length;
    if (this.state === ENDED) {
      out.fill(this.silence);
      return 0;
    }
    if (this.state === BUFFERING) {
      if (this.ms(this.buffered) >= this.target || (this.ended && this.buffered > 0)) {
        this._to(PLAYING);
      } else {
        out.fill(this.silence);
        if (this.ended) this._to(ENDED);
        else if (this.started) this.underrunSamples += n;
        return 0;
      }
    }
    const k = Math.min(n, this.buffered);
    const first = Math.min(k, this.capacity - this.head);
    out.set(this.ring.subarray(this.head, this.head + first), 0);
    if (first < k) out.set(this.ring.subarray(0, k - first), first);
    this.head = (this.head + k) % this.capacity;
    this.buffered -= k;
    this.played += k;
    if (k < n) {
      out.fill(this.silence, k);
      if (this.ended) {
        this._to(ENDED);
      } else {
        this.underruns++;
        this.underrunSamples += n - k;
        this._to(BUFFERING);
      }
    } else if (this.ended && this.buffered === 0) {
      this._to(ENDED);
    }
    return k;
  }

  /** Counters and gauges, durations in ms (README §5). */
  stats() {
    return {
      state: this.state,
      underruns: this.underruns,
      overruns: this.overruns,
      droppedMs: this.ms(this.dropped),
      underrunMs: this.ms(this.underrunSamples),
      playedMs: this.ms(this.played),
      bufferedMs: this.ms(this.buffered),
      targetMs: this.target,
      jitterMs: this.jitter,
    };
  }
}
