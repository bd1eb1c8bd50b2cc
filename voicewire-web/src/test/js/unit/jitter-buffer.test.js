import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { JitterBuffer } from '../../../main/resources/voicewire-web/lib/jitter-buffer.js';
import { runVector, crc32 } from '../jitter-driver.js';

const VECTORS = fileURLToPath(new URL('../../../../../test-vectors/jitter/', import.meta.url));

const files = existsSync(VECTORS) ? readdirSync(VECTORS).filter((f) => f.endsWith('.json')).sort() : [];

test('the shared jitter vectors exist', () => {
  assert.ok(files.length > 0, 'no vectors in ' + VECTORS + ' (merge the core-audio branch)');
});

for (const file of files) {
  test('vector ' + file, () => {
    const v = JSON.parse(readFileSync(VECTORS + file, 'utf8'));
    const got = runVector(v);
    assert.deepEqual(got.events, v.expect.events, 'events of ' + v.name);
    const final = {};
    for (const k of Object.keys(v.expect.final)) final[k] = got.final[k];
    assert.deepEqual(final, v.expect.final, 'final counters of ' + v.name);
  });
}

test('crc32 matches zlib', () => {
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff);
  assert.equal(crc32(bytes), zlibCrc32 ? zlibCrc32(bytes) : 0x0);
  assert.equal(crc32(bytes.subarray(500), crc32(bytes.subarray(0, 500))), crc32(bytes));
});

test('pre-roll to the target, then play; an underrun re-buffers; the end plays out', () => {
  const jb = new JitterBuffer({ sampleRate: 1000 }); // 1 sample per ms
  const out = new Int16Array(10);
  assert.equal(jb.target, 60);
  jb.offer(new Int16Array(50).fill(1), 0);
  assert.equal(jb.read(out), 0); // 50 ms < 60 ms target
  assert.equal(jb.state, 'BUFFERING');
  jb.offer(new Int16Array(10).fill(2), 50);
  assert.equal(jb.read(out), 10);
  assert.equal(jb.state, 'PLAYING');
  for (let i = 0; i < 5; i++) jb.read(out);
  assert.equal(jb.read(out), 0);
  assert.equal(jb.underruns, 1);
  assert.equal(jb.state, 'BUFFERING');
  jb.offer(new Int16Array(5).fill(3), 200);
  jb.end();
  assert.equal(jb.read(out), 5);
  assert.equal(jb.state, 'ENDED');
  assert.equal(jb.offer(new Int16Array(1), 300), false);
  assert.equal(jb.underruns, 1);
});

test('late arrivals raise the target by the transit rise; backpressure refuses when full', () => {
  const jb = new JitterBuffer({ sampleRate: 1000, maxBufferedMs: 100 });
  jb.offer(new Int16Array(20), 0);
  jb.offer(new Int16Array(20), 20 + 150); // 150 ms late
  assert.equal(jb.jitter, 150);
  assert.equal(jb.target, 170);
  assert.equal(jb.offer(new Int16Array(70), 200), false);
  assert.equal(jb.overruns, 1);
  assert.throws(() => jb.offer(new Int16Array(101), 0), /exceeds the capacity of 100/);
});
