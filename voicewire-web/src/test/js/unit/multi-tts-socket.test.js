import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MultiTtsSocket, MAX_CONTEXTS } from '../../../main/resources/voicewire-web/lib/multi-tts-socket.js';
import { int16ToBase64 } from '../../../main/resources/voicewire-web/lib/pcm.js';
import { startPeer, waitFor, sleep } from './peer.js';

const SAMPLES_PER_CHAR = 160; // 10 ms at 16 kHz

function audioFor(contextId, text) {
  const chars = [...text];
  const pcm = new Int16Array(chars.length * SAMPLES_PER_CHAR).fill(7);
  return { audio: int16ToBase64(pcm), contextId,
    alignment: { chars, charStartTimesMs: chars.map((_, i) => i * 10), charDurationsMs: chars.map(() => 10) } };
}

/**
 * A peer that keeps the server's rules of multi-stream-input: at most 5 live contexts (a 6th
 * gets policy_violation and close 1008), a context is live until its isFinal, which follows a
 * close_context after `finalDelayMs` (audio of the closing context keeps coming until then);
 * text is answered with its audio at once.
 */
function strictPeer({ finalDelayMs = 40, limit = MAX_CONTEXTS } = {}) {
  const stats = { maxLive: 0, violations: 0, opened: [], finals: [], received: [] };
  return { stats, onConnection: (conn) => {
    const live = new Map(); // id → {closing}
    conn.ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      stats.received.push(m);
      if (m.close_socket) {
        for (const id of live.keys()) conn.send({ isFinal: true, contextId: id });
        live.clear();
        conn.ws.close(1000);
        return;
      }
      const id = m.context_id;
      if (id === undefined) return;
      if (!live.has(id)) {
        if (live.size >= limit) {
          stats.violations++;
          conn.send({ error: 'policy_violation', message: 'Maximum simultaneous contexts exceeded', code: 1008 });
          conn.ws.close(1008, 'Maximum simultaneous contexts exceeded');
          return;
        }
        live.set(id, { closing: false });
        stats.opened.push(id);
        stats.maxLive = Math.max(stats.maxLive, live.size);
      }
      if (typeof m.text === 'string' && m.text.trim() !== '') conn.send(audioFor(id, m.text));
      if (m.close_context) {
        live.get(id).closing = true;
        conn.send(audioFor(id, 'late ')); // audio still in flight when the client closed it
        setTimeout(() => {
          if (conn.ws.readyState !== 1) return;
          conn.send(audioFor(id, 'later '));
          live.delete(id);
          stats.finals.push(id);
          conn.send({ isFinal: true, contextId: id });
        }, finalDelayMs).unref();
      }
    });
  } };
}

/** Records what the socket hands to a player (the real Player needs a browser: see components). */
function recordingPlayer() {
  return { log: [], dropped: [],
    push(pcm, rate, stream) { this.log.push({ push: stream }); return true; },
    drop(stream) { this.dropped.push(stream); this.log.push({ drop: stream }); return true; } };
}

test('a barge-in storm never exceeds 5 live contexts and hands the player no stale audio', async () => {
  const strict = strictPeer({ finalDelayMs: 120 });
  const peer = await startPeer(strict.onConnection);
  const player = recordingPlayer();
  const tts = new MultiTtsSocket({ baseUrl: peer.base, voiceId: 'v1', player });
  const errors = [];
  tts.on('error', (e) => errors.push(e));
  const played = new Map();
  tts.on('audio', (a) => played.set(a.contextId, (played.get(a.contextId) || '') + a.chars));
  tts.connect();
  await waitFor(tts, 'status', (s) => s.state === 'open');
  tts.speak('First answer. ');
  let last = null;
  for (let i = 0; i < 20; i++) {
    await sleep(15);
    last = tts.interrupt('Answer ' + i + '. ');
    assert.notEqual(last, null);
  }
  await waitFor(tts, 'audio', (a) => a.contextId === last, 5000);
  const c = { ...tts.counters };
  tts.endContext(last);
  await waitFor(tts, 'final', (f) => f.contextId === last, 5000);
  tts.close();
  await waitFor(tts, 'status', (s) => s.state === 'closed' || s.state === 'failed');
  await peer.close();

  assert.deepEqual(errors, []);
  assert.equal(strict.stats.violations, 0);
  assert.ok(strict.stats.maxLive <= MAX_CONTEXTS, 'server saw ' + strict.stats.maxLive);
  assert.ok(c.maxConcurrent <= MAX_CONTEXTS && c.maxConcurrent >= 2, JSON.stringify(c));
  assert.ok(c.discarded > 0, 'opens superseded while waiting are never sent: ' + JSON.stringify(c));
  assert.equal(c.opened + c.discarded, 21, JSON.stringify(c));
  assert.equal(strict.stats.opened.length, c.opened, 'the server saw exactly the opened contexts');
  assert.ok(c.staleChunksDropped > 0, 'the peer sent audio of closing contexts: ' + JSON.stringify(c));
  // the player got no chunk of a context after it was dropped, and every closed one was dropped
  const dropped = new Set();
  for (const e of player.log) {
    if (e.drop) dropped.add(e.drop);
    else assert.ok(!dropped.has(e.push), 'audio of ' + e.push + ' pushed after its drop');
  }
  assert.equal(dropped.size, 20);
  assert.ok(!dropped.has(last));
  for (const [id, text] of played) {
    if (id !== last) assert.ok(!/late/.test(text), id + ' played stale audio: ' + text);
  }
  // the last context was ended gracefully: all of it plays, the audio after its end too
  assert.equal(played.get(last), 'Answer 19. late later ');
  // close_context voices only flushed text (AsyncAPI CloseContext): endContext flushes right
  // before it; a barge-in sends close_context alone, so no synthesis is spent on its text
  const toLast = strict.stats.received.filter((m) => m.context_id === last);
  const closeAt = toLast.findIndex((m) => m.close_context);
  assert.ok(closeAt > 0 && toLast[closeAt - 1].flush === true, JSON.stringify(toLast));
  for (const m of strict.stats.received) {
    if (m.context_id !== last) assert.ok(!m.flush, 'an interrupted context was flushed: ' + JSON.stringify(m));
  }
});

test('opens wait for a free slot: the 6th context opens only after an isFinal', async () => {
  const strict = strictPeer({ finalDelayMs: 300 });
  const peer = await startPeer(strict.onConnection);
  const tts = new MultiTtsSocket({ baseUrl: peer.base, voiceId: 'v1' });
  tts.connect();
  await waitFor(tts, 'status', (s) => s.state === 'open');
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push(tts.openContext('Context ' + i + '. '));
  for (const id of ids) tts.endContext(id);
  const sixth = tts.openContext('Sixth. ');
  const states = [];
  tts.on('context', (e) => states.push(e.contextId + ':' + e.state));
  await sleep(100);
  assert.equal(tts.contexts.get(sixth).state, 'queued', 'no slot before an isFinal');
  assert.equal(strict.stats.opened.length, 5);
  await waitFor(tts, 'context', (e) => e.contextId === sixth && e.state === 'open', 3000);
  assert.ok(states.indexOf(ids[0] + ':final') < states.indexOf(sixth + ':open'), states.join(' '));
  assert.equal(strict.stats.violations, 0);
  tts.abort();
  await peer.close();
});

test('the queue of waiting opens is bounded and interrupting a waiting context never sends it', async () => {
  const tts = new MultiTtsSocket({ baseUrl: 'http://127.0.0.1:9', voiceId: 'v1', maxQueuedOpens: 3 });
  assert.notEqual(tts.openContext('a'), null);
  assert.notEqual(tts.openContext('b'), null);
  assert.notEqual(tts.openContext('c'), null);
  assert.equal(tts.openContext('d'), null, 'a 4th waiting open is refused');
  assert.equal(tts.counters.refused, 1);
  // barge-in discards the contexts that never opened: one open waits, not four
  const next = tts.interrupt('e');
  assert.notEqual(next, null);
  assert.equal(tts._waiting.length, 1);
  assert.equal(tts.counters.discarded, 3);
  assert.equal(tts.send('more', next), true);
  assert.equal(tts.send('x'.repeat(600 * 1024), next), false, 'queued text is bounded');
  tts.abort();
  assert.equal(tts.openContext('f'), null, 'nothing opens after the session ended');
});

test('a context inactivity timeout ends that context only; the socket goes on', async () => {
  const peer = await startPeer((conn) => {
    conn.ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m.context_id && m.text === ' ') {
        conn.send({ error: 'input_timeout_exceeded', message: 'context timed out', code: 1008, contextId: m.context_id });
      }
    });
  });
  const tts = new MultiTtsSocket({ baseUrl: peer.base, voiceId: 'v1' });
  tts.connect();
  await waitFor(tts, 'status', (s) => s.state === 'open');
  const id = tts.openContext();
  const f = await waitFor(tts, 'final', (e) => e.contextId === id);
  assert.equal(f.lost, true);
  assert.equal(tts.liveContexts(), 0);
  assert.equal(tts.isOpen(), true);
  tts.abort();
  await peer.close();
});

test('a dropped connection ends its live contexts as lost and opens the waiting ones on the next', async () => {
  const strict = strictPeer({ finalDelayMs: 10000 });
  let first = true;
  const peer = await startPeer((conn) => {
    strict.onConnection(conn);
    if (first) { first = false; setTimeout(() => conn.ws.terminate(), 200); }
  });
  const player = recordingPlayer();
  const tts = new MultiTtsSocket({ baseUrl: peer.base, voiceId: 'v1', player,
    backoff: { initialMillis: 10, maxMillis: 40, maxAttempts: 3 } });
  tts.connect();
  await waitFor(tts, 'status', (s) => s.state === 'open');
  const ids = [];
  for (let i = 0; i < 6; i++) ids.push(tts.interrupt('Turn ' + i + '. '));
  await sleep(50);
  assert.equal(tts.contexts.get(ids[5]).state, 'queued');
  await waitFor(tts, 'context', (e) => e.contextId === ids[5] && e.state === 'open', 3000);
  assert.ok(tts.counters.lost >= 1, JSON.stringify(tts.counters));
  assert.ok(player.dropped.includes(ids[0]));
  assert.equal(peer.connections.length, 2);
  assert.equal(strict.stats.violations, 0);
  tts.abort();
  await peer.close();
});

test('keep-alive: an empty text for every open context and the connection, never a space', async () => {
  const peer = await startPeer(() => {});
  const tts = new MultiTtsSocket({ baseUrl: peer.base, voiceId: 'v1', keepAliveMillis: 100 });
  tts.connect();
  await waitFor(tts, 'status', (s) => s.state === 'open');
  const id = tts.openContext();
  const conn = peer.connections[0];
  await conn.next((m) => m.context_id === id && m.text === '', 3000);
  await conn.next((m) => m.context_id === undefined && m.text === '', 3000);
  assert.equal(conn.received.filter((m) => m.context_id === id && m.text === ' ').length, 1, 'only the init');
  tts.abort();
  await peer.close();
});
