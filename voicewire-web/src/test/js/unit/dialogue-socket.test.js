// DialogueSocket (Text-to-Dialogue) against a loopback peer that keeps the server's rules
// (docs/server.md): voices registered by a dialogue's first message, turns at another voice or
// new_turn voiced one after the other, is_final_audio_for_turn after each, is_final after
// close_socket / close_context (which voice the rest), at most 5 contexts on multi, snake_case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DialogueSocket } from '../../../main/resources/voicewire-web/lib/dialogue-socket.js';
import { int16ToBase64 } from '../../../main/resources/voicewire-web/lib/pcm.js';
import { startPeer, waitFor, sleep } from './peer.js';

const SAMPLES_PER_CHAR = 160; // 10 ms at 16 kHz

/** The peer's side: one dialogue per key; a turn is voiced when the next one starts or at close. */
function dialoguePeer({ multi = false, limit = 5 } = {}) {
  const stats = { received: [], errors: 0, maxLive: 0 };
  return { stats, onConnection: (conn) => {
    const dialogues = new Map(); // key → {voices, turn: {voice, text} | null}
    const ctx = (m) => (multi ? { context_id: m.context_id } : {});
    const fail = (message) => {
      stats.errors++;
      conn.send({ message, error: 'input_error', code: 1008 });
      conn.ws.close(1008, message.slice(0, 100));
    };
    const voice = (m, t) => {
      if (t.text !== '') {
        const chars = [...t.text];
        conn.send({ audio: int16ToBase64(new Int16Array(chars.length * SAMPLES_PER_CHAR).fill(t.voice.length)),
          alignment: { chars, char_start_times_ms: chars.map((_, i) => i * 10), char_durations_ms: chars.map(() => 10) }, ...ctx(m) });
      }
      conn.send({ is_final_audio_for_turn: true, ...ctx(m) });
    };
    const finish = (m, key) => {
      const d = dialogues.get(key);
      if (d.turn) voice(m, d.turn);
      d.turn = null;
      dialogues.delete(key);
      conn.send({ is_final: true, ...ctx(m) });
    };
    conn.ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      stats.received.push(m);
      if (m.close_socket && (!multi || m.context_id === undefined)) {
        for (const key of [...dialogues.keys()]) finish(multi ? { context_id: key } : {}, key);
        if (!multi && dialogues.size === 0 && stats.received.filter((x) => x.voices).length === 0) conn.send({ is_final: true });
        conn.ws.close(1000);
        return;
      }
      if (multi && m.context_id === undefined) return fail('Every message needs context_id');
      if (!multi && m.context_id !== undefined) return fail('no context_id on stream-input');
      const key = multi ? m.context_id : '';
      let d = dialogues.get(key);
      if (!d) {
        if (!Array.isArray(m.voices)) return fail('The first message must register voices');
        if (dialogues.size >= limit) return fail('Maximum simultaneous contexts exceeded');
        d = { voices: m.voices, turn: null };
        dialogues.set(key, d);
        stats.maxLive = Math.max(stats.maxLive, dialogues.size);
      } else if (m.voices) {
        return fail('voices only on the first message');
      }
      for (const i of m.inputs || []) {
        if (!d.voices.includes(i.voice_id)) return fail('voice_id ' + i.voice_id + ' is not registered');
        if (!d.turn || i.new_turn || i.voice_id !== d.turn.voice) {
          if (d.turn) voice(m, d.turn);
          d.turn = { voice: i.voice_id, text: '' };
        }
        d.turn.text += i.text;
      }
      if (m.close_context) finish(m, key);
    });
  } };
}

test('a dialogue of two voices on stream-input: each turn in its voice, its alignment its text, then is_final and a clean close', async () => {
  const p = dialoguePeer();
  const peer = await startPeer(p.onConnection);
  const pushed = [];
  const player = { push: (pcm, rate, stream) => pushed.push([pcm[0], pcm.length, rate, stream]), drop() {} };
  const d = new DialogueSocket({ baseUrl: peer.base, voices: ['anna', 'bob'], player, token: async () => 'tok' });
  const turns = [];
  d.on('turn', (t) => turns.push(t));
  const finals = [];
  d.on('final', (f) => finals.push(f));
  const closed = waitFor(d, 'status', (s) => s.state === 'closed' || s.state === 'failed', 5000);
  d.connect();
  assert.ok(d.say([{ voiceId: 'anna', text: 'Knock knock. ' }]));
  assert.ok(d.say([{ voiceId: 'bob', text: 'Who is ' }, { voiceId: 'bob', text: 'there? ' }]));
  assert.ok(d.say([{ voiceId: 'anna', text: 'Interrupting cow. ' }, { voiceId: 'anna', text: 'Moo! ', newTurn: true }]));
  assert.throws(() => d.say([{ voiceId: 'carl', text: 'Hi. ' }]), /not one of the dialogue's voices/);
  assert.ok(d.end());
  const end = await closed;
  await peer.close();
  assert.equal(end.state, 'closed', JSON.stringify(end));
  const url = new URL(peer.connections[0].url, 'http://x');
  assert.equal(url.pathname, '/v1/text-to-dialogue/stream-input');
  assert.equal(url.searchParams.get('model_id'), 'eleven_v3');
  assert.equal(url.searchParams.get('output_format'), 'pcm_16000');
  assert.equal(url.searchParams.get('sync_alignment'), 'true');
  assert.equal(url.searchParams.get('single_use_token'), 'tok');
  assert.equal(p.stats.errors, 0);
  assert.deepEqual(p.stats.received[0], { voices: ['anna', 'bob'] });
  // lines given before the socket opened wait and go out in one message, in order
  assert.deepEqual(p.stats.received[1], { inputs: [{ text: 'Knock knock. ', voice_id: 'anna' },
    { text: 'Who is ', voice_id: 'bob' }, { text: 'there? ', voice_id: 'bob' },
    { text: 'Interrupting cow. ', voice_id: 'anna' }, { text: 'Moo! ', voice_id: 'anna', new_turn: true }] });
  assert.deepEqual(p.stats.received.at(-1), { close_socket: true });
  assert.ok(p.stats.received.every((m) => m.context_id === undefined));
  assert.deepEqual(turns.map((t) => [t.index, t.voiceId, t.text, t.chars]), [
    [0, 'anna', 'Knock knock. ', 'Knock knock. '], [1, 'bob', 'Who is there? ', 'Who is there? '],
    [2, 'anna', 'Interrupting cow. ', 'Interrupting cow. '], [3, 'anna', 'Moo! ', 'Moo! ']]);
  for (const t of turns) assert.equal(t.audioMs, t.text.length * 10);
  assert.equal(finals.length, 1);
  assert.equal(finals[0].chars, 'Knock knock. Who is there? Interrupting cow. Moo! ');
  assert.equal(finals[0].lost, false);
  // every chunk went to the player under the dialogue's id, in the voice's order (samples carry the voice)
  assert.deepEqual(pushed.map((x) => x[0]), [4, 3, 4, 4]);
  assert.ok(pushed.every((x) => x[2] === 16000 && x[3] === finals[0].contextId));
  assert.equal(d.counters.turns, 4);
});

test('multi-stream-input: dialogues on contexts, close_context voices the rest, barge-in drops stale audio, never more than 5 live', async () => {
  const p = dialoguePeer({ multi: true });
  const peer = await startPeer(p.onConnection);
  const dropped = [];
  const pushed = [];
  const player = { push: (pcm, rate, stream) => pushed.push(stream), drop: (s) => dropped.push(s) };
  const d = new DialogueSocket({ baseUrl: peer.base, voices: ['anna', 'bob'], multi: true, player, keepAliveMillis: 100 });
  const turns = [];
  d.on('turn', (t) => turns.push(t));
  d.connect();
  const first = d.open(['anna', 'bob'], [{ voiceId: 'anna', text: 'One. ' }, { voiceId: 'bob', text: 'Two. ' }]);
  await waitFor(d, 'turn', (t) => t.contextId === first && t.voiceId === 'anna');
  await sleep(250); // keep-alives for the open context
  // barge-in storm: 8 new dialogues, each interrupting the last
  const ids = [];
  for (let i = 0; i < 8; i++) ids.push(d.interrupt([{ voiceId: 'bob', text: 'Answer ' + i + '. ' }]));
  assert.ok(ids.every((x) => x !== null));
  d.end();
  await waitFor(d, 'final', (f) => f.contextId === ids[7], 5000);
  d.close();
  await waitFor(d, 'status', (s) => s.state === 'closed', 5000);
  await peer.close();
  assert.equal(p.stats.errors, 0);
  assert.ok(p.stats.maxLive <= 5, 'server saw ' + p.stats.maxLive);
  assert.ok(p.stats.received.some((m) => m.keep_alive === true && m.context_id === first));
  const url = new URL(peer.connections[0].url, 'http://x');
  assert.equal(url.pathname, '/v1/text-to-dialogue/multi-stream-input');
  // the first dialogue's second turn ("Two.") came after it was closed: stale, never pushed
  assert.deepEqual(turns.filter((t) => t.contextId === first).map((t) => t.voiceId), ['anna']);
  assert.ok(dropped.includes(first));
  for (const id of ids.slice(0, 7)) assert.ok(!pushed.includes(id) || dropped.includes(id));
  const last = turns.filter((t) => t.contextId === ids[7]);
  assert.deepEqual(last.map((t) => [t.voiceId, t.chars]), [['bob', 'Answer 7. ']]);
  assert.ok(d.counters.staleChunksDropped > 0);
});

test('stream-input takes one dialogue; a dialogue cut off by a dropped connection fails the socket', async () => {
  const peer = await startPeer((conn) => {
    conn.ws.on('message', (data) => { if (JSON.parse(data.toString()).inputs) conn.ws.terminate(); });
  });
  const d = new DialogueSocket({ baseUrl: peer.base, voices: ['anna'], backoff: { initialMillis: 10, maxMillis: 20 } });
  d.connect();
  assert.ok(d.open() !== null);
  assert.equal(d.open(), null, 'one dialogue per stream-input socket');
  d.say([{ voiceId: 'anna', text: 'Hello. ' }]);
  const s = await waitFor(d, 'status', (x) => x.state === 'failed' || x.state === 'closed', 5000);
  await peer.close();
  assert.equal(s.state, 'failed');
  assert.equal(peer.connections.length, 1);
  assert.throws(() => new DialogueSocket({ voices: [] }), /voices must be a non-empty array/);
  assert.throws(() => new DialogueSocket({ voices: ['a'], outputFormat: 'mp3_44100_128' }), /outputFormat/);
});
