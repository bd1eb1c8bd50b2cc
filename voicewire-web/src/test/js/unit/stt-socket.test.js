import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SttSocket } from '../../../main/resources/voicewire-web/lib/stt-socket.js';
import { base64ToInt16 } from '../../../main/resources/voicewire-web/lib/pcm.js';
import { startPeer, waitFor, sleep } from './peer.js';

const RATE = 16000;
const CHUNK = 1600; // 100 ms

/** Chunk n: every sample carries n + 1, so the server can tell which audio it got. */
const chunkN = (n) => new Int16Array(CHUNK).fill(n + 1);

function audioOf(conn) {
  return conn.received.filter((m) => m.audio_base_64).map((m) => base64ToInt16(m.audio_base_64)[0] - 1);
}

/**
 * The chunk numbers a session got, sample-exact: a forced commit may split a replayed chunk in
 * two messages, so runs of equal samples are joined; every run but the last (the session may end
 * between the two halves) must be a whole chunk.
 */
function chunksOf(conn) {
  const out = [];
  let run = 0;
  let value = -1;
  const flush = (last) => {
    if (run === 0) return;
    if (!last) assert.equal(run, CHUNK, 'chunk ' + value + ' arrived whole');
    out.push(value);
  };
  for (const m of conn.received.filter((x) => x.audio_base_64)) {
    for (const v of base64ToInt16(m.audio_base_64)) {
      if (v - 1 !== value) { flush(false); value = v - 1; run = 0; }
      run++;
    }
  }
  flush(true);
  return out;
}

async function waitAudio(conn, count, timeoutMs = 5000) {
  const t0 = Date.now();
  while (audioOf(conn).length < count) {
    if (Date.now() - t0 > timeoutMs) throw new Error('got ' + audioOf(conn).length + ' chunks');
    await sleep(10);
  }
}

test('a drop replays the audio since the last commit, and a commit repeated across the seam is dropped', async () => {
  const peer = await startPeer(async (conn, index) => {
    conn.send({ message_type: 'session_started', session_id: 's' + index, config: {} });
    if (index === 0) {
      await waitAudio(conn, 12);
      conn.send({ message_type: 'committed_transcript', text: 'one' });
      conn.send({ message_type: 'committed_transcript_with_timestamps', text: 'one', language_code: 'en',
        words: [{ text: 'one', start: 0.2, end: 0.95, type: 'word', logprob: 0 }] });
      await waitAudio(conn, 15);
      conn.send({ message_type: 'partial_transcript', text: 'two thr' });
      await sleep(50);
      conn.ws.terminate();
    } else {
      await waitAudio(conn, 15);
      // the recogniser hears the tail of "one" again in the replayed audio...
      conn.send({ message_type: 'committed_transcript', text: 'one' });
      conn.send({ message_type: 'committed_transcript_with_timestamps', text: 'one',
        words: [{ text: 'one', start: 0.0, end: 0.05, type: 'word' }] });
      conn.send({ message_type: 'partial_transcript', text: 'two three' });
      conn.send({ message_type: 'partial_transcript', text: 'two three' });
      conn.send({ message_type: 'committed_transcript', text: 'two three' });
      conn.send({ message_type: 'committed_transcript_with_timestamps', text: 'two three',
        words: [{ text: 'two', start: 0.5, end: 0.8, type: 'word' }, { text: ' ', start: 0.8, end: 0.9, type: 'spacing' },
          { text: 'three', start: 0.9, end: 1.4, type: 'word' }] });
    }
  });
  let tokens = 0;
  const stt = new SttSocket({ baseUrl: peer.base, commitStrategy: 'vad', token: async () => 'st' + ++tokens,
    backoff: { initialMillis: 30, maxMillis: 60 } });
  const events = [];
  for (const t of ['partial', 'committed', 'seam']) stt.on(t, (d) => events.push([t, d.text ?? '']));
  const commits = [];
  stt.on('committed', (d) => commits.push(d));
  stt.connect();
  await waitFor(stt, 'started');
  let n = 0;
  // 2.5x real time: the replay after the drop (from chunk 9) stays well under
  // FORCED_COMMIT_REPLAY_MILLIS however long the reconnect takes on a loaded machine, so no
  // forced commit (tested on its own) races the peer's scripted answers
  const pump = setInterval(() => stt.sendAudio(chunkN(n++)), 40);
  await waitFor(stt, 'committed', (d) => d.text === 'two three', 8000);
  clearInterval(pump);
  // a replay longer than FORCED_COMMIT_REPLAY_MILLIS is paced by its forced commits: let it finish
  const t0 = Date.now();
  while (chunksOf(peer.connections[1]).length < chunksOf(peer.connections[0]).length - 9
    && Date.now() - t0 < 3000) await sleep(20);
  stt.abort();
  await peer.close();
  assert.equal(peer.connections.length, 2);
  assert.match(peer.connections[0].url, /token=st1/);
  assert.match(peer.connections[1].url, /token=st2/);
  assert.match(peer.connections[0].url, /include_timestamps=true/);
  assert.match(peer.connections[0].url, /audio_format=pcm_16000/);
  // session 1 got chunks 0..k in order; session 2 starts with the replay from the chunk that
  // holds the end of "one" (0.95 s → chunk 9) and continues without a gap or a repeat
  const a1 = chunksOf(peer.connections[0]);
  const a2 = chunksOf(peer.connections[1]);
  assert.deepEqual(a1, a1.map((_, i) => i));
  assert.equal(a2[0], 9);
  assert.deepEqual(a2, a2.map((_, i) => i + 9));
  assert.ok(a2.length > a1.length - 9, 'the replay covers every chunk after the commit');
  assert.deepEqual(events, [['committed', 'one'], ['partial', 'two thr'], ['seam', ''],
    ['partial', 'two three'], ['committed', 'two three']]);
  assert.equal(stt.metrics.duplicatesDropped, 1);
  // "two three" starts 0.5 s into session 2, whose audio starts at chunk 9 (0.9 s)
  assert.equal(commits[1].startMs, 1400);
  assert.equal(commits[1].endMs, 2300);
  assert.equal(commits[0].endMs, 950);
});

test('keep-alive sends empty audio chunks while no audio flows; commit() sends commit after the queued audio', async () => {
  const peer = await startPeer((conn) => conn.send({ message_type: 'session_started', session_id: 'k', config: {} }));
  const stt = new SttSocket({ baseUrl: peer.base, keepAliveMillis: 80 });
  stt.connect();
  await waitFor(stt, 'started');
  await sleep(300);
  stt.sendAudio(chunkN(0));
  stt.commit();
  await sleep(100);
  const msgs = peer.connections[0].received;
  stt.abort();
  await peer.close();
  const keepAlives = msgs.filter((m) => m.audio_base_64 === '' && m.commit === false);
  assert.ok(keepAlives.length >= 2);
  for (const m of msgs) {
    assert.equal(m.message_type, 'input_audio_chunk');
    assert.equal(m.sample_rate, 16000);
  }
  const commits = msgs.map((m, i) => [m, i]).filter(([m]) => m.commit === true);
  assert.equal(commits.length, 1);
  const [commit, at] = commits[0];
  assert.deepEqual(commit, { message_type: 'input_audio_chunk', audio_base_64: '', commit: true, sample_rate: 16000 });
  assert.ok(msgs[at - 1].audio_base_64.length > 0, 'the audio goes before the commit');
});

test('a non-retryable STT error (old _error spelling) fails the session without reconnecting', async () => {
  const peer = await startPeer((conn) => {
    conn.send({ message_type: 'quota_exceeded_error', error: 'You have exceeded your quota.' });
    conn.ws.close(1008, 'quota');
  });
  const stt = new SttSocket({ baseUrl: peer.base, backoff: { initialMillis: 10, maxMillis: 20 } });
  stt.connect();
  const s = await waitFor(stt, 'status', (d) => d.state === 'failed' || d.state === 'closed');
  await sleep(80);
  await peer.close();
  assert.equal(s.state, 'failed');
  assert.equal(s.error, 'quota_exceeded');
  assert.equal(peer.connections.length, 1);
});

test('graceful close commits the pending audio and waits for the committed transcript', async () => {
  const peer = await startPeer((conn) => {
    conn.send({ message_type: 'session_started', session_id: 'g', config: {} });
    conn.ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m.commit) {
        setTimeout(() => {
          conn.send({ message_type: 'committed_transcript', text: 'bye' });
          conn.send({ message_type: 'committed_transcript_with_timestamps', text: 'bye', words: [{ text: 'bye', start: 0, end: 0.1, type: 'word' }] });
        }, 50);
      }
    });
  });
  const stt = new SttSocket({ baseUrl: peer.base });
  const got = [];
  stt.on('committed', (d) => got.push(d.text));
  stt.connect();
  await waitFor(stt, 'started');
  stt.sendAudio(chunkN(0));
  assert.equal(stt.close(), true);
  assert.equal(stt.close(), false);
  const s = await waitFor(stt, 'status', (d) => d.state === 'closed');
  await peer.close();
  assert.equal(s.reason, 'closed by the app');
  assert.deepEqual(got, ['bye']);
  assert.equal(stt.sendAudio(chunkN(1)), false);
});

test('a congested socket: writing pauses at the high-water mark and the oldest live audio is dropped, counted', async () => {
  const peer = await startPeer((conn) => {
    conn.send({ message_type: 'session_started', session_id: 'b', config: {} });
    setTimeout(() => conn.ws._socket.pause(), 20); // the server stops reading: TCP backs up
  });
  const stt = new SttSocket({ baseUrl: peer.base, maxLagMillis: 500 });
  const drops = [];
  stt.on('dropped', (d) => drops.push(d.ms));
  stt.connect();
  await waitFor(stt, 'started');
  await sleep(50);
  // push audio far faster than real time until the uplink starts dropping
  const t0 = Date.now();
  let n = 0;
  while (drops.length === 0 && Date.now() - t0 < 20000) {
    for (let i = 0; i < 50; i++) stt.sendAudio(chunkN(n++));
    await sleep(5);
  }
  const waiting = stt.uplink.waitingMs();
  stt.abort();
  await peer.close();
  assert.ok(drops.length > 0, 'nothing dropped after ' + n + ' chunks');
  assert.ok(stt.metrics.droppedMs > 0);
  assert.ok(waiting <= 500, 'waiting live audio stays bounded: ' + waiting);
  assert.ok(stt.ws === null);
});

test('the official Scribe options reach the URL; previous_text rides the first chunk only; final, entities and edited messages are events', async () => {
  let url = null;
  const peer = await startPeer(async (conn) => {
    url = new URL(conn.url, 'http://x');
    conn.send({ message_type: 'session_started', session_id: 's', config: {} });
    await waitAudio(conn, 2);
    conn.send({ message_type: 'final_transcript', text: 'settled' });
    conn.send({ message_type: 'committed_transcript_entities', text: 'settled',
      entities: [{ text: 'Ann', entity_type: 'person_name', start_char: 0, end_char: 3 }] });
    conn.send({ message_type: 'edited_transcript', text: 'settled', edited_text: 'Settled.' });
  });
  const stt = new SttSocket({ baseUrl: peer.base, token: async () => 't', includeLanguageDetection: true,
    keyterms: ['voicewire', 'relay'], secondaryLanguages: ['de'], noVerbatim: true,
    entityDetection: 'pii', filterBackgroundAudio: true, enableLogging: false, previousText: 'Before.',
    transcriptEdit: 'Punctuate.' });
  const finals = [];
  const entities = [];
  const edited = [];
  stt.on('edited', (d) => edited.push(d.editedText));
  stt.on('final', (d) => finals.push(d.text));
  stt.on('entities', (d) => entities.push(d.entities));
  stt.connect();
  await waitFor(stt, 'started');
  stt.sendAudio(chunkN(0));
  stt.sendAudio(chunkN(1));
  await waitFor(stt, 'edited');
  const q = url.searchParams;
  assert.equal(q.get('transcript_edit'), 'Punctuate.');
  assert.deepEqual(edited, ['Settled.']);
  assert.equal(q.get('include_language_detection'), 'true');
  assert.deepEqual(q.getAll('keyterms'), ['voicewire', 'relay']);
  assert.deepEqual(q.getAll('secondary_languages'), ['de']);
  assert.equal(q.get('no_verbatim'), 'true');
  assert.equal(q.get('entity_detection'), 'pii');
  assert.equal(q.get('filter_background_audio'), 'true');
  assert.equal(q.get('enable_logging'), 'false');
  const chunks = peer.connections[0].received.filter((m) => m.message_type === 'input_audio_chunk');
  assert.equal(chunks[0].previous_text, 'Before.');
  assert.ok(chunks.length >= 2 && chunks.slice(1).every((m) => m.previous_text === undefined));
  assert.deepEqual(finals, ['settled']);
  assert.equal(entities[0][0].entity_type, 'person_name');
  stt.close();
  await peer.close();
});
