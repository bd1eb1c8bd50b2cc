// Manual STT commits in headless Chromium (BrowserSttCommitsTest): SttSocket dictates coded
// speech (CodedSpeechProvider: 20 ms frames whose samples are a character's code, 0 = silence)
// segment by segment, with commit() after each, to a voicewire server whose engine answers late.
// Three runs: uncut; through a proxy that resets every WebSocket connection 0.6–1.8 s after its
// upgrade (seeded), where every third commit() is made while the socket is reconnecting; and, on
// a second server whose engine refuses once with resource_exhausted, a long segment (not a cut:
// no forced commit may follow). Prints RESULT lines for the JUnit side, which judges them.
//
//   node stt-commits.mjs <late server base URL> <exhausting server base URL> <segments json> <long segments json>
import { launch, report, run } from './browser.js';
import { startProxy } from './proxy.js';

const [lateBase, exhaustBase, segmentsJson, longJson] = process.argv.slice(2);
const CUT_MIN_MILLIS = 600;
const CUT_MAX_MILLIS = 1800;
const SEED = 20261204;

run(async () => {
  const target = new URL(lateBase);
  const proxy = await startProxy(target.hostname, Number(target.port));
  const b = await launch();
  try {
    const segments = JSON.parse(segmentsJson);
    await b.page.goto(proxy.base + '/lib/voicewire.css');
    report('uncut', await b.page.evaluate(dictate, { segments, reconnectingEvery: 0 }));
    proxy.cutAfterUpgrade(CUT_MIN_MILLIS, CUT_MAX_MILLIS, SEED);
    const before = proxy.cuts;
    const cut = await b.page.evaluate(dictate, { segments, reconnectingEvery: 3 });
    report('cut', { ...cut, cuts: proxy.cuts - before });
    proxy.noCuts();
    await b.page.goto(exhaustBase + '/lib/voicewire.css');
    report('exhausted', await b.page.evaluate(dictate, { segments: JSON.parse(longJson), reconnectingEvery: 0 }));
    report('errors', { errors: b.errors });
  } finally {
    await b.close();
    await proxy.close();
  }
}, 110000);

// ---- page-side function (serialised by Playwright) ----

async function dictate({ segments, reconnectingEvery }) {
  const { SttSocket } = await import('/lib/stt-socket.js');
  const RATE = 16000;
  const FRAME = 320; // 20 ms
  const CHUNK = 1600; // 100 ms, sent in real time like a microphone
  const stt = new SttSocket({ baseUrl: location.origin, commitStrategy: 'manual' });
  const commits = [];
  const errors = [];
  const seams = [];
  stt.on('committed', (c) => commits.push(c.text.trim()));
  stt.on('error', (e) => errors.push(e.error));
  stt.on('seam', (s) => seams.push(s));
  const done = new Promise((r) => stt.on('status', (s) => { if (s.state === 'closed' || s.state === 'failed') r(s); }));
  stt.connect();
  const t0 = performance.now();
  let fed = 0;
  let whileReconnecting = 0;
  for (const [k, text] of segments.entries()) {
    // every word, then two silent frames (FakeSpeech.say(word + ' ') + silence(2))
    const frames = [];
    for (const word of text.trim().split(/\s+/)) {
      for (const ch of word + ' ') frames.push(ch.charCodeAt(0));
      frames.push(0, 0);
    }
    const pcm = new Int16Array(frames.length * FRAME);
    frames.forEach((v, i) => pcm.fill(v, i * FRAME, (i + 1) * FRAME));
    for (let off = 0; off < pcm.length; off += CHUNK) {
      stt.sendAudio(pcm.slice(off, off + CHUNK));
      fed += Math.min(CHUNK, pcm.length - off);
      const due = t0 + (fed * 1000) / RATE - performance.now();
      await new Promise((r) => setTimeout(r, Math.max(0, due)));
    }
    if (reconnectingEvery > 0 && k % reconnectingEvery === 1) {
      // the app commits while the socket reconnects (bounded wait for a cut)
      const until = performance.now() + 3000;
      while (stt.state !== 'reconnecting' && performance.now() < until) await new Promise((r) => setTimeout(r, 5));
      if (stt.state === 'reconnecting') whileReconnecting++;
    }
    stt.commit();
  }
  const fedAt = performance.now();
  while (commits.length < segments.length && stt.state !== 'failed' && performance.now() - fedAt < 20000) {
    await new Promise((r) => setTimeout(r, 50));
  }
  stt.close();
  const end = await Promise.race([done, new Promise((r) => setTimeout(() => r({ state: 'timeout' }), 10000))]);
  return { commits, errors, whileReconnecting, seams: seams.length,
    seamForcedCommits: seams.reduce((n, s) => n + (s.forcedCommits || 0), 0),
    feedMs: fedAt - t0, drainMs: performance.now() - fedAt,
    end: { state: end.state, error: end.error || null, message: end.message || null }, metrics: stt.metrics };
}
