import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SttResume } from '../../../main/resources/voicewire-web/lib/stt-resume.js';

const RATE = 16000;
const chunkOf = (ms) => new Int16Array((ms * RATE) / 1000);

function sendAll(u) {
  let c;
  while ((c = u.nextToSend())) u.markSent(c);
}

test('commits are placed on the global timeline and trim the replay ring', () => {
  const u = new SttResume({ sampleRate: RATE });
  u.beginSession();
  for (let i = 0; i < 30; i++) u.push(chunkOf(100), true); // 3 s
  sendAll(u);
  const placed = u.acceptCommit([{ text: 'hello', start: 0.25, end: 1.02, type: 'word' }], 'hello');
  assert.deepEqual(placed, { startMs: 250, endMs: 1020 });
  // chunks ending at or before 1.02 s are gone: the first kept chunk starts at 1.0 s
  assert.equal(u.ring[0].globalStart, 1.0 * RATE);
  assert.equal(u.ringMs(), 2000);
});

test('after a seam the ring is replayed and a commit repeated across it is dropped by audio time', () => {
  const u = new SttResume({ sampleRate: RATE });
  u.beginSession();
  for (let i = 0; i < 40; i++) u.push(chunkOf(100), true); // 4 s
  sendAll(u);
  u.acceptCommit([{ text: 'one', start: 0.2, end: 1.55 }], 'one');
  // the connection drops; 0.5 s is captured during the gap
  for (let i = 0; i < 5; i++) u.push(chunkOf(100), false);
  u.beginSession();
  assert.equal(u.seams, 1);
  assert.equal(u.replayedMs, 2500); // 1.5 s .. 4.0 s
  sendAll(u);
  assert.equal(u.sessionBase, 1.5 * RATE);
  // the new session re-transcribes the tail of "one" (it ends at 1.55 s global = 0.05 s here)
  assert.equal(u.acceptCommit([{ text: 'one', start: 0.0, end: 0.05 }], 'one'), null);
  assert.equal(u.duplicatesDropped, 1);
  // new speech is delivered with its global time
  assert.deepEqual(u.acceptCommit([{ text: 'two', start: 0.5, end: 1.5 }], 'two'), { startMs: 2000, endMs: 3000 });
  // the gap audio got global times right after the replayed audio
  assert.equal(u.globalSent, 4.5 * RATE);
});

test('a real repeat of the same words later in the audio is not mistaken for a duplicate', () => {
  const u = new SttResume({ sampleRate: RATE });
  u.beginSession();
  for (let i = 0; i < 30; i++) u.push(chunkOf(100), true);
  sendAll(u);
  assert.ok(u.acceptCommit([{ text: 'yes', start: 0.1, end: 0.5 }], 'yes'));
  assert.ok(u.acceptCommit([{ text: 'yes', start: 1.1, end: 1.5 }], 'yes'));
});

test('commits without word times end at the audio sent so far; empty commits are not duplicates', () => {
  const u = new SttResume({ sampleRate: RATE });
  u.beginSession();
  u.push(chunkOf(500), true);
  sendAll(u);
  assert.deepEqual(u.acceptCommit(null, 'hi'), { startMs: 0, endMs: 500 });
  assert.deepEqual(u.acceptCommit([], ''), { startMs: 500, endMs: 500 });
  assert.equal(u.ringMs(), 0);
});

test('the lag policy drops the oldest waiting live audio, never the gap audio or sent audio', () => {
  const u = new SttResume({ sampleRate: RATE, maxLagMillis: 300 });
  u.beginSession();
  u.push(chunkOf(100), false); // captured while disconnected
  u.push(chunkOf(100), false);
  for (let i = 0; i < 6; i++) u.push(chunkOf(100), true); // live, congested socket
  assert.equal(u.waitingMs(), 600);
  assert.equal(u.enforceLag(), 300);
  assert.equal(u.droppedLagMs, 300);
  assert.equal(u.waitingMs(), 300);
  assert.equal(u.ringMs(), 500);
  assert.ok(u.ring[0].protected && u.ring[1].protected);
  sendAll(u);
  assert.equal(u.enforceLag(), 0);
});

test('the replay ring is bounded in seconds and drops the oldest', () => {
  const u = new SttResume({ sampleRate: RATE, maxReplaySeconds: 1 });
  for (let i = 0; i < 15; i++) u.push(chunkOf(100), false);
  assert.equal(u.ringMs(), 1000);
  assert.equal(u.droppedRingMs, 500);
  assert.throws(() => new SttResume({ maxReplaySeconds: 0 }), /maxReplaySeconds must be > 0: 0/);
});

test('a forced commit\'s answer keeps the words before its boundary; an exact trim starts the next session there', async () => {
  const { WORD_GUARD_MILLIS } = await import('../../../main/resources/voicewire-web/lib/stt-resume.js');
  const u = new SttResume({ sampleRate: 16000 });
  for (let i = 0; i < 30; i++) u.push(new Int16Array(1600).fill(i + 1), true); // 3 s
  u.beginSession();
  let c;
  while ((c = u.nextToSend())) u.markSent(c);
  const words = [{ text: 'alpha', start: 0.1, end: 0.9, type: 'word' }, { text: ' ', start: 0.9, end: 1.0, type: 'spacing' },
    { text: 'bravo', start: 1.0, end: 1.55, type: 'word' }, { text: ' ', start: 1.55, end: 1.6, type: 'spacing' },
    { text: 'cha', start: 1.6, end: 2.0, type: 'word' }];
  assert.equal(u.wordsBefore(words, 2500), null, 'the last word ends well before the boundary: nothing is cut');
  const cut = u.wordsBefore(words, 2000);
  assert.deepEqual(cut.text, 'alpha bravo');
  assert.ok(2000 - 1550 >= WORD_GUARD_MILLIS);
  assert.equal(u.wordsBefore([{ text: 'cha', start: 1.6, end: 2.0, type: 'word' }], 2000), null, 'nothing to keep: taken whole');
  const placed = u.acceptCommit(cut.words, cut.text, true);
  assert.equal(placed.endMs, 1550);
  u.beginSession();
  const first = u.nextToSend();
  assert.equal(first.globalStart, 1550 * 16, 'the replay starts exactly at the end of the last kept word');
  assert.equal(first.pcm[0], 16, 'inside chunk 15');
  assert.equal(first.pcm.length, 1600 - 50 * 16);
});

test('audio waiting behind a held replay is the gap: the lag policy never drops it', () => {
  const u = new SttResume({ sampleRate: 16000, maxLagMillis: 500 });
  u.beginSession();
  for (let i = 0; i < 20; i++) u.push(new Int16Array(1600).fill(1), true); // 2 s live, waiting
  u.protectWaiting(); // a forced commit holds the replay
  assert.equal(u.enforceLag(), 0);
  u.push(new Int16Array(1600).fill(1), false); // pushed while held: protected too
  assert.equal(u.enforceLag(), 0);
  u.push(new Int16Array(1600 * 8).fill(1), true); // live again after the hold: the policy applies
  assert.ok(u.enforceLag() > 0);
});
