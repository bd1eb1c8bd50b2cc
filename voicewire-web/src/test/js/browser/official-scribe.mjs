// ElevenLabs' own browser client for realtime speech to text (`Scribe` from the official npm
// package @elevenlabs/client, its browser bundle as published) in headless Chromium against a
// voicewire server, with only `baseUri` changed. The backend role (minting single-use tokens with
// the API key) is played here in Node, as the official guide describes.
//   node official-scribe.mjs <server base> <microphone wav> <api key> <pcm16 file for manual mode>
//     [relay: the server relays to the strict ElevenLabs double; only the relayed scenario]
// Prints RESULT lines: mic (the client's own microphone pipeline, VAD commits), manual (PCM
// chunks sent with send() and one commit()), errors (the browser's, before the next one), reused
// (a token used twice, with the console errors the client logs for it).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launch, report, run } from './browser.js';

const [serverBase, wav, apiKey, manualPcm, mode = 'offline'] = process.argv.slice(2);
const wsBase = serverBase.replace(/^http/, 'ws');
const LIB = fileURLToPath(new URL('../../../../node_modules/@elevenlabs/client/dist/lib.iife.js',
  import.meta.url));

/** What the official guide's backend does: one single-use token per browser session. */
async function mintToken() {
  const r = await fetch(serverBase + '/v1/single-use-token/realtime_scribe',
    { method: 'POST', headers: { 'xi-api-key': apiKey }, signal: AbortSignal.timeout(10000) });
  if (r.status !== 200) throw new Error('token: ' + r.status + ' ' + await r.text());
  return (await r.json()).token;
}

/**
 * In the page: connects with the official client, records every event it emits, runs `drive`
 * (a function source, given the connection) and waits until `until` (a function source over the
 * record) holds or `waitMs` passes; then closes and waits for the CLOSE event.
 */
function session({ options, drive, until, waitMs }) {
  const { Scribe, RealtimeEvents } = globalThis.ElevenLabsClient;
  const rec = { events: [], partials: [], committed: [], timestamps: [], errors: [],
    authErrors: [], entities: [], finals: [], close: null, openMs: null, t0: performance.now() };
  const conn = Scribe.connect(options);
  const at = () => Math.round(performance.now() - rec.t0);
  conn.on(RealtimeEvents.OPEN, () => { rec.openMs = at(); });
  conn.on(RealtimeEvents.SESSION_STARTED, (d) => rec.events.push({ type: 'session_started', d }));
  conn.on(RealtimeEvents.PARTIAL_TRANSCRIPT, (d) => rec.partials.push({ text: d.text, ms: at() }));
  conn.on(RealtimeEvents.COMMITTED_TRANSCRIPT, (d) => rec.committed.push({ text: d.text, ms: at() }));
  conn.on(RealtimeEvents.COMMITTED_TRANSCRIPT_WITH_TIMESTAMPS, (d) => rec.timestamps.push(d));
  conn.on(RealtimeEvents.COMMITTED_TRANSCRIPT_ENTITIES, (d) => rec.entities.push(d));
  conn.on(RealtimeEvents.FINAL_TRANSCRIPT, (d) => rec.finals.push(d.text));
  conn.on(RealtimeEvents.AUTH_ERROR, (d) => rec.authErrors.push(d));
  conn.on(RealtimeEvents.ERROR, (e) => rec.errors.push(e instanceof Error ? 'Error: ' + e.message
    : JSON.stringify(e)));
  const closed = new Promise((resolve) => conn.on(RealtimeEvents.CLOSE, (ev) => {
    rec.close = { code: ev.code, reason: ev.reason, ms: at() };
    resolve();
  }));
  const done = (0, eval)('(' + until + ')');
  return (async () => {
    await (0, eval)('(' + drive + ')')(conn, vwTest);
    const end = performance.now() + waitMs;
    while (!done(rec) && rec.close === null && performance.now() < end) await vwTest.sleep(50);
    if (rec.close === null) conn.close();
    await vwTest.within(closed, 10000, 'the CLOSE event');
    return rec;
  })();
}

/**
 * Through the relay (`mode` relay: the server relays to the strict ElevenLabs double): manual
 * chunks with every option and commit(), then a token used twice.
 */
async function relayScenarios(b) {
  const pcm = readFileSync(manualPcm).toString('base64');
  const relayed = await b.page.evaluate(session, {
    options: { token: await mintToken(), modelId: 'scribe_v2_realtime', baseUri: wsBase,
      commitStrategy: 'manual', audioFormat: 'pcm_16000', sampleRate: 16000,
      languageCode: 'en', includeTimestamps: true, keyterms: ['double'],
      entityDetection: ['pii'], filterBackgroundAudio: true },
    drive: `async (conn, t) => {
      while (conn.websocket.readyState !== WebSocket.OPEN) await t.sleep(10);
      conn.send({ audioBase64: ${JSON.stringify(pcm)}, previousText: 'Before this.' });
      conn.commit();
    }`,
    until: 'r => r.committed.length >= 1 && r.timestamps.length >= 1 && r.entities.length >= 1',
    waitMs: 20000,
  });
  report('relayed', relayed);
  report('errors', { errors: b.errors.splice(0) });
}

run(async () => {
  const b = await launch(mode === 'relay' ? {} : { wav });
  try {
    await b.page.goto(serverBase + '/lib/voicewire.css'); // the server's origin, no app code
    await b.page.addScriptTag({ content: readFileSync(LIB, 'utf8') });
    report('lib', { global: await b.page.evaluate(() => typeof globalThis.ElevenLabsClient?.Scribe) });
    if (mode === 'relay') {
      await relayScenarios(b);
      return;
    }

    // 1. the official client's own microphone pipeline (getUserMedia, its AudioWorklet
    // resampling to 16 kHz) with server-side VAD commits, as its README shows
    const micToken = await mintToken();
    const mic = await b.page.evaluate(session, {
      options: { token: micToken, modelId: 'scribe_v2_realtime', baseUri: wsBase,
        commitStrategy: 'vad', includeTimestamps: true, languageCode: 'en',
        vadSilenceThresholdSecs: 0.5,
        microphone: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } },
      drive: 'async () => {}',
      // both commits and their timestamped twins, which come just after each (closing at the
      // second commit lost its twin once, 9 ms later, on a loaded 2-core CI run)
      until: 'r => r.committed.filter(c => c.text.trim()).length >= 2'
        + ' && r.timestamps.filter(t => t.text.trim()).length >= 2',
      waitMs: 40000,
    });
    report('mic', mic);

    // 2. manual mode: PCM chunks of 100 ms through send() (the first with previousText, as the
    // docs allow), then commit(), which the client sends as an empty chunk with commit: true
    const manualToken = await mintToken();
    const pcm = readFileSync(manualPcm).toString('base64');
    const manual = await b.page.evaluate(session, {
      options: { token: manualToken, modelId: 'scribe_v2_realtime', baseUri: wsBase,
        commitStrategy: 'manual', audioFormat: 'pcm_16000', sampleRate: 16000 },
      drive: `async (conn, t) => {
        const bytes = Uint8Array.from(atob(${JSON.stringify(pcm)}), (c) => c.charCodeAt(0));
        while (conn.websocket.readyState !== WebSocket.OPEN) await t.sleep(10);
        for (let i = 0; i < bytes.length; i += 3200) {
          const chunk = bytes.subarray(i, Math.min(bytes.length, i + 3200));
          let s = '';
          for (const x of chunk) s += String.fromCharCode(x);
          conn.send(i === 0 ? { audioBase64: btoa(s), previousText: 'A greeting.' }
            : { audioBase64: btoa(s) });
          await t.sleep(25);
        }
        conn.commit();
      }`,
      until: 'r => r.committed.length >= 1',
      waitMs: 20000,
    });
    report('manual', manual);

    // 3. every connection option the client has, at once (each is validated by the client and
    // sent as a query parameter): the session starts and commits as before
    const pcm1s = pcm.slice(0, Math.floor(16000 * 2 * 1.2 / 3) * 4); // ~1.2 s, whole base64
    const every = await b.page.evaluate(session, {
      options: { token: await mintToken(), modelId: 'scribe_v2_realtime', baseUri: wsBase,
        commitStrategy: 'manual', audioFormat: 'pcm_16000', sampleRate: 16000,
        vadSilenceThresholdSecs: 1.0, vadThreshold: 0.5, minSpeechDurationMs: 200,
        minSilenceDurationMs: 300, languageCode: 'en', secondaryLanguages: ['fr', 'de'],
        includeTimestamps: true, includeLanguageDetection: true, keyterms: ['sunny', 'weather'],
        noVerbatim: true, entityDetection: ['pii'], filterBackgroundAudio: true,
        enableLogging: false },
      drive: `async (conn, t) => {
        while (conn.websocket.readyState !== WebSocket.OPEN) await t.sleep(10);
        conn.send({ audioBase64: ${JSON.stringify(pcm1s)} });
        conn.commit();
      }`,
      until: 'r => r.committed.length >= 1',
      waitMs: 20000,
    });
    report('every', every);
    report('errors', { errors: b.errors.splice(0) });

    // 4. the manual session's token again: single use, so the server refuses it the way the client expects
    const reused = await b.page.evaluate(session, {
      options: { token: manualToken, modelId: 'scribe_v2_realtime', baseUri: wsBase },
      drive: 'async () => {}',
      until: 'r => false', // until the server closes
      waitMs: 10000,
    });
    report('reused', { ...reused, console: b.errors.splice(0) });
  } finally {
    await b.close();
  }
}, 150000);
