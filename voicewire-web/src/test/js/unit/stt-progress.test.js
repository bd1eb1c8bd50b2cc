// Progress, giving up and forced commits of the STT socket (issue: "resume that does not give up
// on a bad network"), against a loopback WebSocket peer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SttSocket } from '../../../main/resources/voicewire-web/lib/stt-socket.js';
import { SttResume, FORCED_COMMIT_REPLAY_MILLIS, QUIET_SEARCH_MILLIS } from '../../../main/resources/voicewire-web/lib/stt-resume.js';
import { startPeer, waitFor, sleep } from './peer.js';

const RATE = 16000;
const loud = (ms) => new Int16Array((RATE * ms) / 1000).fill(8000);

test('1012 (service restart) reconnects at once, without the backoff', async () => {
  const peer = await startPeer((conn, index) => {
    conn.send({ message_type: 'session_started', session_id: 's' + index, config: {} });
    if (index === 0) setTimeout(() => conn.ws.close(1012, 'draining'), 50);
  });
  const stt = new SttSocket({ baseUrl: peer.base, backoff: { initialMillis: 4000, maxMillis: 8000 } });
  const statuses = [];
  stt.on('status', (d) => statuses.push(d));
  stt.connect();
  const t0 = Date.now();
  await waitFor(stt, 'started', (d) => d.sessionId === 's1', 3000);
  assert.ok(Date.now() - t0 < 2000, 'reconnected in ' + (Date.now() - t0) + ' ms');
  assert.ok(statuses.some((s) => s.state === 'reconnecting' && s.delayMs === 0), JSON.stringify(statuses));
  stt.abort();
  await peer.close();
});

test('connections that take audio never exhaust the attempts; no input accepted for giveUpAfterMillis fails', async () => {
  const peer = await startPeer((conn, index) => {
    conn.send({ message_type: 'session_started', session_id: 's' + index, config: {} });
    conn.next((m) => m.audio_base_64).then(() => setTimeout(() => conn.ws.terminate(), 20), () => {});
  });
  const stt = new SttSocket({ baseUrl: peer.base, giveUpAfterMillis: 1500,
    backoff: { initialMillis: 20, maxMillis: 40, maxAttempts: 2 } });
  stt.connect();
  const feed = setInterval(() => stt.sendAudio(loud(50)), 50);
  const failed = await waitFor(stt, 'status', (d) => d.state === 'failed', 8000);
  clearInterval(feed);
  await peer.close();
  assert.ok(peer.connections.length > 4, 'connections: ' + peer.connections.length);
  assert.match(failed.message, /gave up after \d+ ms of reconnecting without any input accepted/);
});

test('a long replay gets a forced commit after its quietest chunk near the end', () => {
  const u = new SttResume({ sampleRate: RATE });
  const chunks = [];
  for (let i = 0; i < 30; i++) chunks.push(i === 27 ? new Int16Array(1600) : loud(100));
  for (const c of chunks) u.push(c, true);
  u.beginSession();
  let c;
  while ((c = u.nextToSend())) u.markSent(c);
  assert.equal(u.forceCommitAfter, null, 'a first session replays nothing');
  u.beginSession(); // a reconnect: 3 s of sent audio to replay
  assert.ok(3000 > FORCED_COMMIT_REPLAY_MILLIS && 300 < QUIET_SEARCH_MILLIS);
  assert.equal(u.forceCommitAfter, u.ring[27], 'the silent chunk 300 ms before the end');
});

test('the full replay ring drops the oldest audio and says so in a dropped event', async () => {
  const peer = await startPeer(() => {}); // accepts, never starts a session
  const stt = new SttSocket({ baseUrl: peer.base, maxReplaySeconds: 1 });
  const dropped = [];
  stt.on('dropped', (d) => dropped.push(d));
  stt.connect();
  for (let i = 0; i < 15; i++) stt.sendAudio(loud(100));
  stt.abort();
  await peer.close();
  assert.ok(dropped.length >= 1 && dropped.every((d) => d.reason === 'replay-ring'), JSON.stringify(dropped));
  assert.equal(dropped[dropped.length - 1].totalMs, 500);
  assert.equal(stt.metrics.replayDroppedMs, 500);
});
