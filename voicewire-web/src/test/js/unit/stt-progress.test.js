// Progress, giving up and forced commits of the STT socket (issue: "resume that does not give up
// on a bad network"), against a loopback WebSocket peer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SttSocket } from '../../../main/resources/voicewire-web/lib/stt-socket.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SttResume, FORCED_COMMIT_REPLAY_MILLIS, QUIET_SEARCH_MILLIS, QUIET_WINDOW_MILLIS,
  REPLAY_COMMIT_WAIT_MILLIS, MIN_COMMIT_INTERVAL_MILLIS, MAX_REPLAY_SECONDS, WORD_GUARD_MILLIS,
  SHORT_CONNECTION_MILLIS } from '../../../main/resources/voicewire-web/lib/stt-resume.js';
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

test('the resume policy is the shared one (test-vectors/stt-resume/policy.json)', () => {
  const p = JSON.parse(readFileSync(fileURLToPath(new URL('../../../../../test-vectors/stt-resume/policy.json', import.meta.url)), 'utf8'));
  assert.deepEqual({ forcedCommitReplayMillis: FORCED_COMMIT_REPLAY_MILLIS, quietSearchMillis: QUIET_SEARCH_MILLIS,
    quietWindowMillis: QUIET_WINDOW_MILLIS, replayCommitWaitMillis: REPLAY_COMMIT_WAIT_MILLIS,
    minCommitIntervalMillis: MIN_COMMIT_INTERVAL_MILLIS, maxReplaySeconds: MAX_REPLAY_SECONDS,
    wordGuardMillis: WORD_GUARD_MILLIS, shortConnectionMillis: SHORT_CONNECTION_MILLIS }, p);
});

test('a long replay gets a forced commit every 2 s, each at the quietest point before its mark', () => {
  const u = new SttResume({ sampleRate: RATE });
  // 5 s: loud, with silent 100 ms chunks at 1.7 s (inside the first search window) and at 3.0 s
  for (let i = 0; i < 50; i++) u.push(i === 17 || i === 30 ? new Int16Array(1600) : loud(100), true);
  u.beginSession();
  let c;
  while ((c = u.nextToSend())) u.markSent(c);
  assert.ok(!u.ring.some((x) => x.commit), 'a first session replays nothing');
  assert.equal(u.beginSession(false), 0, 'no cut, no forced commit');
  assert.equal(u.beginSession(true), 2); // a reconnect after a cut: 5 s of sent audio to replay
  const ends = [];
  let off = 0;
  for (const x of u.ring) {
    off += x.pcm.length;
    if (x.commit === 'forced') {
      ends.push((off * 1000) / RATE);
      assert.equal(x.globalStart, off, 'a forced commit sits at its place on the timeline');
    }
  }
  // first mark 2 s: the silence at 1.7–1.8 s is quietest (its middle window); second mark
  // 1.71 + 2 = 3.71 s: searched from 3.11 s, loud everywhere, so the first window (3.12 s)
  assert.equal(ends.length, 2, JSON.stringify(ends));
  assert.ok(ends[0] > 1700 && ends[0] < 1800, 'first at ' + ends[0]);
  assert.ok(ends[1] > ends[0] + 1000 && ends[1] <= ends[0] + 2000, 'second at ' + ends[1]);
  assert.equal(u.ring.reduce((n, x) => n + x.pcm.length, 0), 50 * 1600, 'splitting kept every sample');
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
