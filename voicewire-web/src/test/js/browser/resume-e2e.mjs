// The browser client on a bad network, in headless Chromium against a real voicewire server on
// the offline engine: a proxy resets every WebSocket connection 0.6–1.8 s after its upgrade
// (seeded). STT: recorded human speech (raw 16 kHz PCM16 file) is fed to SttSocket in real time,
// once uncut and once through the cuts; TTS: a long text through the cuts. Prints RESULT lines
// (commits with their audio spans, metrics, voiced text) for the JUnit side, which judges them.
//
//   node resume-e2e.mjs <server base URL> <speech.pcm> <tts text> [pace]
//
// `pace` (default 1) is the speed of the audio feed relative to real time, the same for the uncut
// and the cut run: below 1 on a machine too loaded for the recogniser to keep up in real time.
import { readFileSync } from 'node:fs';
import { launch, report, run } from './browser.js';
import { startProxy } from './proxy.js';

const [serverBase, pcmPath, ttsText, paceArg] = process.argv.slice(2);
const PACE = Number(paceArg || 1);
const CUT_MIN_MILLIS = 600;
const CUT_MAX_MILLIS = 1800;
const SEED = 20261203;

run(async () => {
  const target = new URL(serverBase);
  const proxy = await startProxy(target.hostname, Number(target.port));
  const b = await launch();
  try {
    await b.page.goto(proxy.base + '/lib/voicewire.css');
    const pcm = readFileSync(pcmPath).toString('base64');

    proxy.cutAfterUpgrade(CUT_MIN_MILLIS, CUT_MAX_MILLIS, SEED);
    const beforeTts = proxy.cuts;
    const tts = await b.page.evaluate(speak, ttsText);
    report('tts-cut', { ...tts, cuts: proxy.cuts - beforeTts });

    proxy.noCuts();
    const uncut = await b.page.evaluate(transcribe, { pcmBase64: pcm, pace: PACE });
    report('stt-uncut', { ...uncut, cuts: 0 });

    proxy.cutAfterUpgrade(CUT_MIN_MILLIS, CUT_MAX_MILLIS, SEED);
    const before = proxy.cuts;
    const cut = await b.page.evaluate(transcribe, { pcmBase64: pcm, pace: PACE });
    report('stt-cut', { ...cut, cuts: proxy.cuts - before });
    proxy.noCuts();
    report('errors', { errors: b.errors });
  } finally {
    await b.close();
    await proxy.close();
  }
}, 1450000);

// ---- page-side functions (serialised by Playwright) ----

async function transcribe({ pcmBase64, pace }) {
  const { SttSocket } = await import('/lib/stt-socket.js');
  const bin = atob(pcmBase64);
  const all = new Int16Array(bin.length / 2);
  for (let i = 0; i < all.length; i++) all[i] = (bin.charCodeAt(2 * i) | (bin.charCodeAt(2 * i + 1) << 8)) << 16 >> 16;
  const stt = new SttSocket({ baseUrl: location.origin, commitStrategy: 'vad', vadSilenceThresholdSecs: 0.5 });
  const commits = [];
  const log = [];
  stt.on('committed', (c) => commits.push({ text: c.text, startMs: c.startMs, endMs: c.endMs }));
  stt.on('status', (s) => { if (log[log.length - 1] !== s.state) log.push(s.state); });
  const done = new Promise((r) => stt.on('status', (s) => { if (s.state === 'closed' || s.state === 'failed') r(s); }));
  stt.connect();
  const CHUNK = 1600; // 100 ms, sent in real time (× pace) like a microphone
  const t0 = performance.now();
  for (let off = 0; off < all.length && stt.state !== 'failed'; off += CHUNK) {
    stt.sendAudio(all.slice(off, off + CHUNK));
    const due = t0 + ((off + CHUNK) / 16) / pace - performance.now();
    await new Promise((r) => setTimeout(r, Math.max(0, due)));
  }
  // wait (bounded) until the ring is committed, then close gracefully
  const deadline = performance.now() + 120000;
  while (stt.uplink.ringSamples > 0 && stt.state !== 'failed' && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }
  stt.close();
  const end = await Promise.race([done, new Promise((r) => setTimeout(() => r({ state: 'timeout' }), 30000))]);
  return { commits, pace, feedMs: performance.now() - t0, end: { state: end.state, error: end.error || null, message: end.message || null },
    metrics: stt.metrics, log: log.slice(0, 20), logLength: log.length };
}

async function speak(text) {
  const { TtsSocket } = await import('/lib/tts-socket.js');
  const voices = await (await fetch('/v1/voices')).json();
  const tts = new TtsSocket({ baseUrl: location.origin, voiceId: voices.voices[0].voice_id, outputFormat: 'pcm_16000' });
  const done = new Promise((r) => tts.on('status', (s) => { if (s.state === 'closed' || s.state === 'failed') r(s); }));
  tts.connect();
  for (let i = 0; i < text.length; i += 40) {
    tts.send(text.slice(i, i + 40)); // like LLM tokens, over ~9 s
    await new Promise((r) => setTimeout(r, 150));
  }
  tts.end();
  const end = await Promise.race([done, new Promise((r) => setTimeout(() => r({ state: 'timeout' }), 240000))]);
  return { input: text, voiced: tts.voicedText(), end: { state: end.state, error: end.error || null, message: end.message || null },
    metrics: tts.metrics };
}
