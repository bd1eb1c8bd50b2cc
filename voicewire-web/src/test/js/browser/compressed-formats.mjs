// MP3 and Opus in headless Chromium against a real voicewire server on the offline engine: for
// each format, the page picks it with chooseOutputFormat() (WebCodecs feature detection, PCM
// fallback), speaks one sentence with TtsSocket, plays the PCM it decodes with the real Player
// (AudioWorklet) and reports the player's counters next to the same sentence as PCM. Prints
// RESULT lines for the JUnit side, which judges them.
//
//   node compressed-formats.mjs <server base URL> <text> <format>...
import { launch, report, run } from './browser.js';

const [serverBase, text, ...formats] = process.argv.slice(2);

run(async () => {
  const b = await launch();
  try {
    await b.page.goto(serverBase + '/lib/voicewire.css');
    for (const format of formats) {
      report(format, await b.page.evaluate(speak, { format, text }));
    }
    report('fallback', await b.page.evaluate(fallback));
    report('errors', { errors: b.errors });
  } finally {
    await b.close();
  }
}, 240000);

// ---- page-side functions (serialised by Playwright) ----

async function speak({ format, text }) {
  const { TtsSocket } = await import('/lib/tts-socket.js');
  const { Player } = await import('/lib/player.js');
  const { chooseOutputFormat } = await import('/lib/compressed-decoder.js');
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const within = (p, ms, what) => Promise.race([p, sleep(ms).then(() => { throw new Error('timeout: ' + what); })]);
  const chosen = await chooseOutputFormat(format);
  // a pre-roll longer than the sentence: the engine's pace on a busy machine cannot cause an
  // underrun, so an underrun here is a gap in the decoded audio
  const player = new Player({ sampleRate: 48000, jitter: { minDelayMs: 8000, maxDelayMs: 8000, maxBufferedMs: 16000 } });
  await player.unlock();
  let stats = null;
  player.on('stats', (s) => { stats = s; });
  const voices = await (await fetch('/v1/voices')).json();
  const tts = new TtsSocket({ baseUrl: location.origin, voiceId: voices.voices[0].voice_id, outputFormat: chosen });
  const errors = [];
  tts.on('error', (e) => errors.push(e));
  let pushedMs = 0;
  let rate = 0;
  let chunks = 0;
  let sum = 0;
  let n = 0;
  tts.on('audio', (a) => {
    rate = a.sampleRate;
    chunks++;
    pushedMs += (a.pcm.length * 1000) / a.sampleRate;
    for (let i = 0; i < a.pcm.length; i++) { sum += a.pcm[i] * a.pcm[i]; n++; }
    player.push(a.pcm, a.sampleRate);
  });
  const final = new Promise((r) => tts.on('final', r));
  tts.connect();
  tts.send(text);
  tts.end();
  const f = await within(final, 60000, 'final');
  player.end();
  await within(new Promise((r) => player.on('drained', r)), 60000, 'drained');
  await sleep(150); // one more stats report after the drain
  const decoder = tts.decoder ? { ...tts.decoder.stats } : null;
  await player.context.close();
  return { chosen, rate, chunks, pushedMs, rms: Math.sqrt(sum / Math.max(1, n)), voiced: f.chars, errors, decoder,
    player: stats && { playedMs: stats.playedMs, underruns: stats.underruns, steadyUnderruns: stats.steadyUnderruns,
      overruns: stats.overruns, bufferedMs: stats.bufferedMs } };
}

/** What the page would ask for without WebCodecs: the PCM of the same rate. */
async function fallback() {
  const m = await import('/lib/compressed-decoder.js');
  const saved = globalThis.AudioDecoder;
  const native = { mp3: await m.canDecode('mp3_44100_128'), opus: await m.canDecode('opus_48000_64') };
  globalThis.AudioDecoder = undefined;
  try {
    return { native, mp3: await m.chooseOutputFormat('mp3_44100_128'), opus: await m.chooseOutputFormat('opus_48000_64'),
      mp3_22050: await m.chooseOutputFormat('mp3_22050_32'), pcm: await m.chooseOutputFormat('pcm_16000') };
  } finally {
    globalThis.AudioDecoder = saved;
  }
}
