import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resampler } from '../../../main/resources/voicewire-web/lib/resampler.js';

function sine(freq, rate, seconds, amp = 0.5) {
  const n = Math.round(rate * seconds);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate);
  return out;
}

/** Amplitude of `freq` in `x` (Goertzel-like projection on sin/cos over the whole signal). */
function amplitudeAt(x, freq, rate) {
  let s = 0;
  let c = 0;
  for (let i = 0; i < x.length; i++) {
    const p = (2 * Math.PI * freq * i) / rate;
    s += x[i] * Math.sin(p);
    c += x[i] * Math.cos(p);
  }
  return (2 * Math.sqrt(s * s + c * c)) / x.length;
}

function runChunked(r, x, chunk) {
  const parts = [];
  for (let i = 0; i < x.length; i += chunk) parts.push(r.process(x.subarray(i, i + chunk)));
  parts.push(r.flush());
  const total = parts.reduce((a, p) => a + p.length, 0);
  const out = new Float32Array(total);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

const db = (a, b) => 20 * Math.log10(a / b);

for (const [inRate, outRate] of [[48000, 16000], [44100, 16000], [16000, 48000], [22050, 44100], [24000, 48000], [16000, 44100]]) {
  test(`${inRate} -> ${outRate}: passband kept, length and timing exact`, () => {
    const x = sine(1000, inRate, 1.0);
    const y = runChunked(new Resampler(inRate, outRate), x, 128 + (inRate % 7));
    assert.ok(Math.abs(y.length - outRate) <= 1, 'length ' + y.length);
    // steady-state middle part: a 1 kHz sine at the output rate with the same amplitude and phase
    const mid = y.subarray(outRate * 0.25, outRate * 0.75);
    const ref = sine(1000, outRate, 1.0).subarray(outRate * 0.25, outRate * 0.75);
    let err = 0;
    for (let i = 0; i < mid.length; i++) err = Math.max(err, Math.abs(mid[i] - ref[i]));
    assert.ok(err < 0.01, 'max deviation from the ideal sine ' + err);
  });
}

test('48k -> 16k removes what would alias (10 kHz and 15 kHz) by > 60 dB, unlike naive decimation', () => {
  for (const f of [10000, 15000]) {
    const x = sine(f, 48000, 0.5);
    const y = runChunked(new Resampler(48000, 16000), x, 480);
    const alias = 16000 - f; // where naive decimation folds it: 6 kHz, 1 kHz
    const mid = y.subarray(1000, y.length - 1000);
    const a = amplitudeAt(mid, alias, 16000);
    assert.ok(db(a, 0.5) < -60, `${f} Hz leaks at ${db(a, 0.5).toFixed(1)} dB`);
    const naive = new Float32Array(Math.floor(x.length / 3)).map((_, i) => x[i * 3]);
    assert.ok(db(amplitudeAt(naive.subarray(1000, naive.length - 1000), alias, 16000), 0.5) > -3);
  }
});

test('44.1k -> 16k: 6 kHz passes (within 0.5 dB), 9 kHz is removed', () => {
  const pass = runChunked(new Resampler(44100, 16000), sine(6000, 44100, 0.5), 441);
  assert.ok(Math.abs(db(amplitudeAt(pass.subarray(800, pass.length - 800), 6000, 16000), 0.5)) < 0.5);
  const stop = runChunked(new Resampler(44100, 16000), sine(9000, 44100, 0.5), 441);
  // 9 kHz folds to 7 kHz at 16 kHz
  assert.ok(db(amplitudeAt(stop.subarray(800, stop.length - 800), 7000, 16000), 0.5) < -50);
});

test('16k -> 48k: no images above the source Nyquist', () => {
  const y = runChunked(new Resampler(16000, 48000), sine(3000, 16000, 0.5), 160);
  const mid = y.subarray(3000, y.length - 3000);
  for (const image of [13000, 19000]) {
    assert.ok(db(amplitudeAt(mid, image, 48000), 0.5) < -60, 'image at ' + image);
  }
});

test('same rate is a copy; bad rates are rejected with the values', () => {
  const r = new Resampler(16000, 16000);
  assert.deepEqual(r.process(Float32Array.from([0.1, 0.2])), Float32Array.from([0.1, 0.2]));
  assert.throws(() => new Resampler(0, 16000), /rates must be positive integers: 0 -> 16000/);
});

test('chunk size does not change the output', () => {
  const x = sine(440, 48000, 0.2);
  const a = runChunked(new Resampler(48000, 16000), x, 128);
  const b = runChunked(new Resampler(48000, 16000), x, 4096);
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-6);
});
