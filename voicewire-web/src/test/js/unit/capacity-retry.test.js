// Capacity refusals (errors.json retry class `later`: resource_exhausted, rate_limited, close
// 1013, HTTP 429) are retried on their own slow schedule (1 s doubling to 30 s, with jitter),
// are not counted against backoff.maxAttempts, and give up after capacityGiveUpAfterMillis of
// refusals in a row. A real WebSocket peer refuses, then admits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TtsSocket } from '../../../main/resources/voicewire-web/lib/tts-socket.js';
import { capacityDelay, CAPACITY_MAX_MILLIS } from '../../../main/resources/voicewire-web/lib/backoff.js';
import { int16ToBase64 } from '../../../main/resources/voicewire-web/lib/pcm.js';
import { startPeer, waitFor } from './peer.js';

const oneAttempt = { initialMillis: 10, maxMillis: 40, maxAttempts: 1 };

function refuse(conn) {
  conn.send({ message: 'Too many concurrent sessions for this API key (maxSessionsPerKey)',
    error: 'resource_exhausted', code: 1013 });
  conn.ws.close(1013, 'try again later');
}

test('capacityDelay: 1 s doubling to 30 s, half of it random', () => {
  assert.equal(capacityDelay(1, () => 0), 500);
  assert.equal(capacityDelay(1, () => 0.999999), 1000);
  assert.equal(capacityDelay(2, () => 0), 1000);
  assert.equal(capacityDelay(6, () => 1), CAPACITY_MAX_MILLIS);
  assert.equal(capacityDelay(1000, () => 0), CAPACITY_MAX_MILLIS / 2);
  assert.throws(() => capacityDelay(0));
});

test('a refused session retries later, not as a failed attempt, and completes once admitted', async () => {
  const peer = await startPeer(async (conn, index) => {
    if (index < 2) {
      refuse(conn);
      return;
    }
    await conn.next((m) => m.text === '');
    const pcm = new Int16Array(800).fill(7);
    conn.send({ audio: int16ToBase64(pcm), isFinal: null, alignment: null, normalizedAlignment: null });
    conn.send({ isFinal: true });
    conn.ws.close(1000);
  });
  const tts = new TtsSocket({ baseUrl: peer.base, voiceId: 'v1', outputFormat: 'pcm_16000',
    backoff: oneAttempt, random: () => 0 });
  const statuses = [];
  tts.on('status', (d) => statuses.push(d));
  tts.send('Admitted at last. ');
  tts.end();
  tts.connect();
  const end = await waitFor(tts, 'status', (s) => s.state === 'closed' || s.state === 'failed', 10000);
  await peer.close();
  assert.equal(end.state, 'closed', JSON.stringify(end));
  assert.equal(peer.connections.length, 3);
  const waits = statuses.filter((s) => s.state === 'reconnecting' && s.phase === 'waiting');
  assert.deepEqual(waits.map((s) => [s.capacity, s.refusal, s.delayMs, s.error]),
    [[true, 1, 500, 'resource_exhausted'], [true, 2, 1000, 'resource_exhausted']]);
  assert.match(waits[0].message, /maxSessionsPerKey/);
  assert.ok(waits.every((s) => s.attempt === 0), 'not counted as attempts: ' + JSON.stringify(waits));
});

test('a close 1013 without an error message is a capacity refusal too', async () => {
  const peer = await startPeer((conn, index) => {
    if (index === 0) conn.ws.close(1013, 'overloaded');
    else conn.ws.close(1008, 'stop here');
  });
  const tts = new TtsSocket({ baseUrl: peer.base, voiceId: 'v1', backoff: oneAttempt, random: () => 0 });
  const statuses = [];
  tts.on('status', (d) => statuses.push(d));
  tts.connect();
  const end = await waitFor(tts, 'status', (s) => s.state === 'failed', 10000);
  await peer.close();
  assert.equal(peer.connections.length, 2);
  const wait = statuses.find((s) => s.state === 'reconnecting' && s.phase === 'waiting');
  assert.equal(wait.capacity, true);
  assert.equal(wait.message, 'overloaded');
  assert.equal(end.code, 1008);
});

test('refusals in a row for capacityGiveUpAfterMillis fail the session, naming them', async () => {
  const peer = await startPeer((conn) => refuse(conn));
  const tts = new TtsSocket({ baseUrl: peer.base, voiceId: 'v1', backoff: oneAttempt,
    random: () => 0, capacityGiveUpAfterMillis: 800 });
  tts.connect();
  const end = await waitFor(tts, 'status', (s) => s.state === 'failed' || s.state === 'closed', 10000);
  await peer.close();
  assert.equal(end.state, 'failed');
  assert.equal(end.error, 'resource_exhausted');
  assert.equal(end.capacity, true);
  assert.match(end.message, /gave up after \d+ capacity refusals in \d+ ms/);
  assert.ok(peer.connections.length >= 3, 'refused ' + peer.connections.length + ' times');
});
