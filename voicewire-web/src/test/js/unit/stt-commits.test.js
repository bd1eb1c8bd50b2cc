// The STT socket's commit requests across cuts, at parity with the Java SDK (docs/stt-resume.md):
// the app's commits travel in the replay ring at their place in the audio, a resumed session gets
// again only those the server did not take (`commit_requests_received`), and forced commits
// follow only a real cut (1006 without the server's error, a short connection).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SttSocket } from '../../../main/resources/voicewire-web/lib/stt-socket.js';
import { SttResume, forceCommitsAfterDrop } from '../../../main/resources/voicewire-web/lib/stt-resume.js';
import { takenCommits } from '../../../main/resources/voicewire-web/lib/stt-session-resume.js';
import { base64ToInt16 } from '../../../main/resources/voicewire-web/lib/pcm.js';
import { startPeer, waitFor, sleep } from './peer.js';

const POLICY = JSON.parse(readFileSync(fileURLToPath(new URL('../../../../../test-vectors/stt-resume/policy.json',
  import.meta.url)), 'utf8'));
const CHUNK = 1600; // 100 ms at 16 kHz
/** Chunk n: every sample carries n + 1, so the server can tell which audio it got. */
const chunkN = (n) => new Int16Array(CHUNK).fill(n + 1);

test('takenCommits: with commit_requests_received the first R - (sent - outstanding) outstanding requests were taken', () => {
  // [sent, outstanding positions, held samples, R, expected]
  const cases = [
    [1, [16000], 16000, 1, 1], // a cut between the commit and its answer: taken, not sent again
    [1, [16000], 16000, 0, 0], // lost with the connection: sent again
    [3, [32000], 32000, 3, 1], // two answered before, the third taken
    [3, [16000, 32000], 40000, 2, 1], // the first taken, the second (throttled, not counted) not
    [2, [16000, 32000], 16000, 1, 1], // the second never reached the server
    [0, [], 8000, 0, 0],
    [1, [16000], 16000, 2, -1], // the server took more than was sent: cannot be
    [2, [16000], 16000, 0, -1], // fewer than were answered: cannot be
    [1, [32000], 16000, 1, -1], // taken, yet the audio before it was not received: cannot be
  ];
  for (const [sent, outstanding, heldSamples, received, want] of cases) {
    assert.equal(takenCommits({ sent, outstanding, heldSamples, received }), want,
      JSON.stringify({ sent, outstanding, heldSamples, received }));
  }
});

test('takenCommits without commit_requests_received (an older server): answered, or audio after it held; at the boundary unknown', () => {
  assert.equal(takenCommits({ sent: 2, outstanding: [8000, 16000], heldSamples: 20000 }), 2);
  assert.equal(takenCommits({ sent: 2, outstanding: [8000, 16000], heldSamples: 12000 }), 1);
  assert.equal(takenCommits({ sent: 1, outstanding: [16000], heldSamples: 16000 }), -1, 'right at the boundary: cannot tell');
  assert.equal(takenCommits({ sent: 1, outstanding: [16000], heldSamples: 16000, answeredUnseen: 1 }), 1, 'answered: taken');
});

test('forced commits only after a real cut: 1006, no server error, shorter than shortConnectionMillis (policy.json), no commit', () => {
  const short = POLICY.shortConnectionMillis - 1;
  const cut = { opened: true, code: 1006, serverError: false, livedMs: short, commitsReceived: 0 };
  assert.equal(forceCommitsAfterDrop(cut), true);
  assert.equal(forceCommitsAfterDrop({ ...cut, livedMs: POLICY.shortConnectionMillis }), false, 'a longer connection');
  assert.equal(forceCommitsAfterDrop({ ...cut, commitsReceived: 1 }), false, 'a commit came through');
  assert.equal(forceCommitsAfterDrop({ ...cut, serverError: true }), false, 'resource_exhausted, queue_overflow, …');
  for (const code of [1000, 1001, 1011, 1012, 1013]) {
    assert.equal(forceCommitsAfterDrop({ ...cut, code }), false, 'the server closed: ' + code);
  }
  assert.equal(forceCommitsAfterDrop({ ...cut, opened: false }, true), true, 'a refused handshake decides nothing');
  assert.equal(forceCommitsAfterDrop({ ...cut, opened: false }, false), false);
  assert.equal(forceCommitsAfterDrop({ ...cut, code: 1000, onPurpose: true }, true), true, 'a new session on purpose keeps it');
});

test('a commit asked for while disconnected goes at its place in the audio, once; an answered one is never sent again', async () => {
  const peer = await startPeer((conn, index) => {
    conn.send({ message_type: 'session_started', session_id: 'p' + index, config: {} });
    conn.ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (index === 0 && conn.received.filter((x) => x.audio_base_64).length === 5) conn.ws.terminate();
      if (index === 1 && m.commit === true) {
        // the answer covers the replayed chunks 0..7 (0.8 s); then this connection is cut too
        conn.send({ message_type: 'committed_transcript', text: 'hello' });
        conn.send({ message_type: 'committed_transcript_with_timestamps', text: 'hello',
          words: [{ text: 'hello', start: 0.1, end: 0.7, type: 'word' }] });
        setTimeout(() => conn.ws.terminate(), 100);
      }
    });
  });
  const stt = new SttSocket({ baseUrl: peer.base, commitStrategy: 'manual', backoff: { initialMillis: 300, maxMillis: 300 } });
  const commits = [];
  stt.on('committed', (d) => commits.push(d.text));
  stt.connect();
  await waitFor(stt, 'started');
  for (let i = 0; i < 5; i++) stt.sendAudio(chunkN(i));
  await waitFor(stt, 'status', (s) => s.state === 'reconnecting');
  for (let i = 5; i < 8; i++) stt.sendAudio(chunkN(i));
  stt.commit(); // while reconnecting: after chunk 7
  for (let i = 8; i < 11; i++) stt.sendAudio(chunkN(i)); // the next word
  await waitFor(stt, 'committed', () => true, 5000);
  await waitFor(stt, 'started', (d) => d.sessionId === 'p2', 5000);
  await sleep(200);
  stt.abort();
  await peer.close();
  const order = (conn) => conn.received.filter((m) => m.commit === true || m.audio_base_64)
    .map((m) => (m.commit === true ? 'C' : String(base64ToInt16(m.audio_base_64)[0] - 1)));
  assert.deepEqual(order(peer.connections[1]), ['0', '1', '2', '3', '4', '5', '6', '7', 'C', '8', '9', '10'],
    'the commit at its place, before the next word');
  assert.deepEqual(order(peer.connections[2]), ['8', '9', '10'], 'answered: no commit sent again');
  assert.deepEqual(commits, ['hello']);
});

/**
 * A resumable peer that counts the commit requests it took (commit_requests_received) and
 * answers each ANSWER_MS late, like a slow engine, also while the session is parked.
 */
async function lateServer({ loseCommitOn = -1 } = {}) {
  const ANSWER_MS = 400;
  const sessions = new Map();
  const peer = await startPeer((conn, index) => {
    const q = new URL(conn.url, 'http://x').searchParams;
    const wanted = q.get('voicewire_resume_session');
    let s = wanted === null ? undefined : sessions.get(wanted);
    const resumed = s !== undefined;
    if (!resumed) {
      s = { id: 'late' + sessions.size, samples: [], commits: [], requests: 0, conn: null };
      sessions.set(s.id, s);
    }
    s.conn = conn;
    conn.send({ message_type: 'session_started', session_id: s.id, config: {},
      voicewire_resume: { resumed, grace_ms: 10000, audio_bytes_received: s.samples.length * 2,
        commits_sent: s.commits.length, commit_requests_received: s.requests } });
    if (resumed) for (const m of s.commits.slice(Number(q.get('voicewire_commits_received')))) conn.send(m);
    conn.ws.on('message', (d) => {
      if (conn.dead) return;
      const m = JSON.parse(d.toString());
      if (m.audio_base_64) for (const v of base64ToInt16(m.audio_base_64)) s.samples.push(v);
      if (m.commit !== true) return;
      if (index === loseCommitOn) { conn.dead = true; conn.ws.terminate(); return; } // lost in transit
      s.requests++;
      const n = s.requests;
      const end = s.samples.length / 16000;
      if (index === 0) { conn.dead = true; conn.ws.terminate(); } // cut before the answer
      setTimeout(() => {
        for (const msg of [{ message_type: 'committed_transcript', text: 'seg' + n },
          { message_type: 'committed_transcript_with_timestamps', text: 'seg' + n,
            words: [{ text: 'seg' + n, start: end - 0.3, end: end - 0.1, type: 'word' }] }]) {
          s.commits.push(msg);
          if (s.conn && s.conn.ws.readyState === 1 && !s.conn.dead) s.conn.send(msg);
        }
      }, ANSWER_MS);
    });
  });
  return { peer, sessions };
}

async function twoSegments(peer) {
  const stt = new SttSocket({ baseUrl: peer.base, commitStrategy: 'manual', backoff: { initialMillis: 50, maxMillis: 50 } });
  const commits = [];
  const seams = [];
  stt.on('committed', (d) => commits.push(d.text));
  stt.on('seam', (d) => seams.push(d));
  stt.connect();
  await waitFor(stt, 'started');
  for (let i = 0; i < 10; i++) stt.sendAudio(chunkN(i));
  stt.commit();
  for (let i = 10; i < 20; i++) { stt.sendAudio(chunkN(i)); await sleep(40); } // the next segment meanwhile
  stt.commit();
  const t0 = Date.now();
  while (commits.length < 2 && Date.now() - t0 < 5000) await sleep(20);
  await sleep(300);
  stt.abort();
  await peer.close();
  return { stt, commits, seams };
}

test('manual: a cut between a commit and its late answer resumes the session; the commit the server took is not sent again', async () => {
  const { peer, sessions } = await lateServer();
  const { stt, commits, seams } = await twoSegments(peer);
  assert.deepEqual(commits, ['seg1', 'seg2']);
  assert.equal(sessions.size, 1, 'one server session');
  const s = sessions.get('late0');
  assert.equal(s.requests, 2, 'two commit requests, no extra one');
  assert.equal(s.samples.length, 20 * CHUNK);
  for (let i = 0; i < s.samples.length; i++) assert.equal(s.samples[i], Math.floor(i / CHUNK) + 1);
  assert.equal(stt.metrics.resumes, 1);
  assert.equal(stt.metrics.resumeFallbacks, 0);
  assert.equal(stt.metrics.forcedCommits, 0);
  assert.deepEqual(seams.map((x) => [x.resumed, x.forcedCommits]), [[true, 0]]);
});

test('manual: a commit lost with its connection (commit_requests_received says so) is sent again at its place', async () => {
  const { peer, sessions } = await lateServer({ loseCommitOn: 0 });
  const { commits } = await twoSegments(peer);
  assert.deepEqual(commits, ['seg1', 'seg2']);
  const s = sessions.get('late0');
  assert.equal(sessions.size, 1);
  assert.equal(s.requests, 2);
  const first = peer.connections[1].received.filter((m) => m.commit === true || m.audio_base_64);
  assert.equal(first[0].commit, true, 'the lost commit goes first, at its place (after chunk 9)');
});

test('forced commits follow a short 1006 cut, never the server\'s resource_exhausted; the seam says how many', async () => {
  for (const serverError of [false, true]) {
    const peer = await startPeer((conn, index) => {
      conn.send({ message_type: 'session_started', session_id: 'f' + index, config: {} });
      if (index !== 0) return;
      conn.next((m) => m.audio_base_64 && base64ToInt16(m.audio_base_64)[0] === 30).then(() => {
        if (!serverError) { conn.ws.terminate(); return; }
        conn.send({ message_type: 'resource_exhausted', error: 'the engine is at capacity' });
        conn.ws.close(1013, 'try again later');
      }, () => {});
    });
    const stt = new SttSocket({ baseUrl: peer.base, commitStrategy: 'manual', backoff: { initialMillis: 50, maxMillis: 50 } });
    const seams = [];
    stt.on('seam', (d) => seams.push(d));
    stt.connect();
    await waitFor(stt, 'started');
    for (let i = 0; i < 30; i++) stt.sendAudio(chunkN(i)); // 3 s, sent and not committed
    await waitFor(stt, 'started', (d) => d.sessionId === 'f1', 5000);
    await sleep(200);
    stt.abort();
    await peer.close();
    const forced = peer.connections[1].received.filter((m) => m.commit === true).length;
    if (serverError) {
      assert.equal(forced, 0, 'resource_exhausted is the server, not a cut');
      assert.deepEqual(seams.map((x) => x.forcedCommits), [0]);
    } else {
      assert.equal(forced, 1, 'a 3 s replay after a short cut: one forced commit');
      assert.deepEqual(seams.map((x) => x.forcedCommits), [1]);
    }
  }
});

test('the replay ring keeps the app\'s commit requests in order with the audio; an answer drops everything up to its request', () => {
  const u = new SttResume({ sampleRate: 16000 });
  u.beginSession();
  for (let i = 0; i < 3; i++) u.push(chunkN(i), true);
  const c = u.pushCommit();
  u.push(chunkN(3), true);
  let x;
  const sent = [];
  while ((x = u.nextToSend())) { sent.push(x.commit || x.pcm[0]); u.markSent(x); }
  assert.deepEqual(sent, [1, 2, 3, 'app', 4]);
  assert.equal(c.globalStart, 3 * CHUNK, 'the request sits at its place on the timeline');
  assert.equal(u.sessionCommitRequests, 1);
  assert.deepEqual(u.outstanding(), [c]);
  u.acceptCommit([{ text: 'a', start: 0.05, end: 0.2 }], 'a');
  u.answered(c);
  assert.deepEqual(u.ring.map((e) => e.pcm[0]), [4], 'only the audio after the request stays');
  assert.equal(u.outstanding().length, 0);
  assert.ok(!u.hasCommits());
});
