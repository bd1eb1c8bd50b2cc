// STT resume by session id (the voicewire extension) against a loopback peer that implements
// the server's side of it: sessions outlive their connection, a resume answers with the audio
// bytes and commits it holds, and replays the commits the client did not get.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SttSocket } from '../../../main/resources/voicewire-web/lib/stt-socket.js';
import { SttResume } from '../../../main/resources/voicewire-web/lib/stt-resume.js';
import { isElevenLabsHost } from '../../../main/resources/voicewire-web/lib/stt-session-resume.js';
import { base64ToInt16 } from '../../../main/resources/voicewire-web/lib/pcm.js';
import { startPeer, waitFor, sleep } from './peer.js';

const CHUNK = 1600; // 100 ms at 16 kHz
/** Chunk n: every sample carries n + 1, so the server can tell which audio it got. */
const chunkN = (n) => new Int16Array(CHUNK).fill(n + 1);

/**
 * A peer with the server's resume behaviour. `script(s, conn, index)` runs after every audio
 * message; `s.samples` is every sample the session accepted, `commit(s, text, start, end)`
 * produces a commit (sent when the session's connection is up, kept for a resume either way).
 */
async function resumableServer(script, { forget = () => false } = {}) {
  const sessions = new Map();
  let next = 0;
  const peer = await startPeer((conn, index) => {
    const q = new URL(conn.url, 'http://x').searchParams;
    const opted = q.get('voicewire_resumable') === 'true';
    const wanted = q.get('voicewire_resume_session');
    let s = wanted === null || forget(index) ? undefined : sessions.get(wanted);
    const resumed = opted && s !== undefined;
    if (!resumed) {
      s = { id: 'sess' + next++, samples: [], commits: [], conn: null, connections: [] };
      sessions.set(s.id, s);
    }
    s.conn = conn;
    s.connections.push(index);
    conn.session = s;
    const started = { message_type: 'session_started', session_id: s.id, config: {} };
    if (opted) {
      started.voicewire_resume = { resumed, grace_ms: 10000, audio_bytes_received: s.samples.length * 2,
        commits_sent: s.commits.length };
    }
    conn.send(started);
    if (resumed) {
      const n = Number(q.get('voicewire_commits_received'));
      for (const m of s.commits.slice(n)) conn.send(m);
    }
    conn.ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m.audio_base_64 && !conn.deaf) for (const v of base64ToInt16(m.audio_base_64)) s.samples.push(v);
      script(s, conn, index, m);
    });
  });
  return { peer, sessions };
}

/** A commit: two commit messages, each counted (docs/stt-resume.md); `sent` of them go out now. */
function commit(s, text, start, end, sent = 2) {
  const pair = [{ message_type: 'committed_transcript', text },
    { message_type: 'committed_transcript_with_timestamps', text, language_code: 'en',
      words: [{ text, start, end, type: 'word', logprob: 0 }] }];
  for (const [i, m] of pair.entries()) {
    s.commits.push(m);
    if (i < sent && s.conn && s.conn.ws.readyState === 1 && !s.conn.deaf) s.conn.send(m);
  }
}

/** Connects, feeds chunk after chunk (2.5× real time) until the commit `text`, then aborts. */
async function feedUntil(stt, text) {
  stt.connect();
  await waitFor(stt, 'started');
  let n = 0;
  const pump = setInterval(() => stt.sendAudio(chunkN(n++)), 40);
  try {
    await waitFor(stt, 'committed', (d) => d.text === text, 10000);
  } finally {
    clearInterval(pump);
    stt.abort();
  }
}

/** Every sample is chunk k's value for k = 0, 1, … in order: nothing lost, nothing twice. */
function assertContiguous(samples) {
  for (let i = 0; i < samples.length; i++) {
    if (samples[i] !== Math.floor(i / CHUNK) + 1) assert.fail('sample ' + i + ' is ' + samples[i]);
  }
}

test('a cut resumes the server session: only the audio it never got is sent, no forced commit, the commit cut from its twin is joined with it', async () => {
  const { peer, sessions } = await resumableServer((s, conn, index) => {
    const chunks = s.samples.length / CHUNK;
    if (index === 0 && chunks >= 12 && s.commits.length === 0) commit(s, 'one', 0.2, 0.95);
    if (index === 0 && chunks >= 15 && !conn.deaf) {
      // "two" is cut off from its timestamps twin; chunks after 15 are lost in transit
      commit(s, 'two', 1.0, 1.45, 1);
      conn.deaf = true;
      setTimeout(() => conn.ws.terminate(), 120);
    }
    if (index === 1 && chunks >= 30 && s.commits.length === 4) commit(s, 'three', 1.5, 2.9);
  });
  const stt = new SttSocket({ baseUrl: peer.base, commitStrategy: 'vad', backoff: { initialMillis: 30, maxMillis: 60 } });
  const commits = [];
  const seams = [];
  stt.on('committed', (d) => commits.push(d));
  stt.on('seam', (d) => seams.push(d));
  await feedUntil(stt, 'three');
  await peer.close();
  assert.equal(peer.connections.length, 2);
  const q0 = new URL(peer.connections[0].url, 'http://x').searchParams;
  const q1 = new URL(peer.connections[1].url, 'http://x').searchParams;
  assert.equal(q0.get('voicewire_resumable'), 'true');
  assert.equal(q0.get('voicewire_resume_session'), null);
  assert.equal(q1.get('voicewire_resume_session'), 'sess0');
  assert.equal(q1.get('voicewire_commits_received'), '3', 'one and its twin, two without');
  assert.equal(sessions.size, 1, 'one server session');
  assertContiguous(sessions.get('sess0').samples);
  const first = peer.connections[1].received.find((m) => m.audio_base_64);
  assert.equal(base64ToInt16(first.audio_base_64)[0], 16, 'the resume starts at chunk 15, the first the server missed');
  assert.ok(!peer.connections[1].received.some((m) => m.commit === true), 'no forced commit');
  assert.deepEqual(commits.map((c) => c.text), ['one', 'two', 'three']);
  assert.deepEqual(commits.map((c) => [c.startMs, c.endMs]), [[200, 950], [1000, 1450], [1500, 2900]]);
  assert.equal(stt.metrics.resumeAttempts, 1);
  assert.equal(stt.metrics.resumes, 1);
  assert.equal(stt.metrics.resumeFallbacks, 0);
  assert.equal(stt.metrics.forcedCommits, 0);
  assert.ok(stt.metrics.resumeReplayedBytes >= 2 * CHUNK * 2, 'the chunks lost in transit went again: '
    + stt.metrics.resumeReplayedBytes);
  assert.equal(stt.metrics.resumeReplayedBytes % (CHUNK * 2), 0);
  assert.deepEqual(seams.map((x) => x.resumed), [true]);
});

test('an expired session falls back to a new one and the usual replay; the new session is resumed after the next cut', async () => {
  const { peer, sessions } = await resumableServer((s, conn, index) => {
    const chunks = s.samples.length / CHUNK;
    if (index === 0 && chunks >= 12 && s.commits.length === 0) commit(s, 'one', 0.2, 0.95);
    if (index === 0 && chunks >= 15 && !conn.deaf) { conn.deaf = true; conn.ws.terminate(); }
    if (index === 1 && chunks >= 10 && !conn.deaf) { conn.deaf = true; conn.ws.terminate(); }
    if (index === 2 && chunks >= 20 && s.commits.length === 0) commit(s, 'two', 0.5, 1.5);
  }, { forget: (index) => index === 1 });
  const stt = new SttSocket({ baseUrl: peer.base, commitStrategy: 'vad', backoff: { initialMillis: 30, maxMillis: 60 } });
  const commits = [];
  stt.on('committed', (d) => commits.push(d));
  await feedUntil(stt, 'two');
  await peer.close();
  assert.equal(peer.connections.length, 3);
  const q = peer.connections.map((c) => new URL(c.url, 'http://x').searchParams);
  assert.equal(q[1].get('voicewire_resume_session'), 'sess0');
  assert.equal(q[2].get('voicewire_resume_session'), 'sess1');
  assert.equal(q[2].get('voicewire_commits_received'), '0');
  // the new session got the ring from the chunk that holds the end of "one" (0.95 s → chunk 9)
  const s1 = sessions.get('sess1').samples;
  assert.equal(s1[0], 10);
  for (let i = 0; i < s1.length; i++) assert.equal(s1[i], Math.floor(i / CHUNK) + 10);
  assert.equal(stt.metrics.resumeAttempts, 2);
  assert.equal(stt.metrics.resumeFallbacks, 1);
  assert.equal(stt.metrics.resumes, 1);
  // "two" is timed within sess1, whose audio starts at chunk 9 (0.9 s)
  assert.deepEqual(commits.map((c) => [c.text, c.startMs, c.endMs]), [['one', 200, 950], ['two', 1400, 2400]]);
});

test('a session the client cannot continue (the server holds more than was sent) is ended with 1000 and a new one starts', async () => {
  let lied = false;
  const closes = [];
  const peer = await startPeer((conn, index) => {
    const q = new URL(conn.url, 'http://x').searchParams;
    const resume = q.get('voicewire_resume_session');
    conn.ws.on('close', (code) => closes.push([index, code]));
    conn.send({ message_type: 'session_started', session_id: resume || 'x' + index, config: {},
      voicewire_resume: { resumed: resume !== null, grace_ms: 10000,
        audio_bytes_received: resume !== null ? 10 ** 9 : 0, commits_sent: 0 } });
    if (resume !== null) lied = true;
    if (index === 0) conn.next((m) => m.audio_base_64).then(() => conn.ws.terminate(), () => {});
  });
  const stt = new SttSocket({ baseUrl: peer.base, backoff: { initialMillis: 20, maxMillis: 40 } });
  stt.connect();
  const feed = setInterval(() => stt.sendAudio(chunkN(0)), 50);
  await waitFor(stt, 'started', (d) => d.sessionId === 'x2', 5000);
  clearInterval(feed);
  stt.abort();
  await sleep(50);
  await peer.close();
  assert.ok(lied);
  assert.deepEqual(closes.find(([i]) => i === 1), [1, 1000]);
  assert.equal(new URL(peer.connections[2].url, 'http://x').searchParams.get('voicewire_resume_session'), null);
  assert.equal(stt.byId.counters.refused, 1);
});

test('opt-in only toward a voicewire server: never to *.elevenlabs.io, off by option, no resume without the server offering it', async () => {
  const url = (o) => new URL(new SttSocket(o)._url('t')).searchParams;
  assert.equal(url({ baseUrl: 'https://api.elevenlabs.io' }).get('voicewire_resumable'), null);
  assert.equal(url({ baseUrl: 'wss://api.eu.residency.elevenlabs.io' }).get('voicewire_resumable'), null);
  assert.equal(url({ baseUrl: 'http://127.0.0.1:9' }).get('voicewire_resumable'), 'true');
  assert.equal(url({ baseUrl: 'http://127.0.0.1:9', resumable: false }).get('voicewire_resumable'), null);
  assert.equal(url({ baseUrl: 'https://api.elevenlabs.io', resumable: true }).get('voicewire_resumable'), 'true');
  assert.ok(isElevenLabsHost('https://elevenlabs.io'));
  assert.ok(!isElevenLabsHost('https://notelevenlabs.io'));
  assert.ok(!isElevenLabsHost('https://elevenlabs.io.example.com'));
  // a server that does not offer resuming (no voicewire_resume): the reconnect does not ask
  const peer = await startPeer((conn, index) => {
    conn.send({ message_type: 'session_started', session_id: 'plain' + index, config: {} });
    if (index === 0) conn.next((m) => m.audio_base_64).then(() => conn.ws.terminate(), () => {});
  });
  const stt = new SttSocket({ baseUrl: peer.base, backoff: { initialMillis: 20, maxMillis: 40 } });
  stt.connect();
  await waitFor(stt, 'started');
  stt.sendAudio(chunkN(0));
  await waitFor(stt, 'started', (d) => d.sessionId === 'plain1');
  stt.abort();
  await peer.close();
  assert.equal(new URL(peer.connections[1].url, 'http://x').searchParams.get('voicewire_resume_session'), null);
  assert.equal(stt.metrics.resumeAttempts, 0);
});

test('resumeSession continues mid-chunk on the session timeline, and refuses what it cannot continue', () => {
  const u = new SttResume({ sampleRate: 16000 });
  for (let i = 0; i < 5; i++) u.push(chunkN(i), true);
  u.beginSession();
  let c;
  while ((c = u.nextToSend())) u.markSent(c);
  const base = u.sessionBase;
  assert.equal(u.resumeSession(base, 5 * CHUNK + 1), -1, 'more than was sent');
  assert.equal(u.resumeSession(base, 2 * CHUNK + 400), 2 * CHUNK + 1200);
  const sent = [];
  while ((c = u.nextToSend())) { sent.push(c.pcm.length + '@' + c.pcm[0]); u.markSent(c); }
  assert.deepEqual(sent, ['1200@3', '1600@4', '1600@5']);
  assert.equal(u.sessionEndGlobalMs(), 500);
  assert.equal(u.sessionToGlobalMs(0.25), 250);
  assert.equal(u.ringSamples, 5 * CHUNK, 'what the server holds stays for a fallback');
});

test('manual: the app commit cut off with its connection is answered once after the resume', async () => {
  const { peer, sessions } = await resumableServer((s, conn, index, m) => {
    if (m.commit !== true) return;
    if (index === 0) {
      // the commit arrived, the connection dies before its answer; the session decodes it parked
      conn.deaf = true;
      conn.ws.terminate();
      setTimeout(() => commit(s, 'hello', 0.1, 0.9, 0), 30);
    } else {
      commit(s, '', 0, 0); // the commit sent again: nothing new to commit
    }
  });
  const stt = new SttSocket({ baseUrl: peer.base, commitStrategy: 'manual', backoff: { initialMillis: 100, maxMillis: 100 } });
  const commits = [];
  stt.on('committed', (d) => commits.push(d.text));
  stt.connect();
  await waitFor(stt, 'started');
  for (let i = 0; i < 10; i++) stt.sendAudio(chunkN(i));
  stt.commit();
  await waitFor(stt, 'committed', () => true, 5000);
  await sleep(300);
  stt.abort();
  await peer.close();
  assert.deepEqual(commits, ['hello']);
  // an older server (no commit_requests_received): it answered the commit, so it took it
  assert.ok(!peer.connections[1].received.some((m) => m.commit === true), 'the commit answered is not sent again');
  assert.equal(stt.metrics.resumes, 1);
  assertContiguous(sessions.get('sess0').samples);
  assert.equal(sessions.get('sess0').samples.length, 10 * CHUNK);
});

test('connections that start their session with nothing to send are healthy: an idle stream under repeated cuts never gives up', async () => {
  const { peer } = await resumableServer(() => {});
  peer.connections.length = 0;
  const cutter = setInterval(() => { for (const c of peer.connections) if (c.ws.readyState === 1) setTimeout(() => c.ws.terminate(), 30); }, 20);
  // giveUpAfterMillis: the server holding all the audio sent counts as accepted input
  const stt = new SttSocket({ baseUrl: peer.base, giveUpAfterMillis: 400,
    backoff: { initialMillis: 10, maxMillis: 20, maxAttempts: 2 } });
  stt.connect();
  await waitFor(stt, 'started');
  stt.sendAudio(chunkN(0)); // never committed: the ring stays, nothing new to send
  const t0 = Date.now();
  while (peer.connections.length < 30 && stt.state !== 'failed' && Date.now() - t0 < 8000) await sleep(20);
  clearInterval(cutter);
  const state = stt.state;
  stt.abort();
  await peer.close();
  assert.notEqual(state, 'failed');
  assert.ok(peer.connections.length >= 30, 'connections: ' + peer.connections.length);
  assert.ok(stt.metrics.resumes >= 8, 'resumes: ' + stt.metrics.resumes);
});
