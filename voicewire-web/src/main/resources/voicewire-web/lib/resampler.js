// Streaming sample-rate converter: band-limited (windowed-sinc, Kaiser window) interpolation
// at an arbitrary ratio, with the low-pass cutoff below the lower of the two Nyquist
// frequencies. Used by the microphone (device rate → 16 kHz: a proper anti-alias filter, not
// naive decimation) and by the player (stream rate → output rate: removes the images).
// Pure JS, no DOM: runs in AudioWorkletGlobalScope and in Node. Not thread safe (one owner).

/** Lobes of the sinc kept on each side of the centre. More = steeper filter, more CPU. */
export const ZERO_CROSSINGS = 24;
/** Kernel table resolution: samples of the kernel per input sample (linear interpolation between). */
export const TABLE_STEPS_PER_SAMPLE = 256;
/** Cutoff as a fraction of the lower Nyquist frequency (the transition band sits just below it). */
export const ROLLOFF = 0.9;
/** Kaiser window β: about −80 dB side lobes. */
export const KAISER_BETA = 8.6;

function besselI0(x) {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

/**
 * Converts a stream of float samples from `inRate` to `outRate`.
 *
 * The output is aligned with the input in time (output sample n is the input signal at
 * n·inRate/outRate input samples); it lags by the filter half-width (`latencySamples()` input
 * samples) until `flush()`. Same-rate conversion is a copy.
 *
 *     const r = new Resampler(48000, 16000);
 *     const out = r.process(float32Chunk); // any chunk size; returns what can be computed now
 */
export class Resampler {
  constructor(inRate, outRate) {
    if (!(inRate > 0) || !(outRate > 0) || !Number.isInteger(inRate) || !Number.isInteger(outRate)) {
      throw new RangeError('rates must be positive integers: ' + inRate + ' -> ' + outRate);
    }
    this.inRate = inRate;
    this.outRate = outRate;
    this.passthrough = inRate === outRate;
    // cutoff in cycles per input sample
    const fcut = 0.5 * Math.min(1, outRate / inRate) * ROLLOFF;
    this.halfWidth = Math.ceil(ZERO_CROSSINGS / (2 * fcut)); // in input samples
    const steps = TABLE_STEPS_PER_SAMPLE;
    const len = this.halfWidth * steps + 2;
    const table = new Float32Array(len);
    const i0b = besselI0(KAISER_BETA);
    for (let i = 0; i < len; i++) {
      const x = i / steps; // distance in input samples
      if (x > this.halfWidth) { table[i] = 0; continue; }
      const u = 2 * fcut * x;
      const sinc = u === 0 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u);
      const r = x / this.halfWidth;
      const w = besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - r * r))) / i0b;
      table[i] = 2 * fcut * sinc * w;
    }
    this.table = table;
    // history: halfWidth zeros of "past" so the first output aligns with input sample 0
    this.buf = new Float32Array(Math.max(4096, 4 * this.halfWidth));
    this.bufLen = this.halfWidth;
    // position of the next output sample, in input samples relative to buf[0], as a fraction
    // posNum / outRate (exact integer arithmetic, no drift)
    this.posInt = this.halfWidth;
    this.posNum = 0;
  }

  /** Input samples of delay before an output sample can be produced (the filter half-width). */
  latencySamples() {
    return this.passthrough ? 0 : this.halfWidth;
  }

  /** Resamples a chunk; returns the output samples that can be computed so far. */
  process(input) {
    if (this.passthrough) return Float32Array.from(input);
    this._append(input);
    return this._run(this.bufLen);
  }

  /** Emits the remaining output (pads the input with silence). Call once at the end of a stream. */
  flush() {
    if (this.passthrough) return new Float32Array(0);
    const pad = new Float32Array(this.halfWidth + 1);
    const endPos = this.bufLen; // outputs up to the last real input sample
    this._append(pad);
    return this._run(this.bufLen, endPos);
  }

  /** Forgets all state (e.g. after an interrupt). */
  reset() {
    this.bufLen = this.halfWidth;
    this.buf.fill(0, 0, this.bufLen);
    this.posInt = this.halfWidth;
    this.posNum = 0;
  }

  _append(input) {
    const need = this.bufLen + input.length;
    if (need > this.buf.length) {
      const bigger = new Float32Array(Math.max(need, this.buf.length * 2));
      bigger.set(this.buf.subarray(0, this.bufLen));
      this.buf = bigger;
    }
    this.buf.set(input, this.bufLen);
    this.bufLen += input.length;
  }

  _run(available, endLimit = Infinity) {
    const hw = this.halfWidth;
    const steps = TABLE_STEPS_PER_SAMPLE;
    const table = this.table;
    const buf = this.buf;
    const outRate = this.outRate;
    const inRate = this.inRate;
    // count outputs: need posInt + hw < available
    let count = 0;
    {
      let pi = this.posInt;
      let pn = this.posNum;
      while (pi + hw < available && pi < endLimit) {
        count++;
        pn += inRate;
        pi += Math.floor(pn / outRate);
        pn %= outRate;
      }
    }
    const out = new Float32Array(count);
    let pi = this.posInt;
    let pn = this.posNum;
    for (let n = 0; n < count; n++) {
      const frac = pn / outRate; // 0 <= frac < 1
      let acc = 0;
      // taps left of (and at) the position: x = frac + k, k = 0..hw-1  → sample pi - k
      // taps right: x = (1 - frac) + k → sample pi + 1 + k
      let t = frac * steps;
      for (let k = 0; k < hw; k++, t += steps) {
        const ti = t | 0;
        const f = t - ti;
        acc += buf[pi - k] * (table[ti] + (table[ti + 1] - table[ti]) * f);
      }
      t = (1 - frac) * steps;
      for (let k = 0; k < hw; k++, t += steps) {
        const ti = t | 0;
        const f = t - ti;
        acc += buf[pi + 1 + k] * (table[ti] + (table[ti + 1] - table[ti]) * f);
      }
      out[n] = acc;
      pn += inRate;
      pi += Math.floor(pn / outRate);
      pn %= outRate;
    }
    // drop history no longer needed (keep hw samples before the position)
    const keepFrom = pi - hw;
    if (keepFrom > 0) {
      buf.copyWithin(0, keepFrom, this.bufLen);
      this.bufLen -= keepFrom;
      pi -= keepFrom;
    }
    this.posInt = pi;
    this.posNum = pn;
    return out;
  }
}
