// The browser client on a bad network, in headless Chromium against a real voicewire server on
// the offline engine: a proxy resets every WebSocket connection 0.6–1.8 s after its upgrade
// (seeded). STT: recorded human speech (raw 16 kHz PCM16 file) is fed to SttSocket in real time,
// once uncut and once through the cuts; TTS: a long text through the cuts. Prints RESULT lines
// (commits with their audio spans, metrics, voiced text) for the JUnit side, which judges them.
//
//   node resume-e2e.mjs <server base URL> <speech.pcm> <tts text> [pace] [tts voice id]
//
// `-` for the speech file skips STT (BrowserTtsCutsTest), `-` for the text skips TTS.
// `pace` (default 1) is the speed of the audio feed relative to real time, the same for the uncut
// and the cut run: below 1 on a machine too loaded for the recogniser to keep up in real time.
// The TTS voice (default: the server's first) should start speaking well inside a connection's
// life: TTS has no server-side session to resume, so a voice whose first audio after a cut takes
// longer than the cuts allow never makes progress.
import { readFileSync } from 'node:fs';
import { launch, report, run } from './browser.js';
import { startProxy } from './proxy.js';

const [serverBase, pcmPath, ttsText, paceArg, ttsVoice] = process.argv.slice(2);
const PACE = Number(paceArg || 1);
const CUT_MIN_MILLIS = 600;
const CUT_MAX_MILLIS = 1800;
const SEED = 20261203;
// After the feed, the test waits for the recogniser's VAD commits to drain the ring; it stops
// waiting once no commit came for this long (the trailing silence is never committed by VAD:
// close() commits it), or after DRAIN_MAX_MILLIS.
const DRAIN_QUIET_MILLIS = 20000;
const DRAIN_MAX_MILLIS = 120000;

run(async () => {
  const target = new URL(serverBase);
  const proxy = await startProxy(target.hostname, Number(target.port));
  const b = await launch();
  try {
    await b.page.goto(proxy.base + '/lib/voicewire.css');
    if (ttsText !== '-') {
      proxy.cutAfterUpgrade(CUT_MIN_MILLIS, CUT_MAX_MILLIS, SEED);
      const beforeTts = proxy.cuts;
      const tts = await b.page.evaluate(speak, { text: ttsText, voice: ttsVoice || null });
      report('tts-cut', { ...tts, cuts: proxy.cuts - beforeTts });
      proxy.noCuts();
    }
    if (pcmPath !== '-') {
      const pcm = readFileSync(pcmPath).toString('base64');
      const feed = { pcmBase64: pcm, pace: PACE, quietMs: DRAIN_QUIET_MILLIS, maxMs: DRAIN_MAX_MILLIS };
      const uncut = await b.page.evaluate(transcribe, feed);
      report('stt-uncut', { ...uncut, cuts: 0 });

      proxy.cutAfterUpgrade(CUT_MIN_MILLIS, CUT_MAX_MILLIS, SEED);
      const before = proxy.cuts;
      const cut = await b.page.evaluate(transcribe, feed);
      report('stt-cut', { ...cut, cuts: proxy.cuts - before });
      proxy.noCuts();
    }
    report('errors', { errors: b.errors });
  } finally {
    await b.close();
    await proxy.close();
  }
}, 1450000);

// ---- page-side functions (serialised by Playwright) ----

async function transcribe({ pcmBase64, pace, quietMs, maxMs }) {
  const { SttSocket } = await import('/lib/stt-socket.js');
  const bin = atob(pcmBase64);
  const all = new Int16Array(bin.length / 2);
  for (let i = 0; i < all.length; i++) all[i] = (bin.charCodeAt(2 * i) | (bin.charCodeAt(2 * i + 1) << 8)) << 16 >> 16;
  const stt = new SttSocket({ baseUrl: location.origin, commitStrategy: 'vad', vadSilenceThresholdSecs: 0.5 });
  const commits = [];
  const log = [];
  let lastCommitAt = performance.now();
  stt.on('committed', (c) => {
    lastCommitAt = performance.now();
    commits.push({ text: c.text, startMs: c.startMs, endMs: c.endMs });
  });
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
  // wait (bounded) until the ring is committed or no commit comes any more, then close gracefully
  const fedAt = performance.now();
  const deadline = fedAt + maxMs;
  while (stt.uplink.ringSamples > 0 && stt.state !== 'failed' && performance.now() < deadline
      && performance.now() - Math.max(lastCommitAt, fedAt - quietMs / 2) < quietMs) {
    await new Promise((r) => setTimeout(r, 200));
  }
  const drainMs = performance.now() - fedAt;
  stt.close();
  const end = await Promise.race([done, new Promise((r) => setTimeout(() => r({ state: 'timeout' }), 30000))]);
  return { commits, pace, feedMs: fedAt - t0, drainMs, end: { state: end.state, error: end.error || null, message: end.message || null },
    metrics: stt.metrics, log: log.slice(0, 20), logLength: log.length };
}

async function speak({ text, voice }) {
  const { TtsSocket } = await import('/lib/tts-socket.js');
  const voices = await (await fetch('/v1/voices')).json();
  const tts = new TtsSocket({ baseUrl: location.origin, voiceId: voice || voices.voices[0].voice_id, outputFormat: 'pcm_16000' });
  const done = new Promise((r) => tts.on('status', (s) => { if (s.state === 'closed' || s.state === 'failed') r(s); }));
  tts.connect();
  for (let i = 0; i < text.length; i += 40) {
    tts.send(text.slice(i, i + 40)); // like LLM tokens, over ~9 s
    await new Promise((r) => setTimeout(r, 150));
  }
  tts.end();
  const end = await Promise.race([done, new Promise((r) => setTimeout(() => r({ state: 'timeout' }), 240000))]);
  return { input: text, voice: voice || voices.voices[0].voice_id, voiced: tts.voicedText(), end: { state: end.state, error: end.error || null, message: end.message || null },
    metrics: tts.metrics };
}
