// A barge-in storm in headless Chromium against a real voicewire server on the offline engine:
// MultiTtsSocket and the real Player (AudioWorklet) on `multi-stream-input`; an answer is
// interrupted `interruptions` times within `windowMs` (each interrupt closes the speaking
// context and opens a new one, while the server still voices the closed ones), then the last
// answer is spoken to its end. Prints RESULT lines (socket and player counters, the last
// context's voiced text and audio) for the JUnit side, which judges them.
//
//   node barge-in-storm.mjs <server base URL> <interruptions> <window ms> <final text>
import { launch, report, run } from './browser.js';

const [serverBase, interruptions, windowMs, finalText] = process.argv.slice(2);

run(async () => {
  const b = await launch();
  try {
    await b.page.goto(serverBase + '/lib/voicewire.css');
    const storm = await b.page.evaluate(bargeIn,
      { interruptions: Number(interruptions), windowMs: Number(windowMs), finalText });
    report('storm', storm);
    report('errors', { errors: b.errors });
  } finally {
    await b.close();
  }
}, 240000);

// ---- page-side function (serialised by Playwright) ----

async function bargeIn({ interruptions, windowMs, finalText }) {
  const { MultiTtsSocket } = await import('/lib/multi-tts-socket.js');
  const { Player } = await import('/lib/player.js');
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const within = (p, ms, what) => Promise.race([p, sleep(ms).then(() => { throw new Error('timeout: ' + what); })]);
  const player = new Player();
  await player.unlock();
  let stats = null;
  player.on('stats', (s) => { stats = s; });
  const voices = await (await fetch('/v1/voices')).json();
  const tts = new MultiTtsSocket({ baseUrl: location.origin, voiceId: voices.voices[0].voice_id,
    outputFormat: 'pcm_16000', player });
  const errors = [];
  const log = [];
  tts.on('error', (e) => errors.push(e));
  tts.on('status', (s) => { if (log[log.length - 1] !== s.state) log.push(s.state); });
  const pushedMs = new Map();
  tts.on('audio', (a) => pushedMs.set(a.contextId, (pushedMs.get(a.contextId) || 0) + (a.pcm.length * 1000) / a.sampleRate));
  const finals = new Map();
  tts.on('final', (f) => finals.set(f.contextId, f));
  const opened = new Promise((r) => tts.on('status', (s) => { if (s.state === 'open') r(); }));
  tts.connect();
  await within(opened, 20000, 'open');

  const answer = (i) => 'This is answer number ' + i + ', a long sentence that keeps on going so that '
    + 'the listener has plenty of time to interrupt it before it ends. ';
  tts.speak(answer(0));
  tts.flush();
  // interruption i at begin + i × gap (i = 1…n): n interruptions within (n − 1) × gap, 9.5 s for
  // 20 every 500 ms; stormMs is the span from the first to the last as it happened
  const begin = performance.now();
  const gap = windowMs / interruptions;
  const contexts = [];
  let first = NaN;
  let lastAt = NaN;
  for (let i = 1; i <= interruptions; i++) {
    await sleep(Math.max(0, begin + i * gap - performance.now()));
    const last = i === interruptions;
    lastAt = performance.now();
    if (i === 1) first = lastAt;
    contexts.push(tts.interrupt(last ? finalText : answer(i)));
    if (!last) tts.flush();
  }
  const stormMs = lastAt - first;
  const lastId = contexts[contexts.length - 1];
  tts.endContext(lastId);
  const lastFinal = await within(new Promise((r) => {
    if (finals.has(lastId)) r(finals.get(lastId));
    tts.on('final', (f) => { if (f.contextId === lastId) r(f); });
  }), 120000, 'the last context\'s isFinal');
  player.end();
  await within(new Promise((r) => player.on('drained', r)), 60000, 'playback of the last context');
  await sleep(150); // one more stats report after the drain
  const counters = { ...tts.counters };
  tts.close();
  await within(new Promise((r) => tts.on('status', (s) => { if (s.state === 'closed' || s.state === 'failed') r(); })),
    10000, 'close');
  return {
    interruptions: contexts.length, stormMs, contexts, lastId, finalText,
    lastVoiced: lastFinal.chars, lastAudioMs: lastFinal.audioMs, lastPushedMs: pushedMs.get(lastId) || 0,
    counters, errors, log,
    player: stats && { stream: stats.stream, streamPlayedMs: stats.streamPlayedMs, staleMs: stats.staleMs,
      staleChunksDropped: stats.staleChunksDropped, staleMsDropped: stats.staleMsDropped,
      playedMs: stats.playedMs, overruns: stats.overruns, bufferedMs: stats.bufferedMs },
  };
}
