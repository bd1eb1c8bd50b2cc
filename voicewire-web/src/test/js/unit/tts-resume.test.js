import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TtsResume, wordStart, readAlignment } from '../../../main/resources/voicewire-web/lib/tts-resume.js';

const RATE = 16000;
const MS_PER_CHAR = 50;

/** A chunk voicing `text`: 50 ms per character, chunk-relative times, samples numbered. */
function chunk(text, firstSample = 0) {
  const chars = [...text];
  const pcm = new Int16Array((chars.length * MS_PER_CHAR * RATE) / 1000);
  for (let i = 0; i < pcm.length; i++) pcm[i] = (firstSample + i) % 30000;
  return {
    pcm,
    alignment: { chars, starts: chars.map((_, i) => i * MS_PER_CHAR), durs: chars.map(() => MS_PER_CHAR) },
  };
}

function deliver(r, c) {
  return r.onAudio(c.pcm, RATE, c.alignment);
}

test('wordStart finds the start of the word containing an index', () => {
  assert.equal(wordStart('Hello wonderful world', 9), 6);
  assert.equal(wordStart('Hello wonderful world', 6), 6);
  assert.equal(wordStart('Hello', 0), 0);
  assert.equal(wordStart('Hello', 5), 0);
});

test('without a drop every chunk is delivered whole and the cursor reaches the end', () => {
  const r = new TtsResume();
  r.append('Hello world. ');
  r.end();
  const plan = r.resume();
  assert.deepEqual(plan, { text: 'Hello world. ', flush: false, end: true, seamAt: 0, resendFrom: 0 });
  const a = deliver(r, chunk('Hello '));
  const b = deliver(r, chunk('world. '));
  assert.equal(a.cutSamples + b.cutSamples, 0);
  assert.equal(r.deliveredChars, 'Hello world. ');
  assert.ok(r.allVoiced());
  assert.equal(r.seams, 0);
});

test('a drop inside a word re-sends from the word start and cuts at the cursor character', () => {
  const r = new TtsResume();
  r.append('Hello wonderful world. ');
  r.resume();
  deliver(r, chunk('Hello won'));
  assert.equal(r.cursor, 9);
  const plan = r.resume();
  assert.equal(plan.text, 'wonderful world. ');
  assert.equal(plan.resendFrom, 6);
  assert.equal(r.seams, 1);
  const c = chunk('wonderful world. ', 1000);
  const out = deliver(r, c);
  // 'won' = 3 characters × 50 ms = 150 ms = 2400 samples cut, exactly at the 'd'
  assert.equal(out.cutSamples, 2400);
  assert.equal(out.pcm.length, c.pcm.length - 2400);
  assert.equal(out.pcm[0], c.pcm[2400]);
  assert.deepEqual(out.chars.join(''), 'derful world. ');
  assert.equal(out.starts[0], 0);
  assert.equal(out.starts[1], 50);
  assert.equal(r.deliveredChars, 'Hello wonderful world. ');
});

test('chunks that only repeat voiced text are dropped whole, the cut lands in a later chunk', () => {
  const r = new TtsResume();
  r.append('Streaming speech resumes exactly. ');
  r.resume();
  deliver(r, chunk('Streaming spee'));
  r.resume();
  assert.equal(deliver(r, chunk('spe')), null);
  const out = deliver(r, chunk('ech resumes '));
  assert.equal(out.cutSamples, 800); // the second 'e' of 'spee' was voiced before the drop
  assert.equal(deliver(r, chunk('exactly. ')).cutSamples, 0);
  assert.equal(r.deliveredChars, 'Streaming speech resumes exactly. ');
  assert.equal(r.cutSamplesTotal, (4 * MS_PER_CHAR * RATE) / 1000);
});

test('a cursor on a space resumes at the next word with nothing to cut', () => {
  const r = new TtsResume();
  r.append('One two three. ');
  r.resume();
  deliver(r, chunk('One two '));
  const plan = r.resume();
  assert.equal(plan.text, 'three. ');
  assert.equal(deliver(r, chunk('three. ')).cutSamples, 0);
  assert.equal(r.deliveredChars, 'One two three. ');
});

test('text given after the drop is part of the re-send; flush and end carry over', () => {
  const r = new TtsResume();
  r.append('First part, ');
  r.flush();
  r.resume();
  deliver(r, chunk('First pa'));
  r.append('second part. ');
  r.end();
  const plan = r.resume();
  assert.equal(plan.text, 'part, second part. ');
  assert.equal(plan.end, true);
  assert.equal(plan.flush, false); // end implies the flush
  const r2 = new TtsResume();
  r2.append('alpha beta ');
  r2.flush();
  r2.append('gamma ');
  r2.resume();
  deliver(r2, chunk('alpha b'));
  assert.equal(r2.resume().flush, true);
});

test('alignment whitespace may differ from the input (collapsed or missing spaces)', () => {
  const r = new TtsResume();
  r.append('Hi  there,  friend. ');
  r.resume();
  deliver(r, { pcm: new Int16Array(160), alignment: { chars: [...'Hi there,'], starts: [...'Hi there,'].map((_, i) => i), durs: [] } });
  assert.equal(r.cursor, 10); // 'Hi  there,' in the input
  r.resume();
  const out = deliver(r, { pcm: new Int16Array(1600), alignment: { chars: [...'friend.'], starts: [...'friend.'].map((_, i) => i * 10), durs: [] } });
  assert.equal(out.cutSamples, 0);
  assert.equal(r.cursor, 19);
});

test('audio without alignment makes a later resume impossible; an empty alignment does not', () => {
  const r = new TtsResume();
  r.append('abc ');
  r.resume();
  r.onAudio(new Int16Array(10), RATE, { chars: [], starts: [], durs: [] });
  assert.ok(r.canResume());
  r.onAudio(new Int16Array(10), RATE, null);
  assert.ok(!r.canResume());
});

test('readAlignment accepts both duration spellings and falls back to normalizedAlignment', () => {
  assert.deepEqual(readAlignment({ alignment: { chars: ['a'], charStartTimesMs: [0], charsDurationsMs: [5] } }),
    { chars: ['a'], starts: [0], durs: [5] });
  assert.deepEqual(readAlignment({ alignment: null, normalizedAlignment: { chars: ['b'], charStartTimesMs: [1], charDurationsMs: [2] } }),
    { chars: ['b'], starts: [1], durs: [2] });
  assert.equal(readAlignment({ audio: 'x' }), null);
});

test('a drop right after a word, before its space: the space is delivered at the seam, not lost', () => {
  const r = new TtsResume();
  r.append('This sentence is streamed a few characters at a time. ');
  r.end();
  r.resume();
  deliver(r, chunk('This sentence is'));           // the chunk ends before the space
  const plan = r.resume();                          // the connection dropped here
  assert.equal(plan.text, 'streamed a few characters at a time. ');
  deliver(r, chunk('streamed a few characters at a time. '));
  assert.equal(r.deliveredChars, 'This sentence is streamed a few characters at a time. ');
  assert.ok(r.allVoiced());
});
