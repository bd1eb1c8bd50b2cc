import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToBase64, base64ToBytes, int16ToBase64, base64ToInt16, floatToInt16, int16ToFloat,
  ulawToInt16, parseFormat, rmsDbfs } from '../../../main/resources/voicewire-web/lib/pcm.js';

test('base64 round-trips every length against Node Buffer', () => {
  for (let n = 0; n < 50; n++) {
    const bytes = new Uint8Array(n).map((_, i) => (i * 37 + n) & 0xff);
    const b64 = bytesToBase64(bytes);
    assert.equal(b64, Buffer.from(bytes).toString('base64'));
    assert.deepEqual(base64ToBytes(b64), bytes);
  }
});

test('base64 decoding tolerates url-safe alphabet, missing padding and whitespace', () => {
  const bytes = Uint8Array.from([251, 255, 191, 0, 1]);
  const url = Buffer.from(bytes).toString('base64url');
  assert.deepEqual(base64ToBytes(url), bytes);
  assert.deepEqual(base64ToBytes(' +/+/\nAAE='), Uint8Array.from([251, 255, 191, 0, 1]));
  assert.throws(() => base64ToBytes('ab*c'), /invalid base64 character at 2/);
});

test('PCM16 is little-endian and signed', () => {
  const s = Int16Array.from([0, 1, -1, 32767, -32768, 256]);
  const b64 = int16ToBase64(s);
  assert.deepEqual(Buffer.from(b64, 'base64'), Buffer.from([0, 0, 1, 0, 255, 255, 255, 127, 0, 128, 0, 1]));
  assert.deepEqual(base64ToInt16(b64), s);
});

test('float to int16 rounds and clamps instead of wrapping', () => {
  assert.deepEqual(floatToInt16(Float32Array.from([0, 0.5, -0.5, 1, -1, 1.7, -3])),
    Int16Array.from([0, 16384, -16384, 32767, -32768, 32767, -32768]));
  const back = int16ToFloat(Int16Array.from([16384, -32768]));
  assert.equal(back[0], 0.5);
  assert.equal(back[1], -1);
});

test('mu-law decodes the G.711 reference points', () => {
  // 0xFF and 0x7F are the two zeros; 0x80 is the largest positive, 0x00 the largest negative
  assert.deepEqual(ulawToInt16(Uint8Array.from([0xff, 0x7f, 0x80, 0x00])), Int16Array.from([0, 0, 32124, -32124]));
});

test('formats: pcm and ulaw are decodable, the rest are not', () => {
  assert.deepEqual(parseFormat('pcm_24000'), { codec: 'pcm', sampleRate: 24000 });
  assert.deepEqual(parseFormat('ulaw_8000'), { codec: 'ulaw', sampleRate: 8000 });
  assert.equal(parseFormat('mp3_44100_128'), null);
});

test('rms level in dBFS', () => {
  assert.equal(rmsDbfs(new Int16Array(10)), -Infinity);
  const full = new Int16Array(1000).fill(16384);
  assert.ok(Math.abs(rmsDbfs(full) - -6.02) < 0.01);
});
