// WAV (PCM16 mono) writing and tone synthesis for the browser tests.
import { writeFileSync } from 'node:fs';

export function wavBytes(int16, sampleRate) {
  const data = Buffer.alloc(int16.length * 2);
  for (let i = 0; i < int16.length; i++) data.writeInt16LE(int16[i], i * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(36 + data.length, 4); h.write('WAVE', 8);
  h.write('fmt ', 12); h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22);
  h.writeUInt32LE(sampleRate, 24); h.writeUInt32LE(sampleRate * 2, 28); h.writeUInt16LE(2, 32); h.writeUInt16LE(16, 34);
  h.write('data', 36); h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

export function writeWav(path, int16, sampleRate) {
  writeFileSync(path, wavBytes(int16, sampleRate));
}

/** Sum of sines `[{freq, amp}]`, `seconds` long, with `pad` seconds of silence before and after. */
export function tones(parts, sampleRate, seconds, pad = 0) {
  const n = Math.round(sampleRate * seconds);
  const p = Math.round(sampleRate * pad);
  const out = new Int16Array(n + 2 * p);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (const { freq, amp } of parts) v += amp * Math.sin((2 * Math.PI * freq * i) / sampleRate);
    out[p + i] = Math.round(v * 32767);
  }
  return out;
}
