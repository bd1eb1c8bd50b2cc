import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TtsSocket } from '../../../main/resources/voicewire-web/lib/tts-socket.js';
import { int16ToBase64 } from '../../../main/resources/voicewire-web/lib/pcm.js';
import { startPeer, waitFor, sleep } from './peer.js';

const RATE = 16000;
const SAMPLES_PER_CHAR = 800; // 50 ms

/** Audio for `text` starting at input index `from`: every sample carries its character's index. */
function audioMessage(text, from) {
  const chars = [...text];
  const pcm = new Int16Array(chars.length * SAMPLES_PER_CHAR);
  for (let i = 0; i < chars.length; i++) pcm.fill(from + i + 1, i * SAMPLES_PER_CHAR, (i + 1) * SAMPLES_PER_CHAR);
  return { audio: int16ToBase64(pcm), isFinal: null,
    alignment: { chars, charStartTimesMs: chars.map((_, i) => i * 50), charDurationsMs: chars.map(() => 50) },
    normalizedAlignment: null };
}

function collect(tts) {
  const out = { audio: [], status: [], errors: [], seams: [] };
  tts.on('audio', (d) => out.audio.push(d.pcm));
  tts.on('status', (d) => out.status.push(d.state));
  tts.on('error', (d) => out.errors.push(d.error));
  tts.on('seam', (d) => out.seams.push(d));
  return out;
}

const fastBackoff = { initialMillis: 10, maxMillis: 40, maxAttempts: 3 };

test('a drop mid-word reconnects with a fresh token and delivers every character exactly once', async () => {
  const input = 'Hello wonderful world. ';
  const peer = await startPeer(async (conn, index) => {
    await conn.next((m) => m.text === '');
    if (index === 0) {
      conn.send(audioMessage('Hello won', 0));
      await sleep(30);
      conn.ws.terminate(); // no close frame: the client sees 1006
    } else {
      const t = conn.received[1].text;
      conn.send(audioMessage(t, input.length - t.length));
      conn.send({ isFinal: true });
      conn.ws.close(1000);
    }
  });
  let tokens = 0;
  const tts = new TtsSocket({ baseUrl: peer.base, voiceId: 'v1', outputFormat: 'pcm_16000',
    token: async () => 'tok' + ++tokens, backoff: fastBackoff });
  const seen = collect(tts);
  tts.send('Hello ');
  tts.send('wonderful world. ');
  tts.end();
  tts.connect();
  await waitFor(tts, 'status', (s) => s.state === 'closed' || s.state === 'failed');
  await peer.close();
  assert.deepEqual(seen.status.filter((s, i, a) => s !== a[i - 1]),
    ['connecting', 'open', 'reconnecting', 'open', 'closing', 'closed']);
  assert.equal(peer.connections.length, 2);
  assert.match(peer.connections[0].url, /single_use_token=tok1/);
  assert.match(peer.connections[1].url, /single_use_token=tok2/);
  assert.match(peer.connections[0].url, /sync_alignment=true/);
  assert.match(peer.connections[0].url, /output_format=pcm_16000/);
  // the re-send starts at the word that contains the cursor
  assert.deepEqual(peer.connections[1].received.map((m) => m.text), [' ', 'wonderful world. ', '']);
  assert.equal(tts.voicedText(), input);
  // sample-exact: each character's audio exactly once, in order
  const all = seen.audio.flatMap((a) => Array.from(a));
  assert.equal(all.length, input.length * SAMPLES_PER_CHAR);
  for (let i = 0; i < input.length; i++) assert.equal(all[i * SAMPLES_PER_CHAR], i + 1, 'char ' + i);
  assert.ok(all.every((v, i) => v === Math.floor(i / SAMPLES_PER_CHAR) + 1));
  assert.equal(seen.seams.length, 1);
  assert.equal(tts.metrics.cutMs, 150);
});

test('an auth error is not retried', async () => {
  const peer = await startPeer((conn) => {
    conn.send({ message: 'invalid token', error: 'auth_error', code: 1008 });
    conn.ws.close(1008, 'invalid token');
  });
  const tts = new TtsSocket({ baseUrl: peer.base, voiceId: 'v1', token: async () => 't', backoff: fastBackoff });
  const seen = collect(tts);
  tts.connect();
  const s = await waitFor(tts, 'status', (d) => d.state === 'failed' || d.state === 'closed');
  await sleep(100);
  await peer.close();
  assert.equal(s.state, 'failed');
  assert.equal(s.error, 'auth_error');
  assert.equal(peer.connections.length, 1);
  assert.deepEqual(seen.errors, ['auth_error']);
});

test('a token endpoint answering 401 fails at once; other token failures are retried', async () => {
  const tts = new TtsSocket({ baseUrl: 'http://127.0.0.1:9', voiceId: 'v1', backoff: fastBackoff,
    token: async () => { throw Object.assign(new Error('HTTP 401'), { status: 401 }); } });
  tts.connect();
  const s = await waitFor(tts, 'status', (d) => d.state === 'failed');
  assert.equal(s.error, 'token_error');
  let calls = 0;
  const tts2 = new TtsSocket({ baseUrl: 'http://127.0.0.1:9', voiceId: 'v1', backoff: fastBackoff,
    token: async () => { calls++; throw new Error('network'); } });
  tts2.connect();
  const s2 = await waitFor(tts2, 'status', (d) => d.state === 'failed');
  assert.match(s2.message, /gave up after 3 attempts/);
  assert.equal(calls, 4);
});

test('reconnect gives up loudly after repeated failures', async () => {
  const peer = await startPeer((conn) => conn.ws.terminate());
  const tts = new TtsSocket({ baseUrl: peer.base, voiceId: 'v1', backoff: fastBackoff });
  const states = collect(tts).status;
  tts.connect();
  const s = await waitFor(tts, 'status', (d) => d.state === 'failed');
  await peer.close();
  assert.match(s.message, /gave up after 3 attempts/);
  assert.equal(peer.connections.length, 4);
  assert.equal(states.filter((x) => x === 'reconnecting').length >= 3, true);
});

test('keep-alive sends a single space while idle, never an empty text', async () => {
  const peer = await startPeer(() => {});
  const tts = new TtsSocket({ baseUrl: peer.base, voiceId: 'v1', keepAliveMillis: 80 });
  tts.connect();
  await waitFor(tts, 'status', (d) => d.state === 'open');
  await sleep(400);
  const texts = peer.connections[0].received.map((m) => m.text);
  tts.abort();
  await peer.close();
  assert.ok(texts.length >= 4, 'messages: ' + JSON.stringify(texts));
  assert.ok(texts.every((t) => t === ' '));
});

test('send("") never ends the stream; calls after end() return false', async () => {
  const tts = new TtsSocket({ baseUrl: 'http://127.0.0.1:9', voiceId: 'v1' });
  assert.equal(tts.send(''), true);
  assert.equal(tts.end(), true);
  assert.equal(tts.send('more'), false);
  assert.equal(tts.end(), false);
  // mp3/opus need WebCodecs (Node has none): the error names the PCM to ask for instead
  assert.throws(() => new TtsSocket({ voiceId: 'v', outputFormat: 'mp3_44100_128' }), /no WebCodecs AudioDecoder: ask for pcm_44100/);
  assert.throws(() => new TtsSocket({ voiceId: 'v', outputFormat: 'flac_44100' }), /outputFormat must be pcm_<rate> or ulaw_8000, mp3_\* or opus_48000_\*: flac_44100/);
  assert.throws(() => new TtsSocket({}), /voiceId is required/);
});

test('without alignment a drop after audio cannot resume exactly: the socket fails instead of repeating', async () => {
  const peer = await startPeer(async (conn) => {
    await conn.next((m) => m.text === '');
    const m = audioMessage('Hello ', 0);
    delete m.alignment;
    conn.send(m);
    await sleep(30);
    conn.ws.terminate();
  });
  const tts = new TtsSocket({ baseUrl: peer.base, voiceId: 'v1', backoff: fastBackoff });
  tts.send('Hello world. ');
  tts.end();
  tts.connect();
  const s = await waitFor(tts, 'status', (d) => d.state === 'failed' || d.state === 'closed');
  await peer.close();
  assert.equal(s.state, 'failed');
  assert.equal(s.message, 'cannot resume');
  assert.equal(peer.connections.length, 1);
});

test('without alignment a drop before any audio is retried', async () => {
  const peer = await startPeer(async (conn, index) => {
    await conn.next((m) => m.text === '');
    if (index === 0) { conn.ws.terminate(); return; }
    conn.send({ audio: audioMessage('Hi ', 0).audio });
    conn.send({ isFinal: true });
    conn.ws.close(1000);
  });
  const tts = new TtsSocket({ baseUrl: peer.base, voiceId: 'v1', backoff: fastBackoff });
  tts.send('Hi ');
  tts.end();
  tts.connect();
  const s = await waitFor(tts, 'status', (d) => d.state === 'failed' || d.state === 'closed');
  await peer.close();
  assert.equal(s.state, 'closed');
  assert.equal(peer.connections.length, 2);
});

test('close() ends the input and waits for the final audio; abort() stops at once', async () => {
  const peer = await startPeer(async (conn, index) => {
    if (index > 0) return;
    await conn.next((m) => m.text === '');
    await sleep(50);
    conn.send(audioMessage('Bye. ', 0));
    conn.send({ isFinal: true });
    conn.ws.close(1000);
  });
  const tts = new TtsSocket({ baseUrl: peer.base, voiceId: 'v1' });
  const got = [];
  tts.on('audio', (d) => got.push(d.pcm.length));
  tts.send('Bye. ');
  tts.connect();
  await waitFor(tts, 'status', (d) => d.state === 'open');
  assert.equal(tts.close(), true);
  const s = await waitFor(tts, 'status', (d) => d.state === 'closed');
  assert.equal(s.code, 1000);
  assert.equal(got.length, 1);
  assert.equal(tts.voicedText(), 'Bye. ');
  assert.equal(tts.abort(), false);
  const tts2 = new TtsSocket({ baseUrl: peer.base, voiceId: 'v1' });
  tts2.connect();
  await waitFor(tts2, 'status', (d) => d.state === 'open');
  assert.equal(tts2.abort(), true);
  assert.equal(tts2.state, 'closed');
  await peer.close();
});
