// A dialogue of two voices in headless Chromium against a real voicewire server on the offline
// engine: DialogueSocket with the real Player, once on `/v1/text-to-dialogue/stream-input` and
// once on `/multi-stream-input` (one dialogue context). Prints RESULT lines (each turn's voice,
// text, voiced characters from the alignment and audio length; the player's counters) for the
// JUnit side, which judges them. Then the example page examples/web/dialogue.html, served from
// another origin (the server allows it), plays its script: its turns and final status.
//
//   node dialogue.mjs <server base URL> <script as JSON: [[speaker 0|1, text], …]>
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { launch, report, run } from './browser.js';
import { serveStatic } from './static-server.js';

const EXAMPLE = fileURLToPath(new URL('../../../../../examples/web/dialogue.html', import.meta.url));

const [serverBase, scriptJson] = process.argv.slice(2);

run(async () => {
  const b = await launch();
  try {
    await b.page.goto(serverBase + '/lib/voicewire.css');
    const script = JSON.parse(scriptJson);
    report('stream-input', await b.page.evaluate(dialogue, { script, multi: false }));
    report('multi-stream-input', await b.page.evaluate(dialogue, { script, multi: true }));
    const html = await readFile(EXAMPLE);
    const site = await serveStatic({ '/dialogue.html': (req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html) });
    try {
      await b.page.goto(site.base + '/dialogue.html?server=' + encodeURIComponent(serverBase));
      await b.page.waitForSelector('#play:not([disabled])', { timeout: 30000 });
      await b.page.click('#play');
      await b.page.waitForFunction(() => /^(Done|Failed)/.test(document.getElementById('status').textContent), null,
        { timeout: 180000 });
      report('example', await b.page.evaluate(() => ({ status: document.getElementById('status').textContent,
        turns: [...document.querySelectorAll('#turns li')].map((li) => li.textContent),
        origin: location.origin })));
    } finally {
      await site.close();
    }
    report('errors', { errors: b.errors });
  } finally {
    await b.close();
  }
}, 300000);

// ---- page-side function (serialised by Playwright) ----

async function dialogue({ script, multi }) {
  const { DialogueSocket } = await import('/lib/dialogue-socket.js');
  const { sleep, within } = vwTest;
  const audio = await vwTest.player();
  const player = audio.player;
  const voices = (await (await fetch('/v1/voices')).json()).voices.slice(0, 2).map((v) => v.voice_id);
  const d = new DialogueSocket({ baseUrl: location.origin, voices, multi, outputFormat: 'pcm_16000', player });
  const errors = [];
  const log = [];
  const turns = [];
  d.on('error', (e) => errors.push(e));
  d.on('status', (s) => { if (log[log.length - 1] !== s.state) log.push(s.state); });
  d.on('turn', (t) => turns.push({ at: performance.now(), ...t }));
  let pushedMs = 0;
  d.on('audio', (a) => { pushedMs += (a.pcm.length * 1000) / a.sampleRate; });
  const final = new Promise((r) => d.on('final', r));
  const done = new Promise((r) => d.on('status', (s) => { if (s.state === 'closed' || s.state === 'failed') r(s); }));
  d.connect();
  const t0 = performance.now();
  const id = d.open();
  for (const [speaker, text] of script) {
    d.say([{ voiceId: voices[speaker], text }]);
    await sleep(50); // lines arrive one by one, as from an LLM
  }
  d.end();
  const f = await within(final, 180000, 'the dialogue\'s is_final');
  player.end();
  await within(new Promise((r) => player.on('drained', r)), 120000, 'playback');
  await sleep(150); // one more stats report after the drain
  if (multi) d.close();
  const end = await within(done, 10000, 'close');
  return {
    multi, voices, contextId: id, turns, final: { chars: f.chars, audioMs: f.audioMs, lost: f.lost },
    pushedMs, firstTurnMs: turns.length ? turns[0].at - t0 : NaN, counters: { ...d.counters }, errors, log,
    end: { state: end.state, error: end.error || null, message: end.message || null },
    player: audio.stats && { stream: audio.stats.stream, streamPlayedMs: audio.stats.streamPlayedMs,
      playedMs: audio.stats.playedMs, staleMs: audio.stats.staleMs, underruns: audio.stats.underruns,
      overruns: audio.stats.overruns },
  };
}
