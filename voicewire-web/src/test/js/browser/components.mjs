// Browser component tests that need no voicewire server: the player (streaming, resampling,
// underruns, interrupt) and the microphone (worklet capture, resampling to 16 kHz, chunking),
// in real headless Chromium. Prints RESULT lines; the JUnit side asserts on them.
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdirSync, existsSync } from 'node:fs';
import { launch, report, run } from './browser.js';
import { serveStatic, VECTORS_ROOT } from './static-server.js';
import { tones, writeWav } from './wav.js';

run(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voicewire-wav-'));
  const wav = join(dir, 'tones.wav');
  // 1 kHz (speech band) + 11 kHz (must not alias into a 16 kHz stream), 1.5 s, at 48 kHz
  writeWav(wav, tones([{ freq: 1000, amp: 0.3 }, { freq: 11000, amp: 0.3 }], 48000, 1.5, 0.2), 48000);
  const site = await serveStatic({ '/blank': (req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>t</title>') });
  const b = await launch({ wav });
  try {
    await b.page.goto(site.base + '/blank');
    const player = await b.page.evaluate(playerTest);
    report('player', player);
    const interrupt = await b.page.evaluate(interruptTest);
    report('interrupt', interrupt);
    const mic = await b.page.evaluate(micTest);
    report('mic', mic);
    const dirJ = join(VECTORS_ROOT, 'jitter');
    const vectors = existsSync(dirJ) ? readdirSync(dirJ).filter((f) => f.endsWith('.json')).sort() : [];
    report('vectors', await b.page.evaluate(vectorTest, vectors));
    report('errors', { errors: b.errors });
  } finally {
    await b.close();
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- page-side functions (serialised by Playwright) ----

async function playerTest() {
  const { Player } = await import('/lib/player.js');
  const ctx = new AudioContext({ sampleRate: 48000 });
  const rec = await (async () => {
    const src = `registerProcessor('rec', class extends AudioWorkletProcessor {
      process(inputs) { const i = inputs[0]; if (i && i[0]) this.port.postMessage(i[0].slice()); return true; } });`;
    await ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
    const node = new AudioWorkletNode(ctx, 'rec', { numberOfInputs: 1, numberOfOutputs: 0 });
    const frames = [];
    node.port.onmessage = (e) => frames.push(e.data);
    return { node, frames };
  })();
  const player = new Player({ context: ctx, destination: rec.node });
  await player.unlock();
  const rate = 16000;
  const total = 2 * rate;
  const sine = new Int16Array(total);
  for (let i = 0; i < total; i++) sine[i] = Math.round(0.4 * 32767 * Math.sin((2 * Math.PI * 1000 * i) / rate));
  const drained = new Promise((r) => player.on('drained', r));
  const started = new Promise((r) => player.on('started', r));
  // 100 ms chunks every 40 ms: faster than real time, as TTS audio arrives; the first 500 ms at
  // once, so that a page timer late by up to that much on a loaded machine (one underrun in a
  // CI run on 2 busy cores) cannot starve the player: what is tested is the player, not setTimeout
  for (let off = 0; off < total; off += 1600) {
    player.push(sine.subarray(off, off + 1600), rate);
    if (off >= 4 * 1600) await new Promise((r) => setTimeout(r, 40));
  }
  player.end();
  await started;
  await Promise.race([drained, new Promise((r) => setTimeout(r, 8000))]);
  await new Promise((r) => setTimeout(r, 100));
  const n = rec.frames.reduce((a, f) => a + f.length, 0);
  const out = new Float32Array(n);
  let o = 0;
  for (const f of rec.frames) { out.set(f, o); o += f.length; }
  let first = -1;
  let last = -1;
  for (let i = 0; i < out.length; i++) if (Math.abs(out[i]) > 0.01) { if (first < 0) first = i; last = i; }
  const body = out.subarray(first + 4800, last - 4800);
  const amp = (f) => {
    let s = 0; let c = 0;
    for (let i = 0; i < body.length; i++) { const p = (2 * Math.PI * f * i) / 48000; s += body[i] * Math.sin(p); c += body[i] * Math.cos(p); }
    return (2 * Math.sqrt(s * s + c * c)) / body.length;
  };
  // dropouts inside the sound: runs of zeros longer than 1 ms
  let gaps = 0; let run = 0;
  for (let i = first; i <= last; i++) { if (Math.abs(out[i]) < 1e-6) { if (++run === 48) gaps++; } else run = 0; }
  const stats = player.stats;
  await ctx.close();
  return { playedMs: ((last - first + 1) * 1000) / 48000, amp1k: amp(1000), image15k: amp(15000), image17k: amp(17000),
    gaps, underruns: stats.underruns, overruns: stats.overruns, outputRate: stats.outputRate, streamRate: stats.streamRate,
    drainedBufferMs: stats.bufferedMs };
}

async function interruptTest() {
  const { Player } = await import('/lib/player.js');
  const ctx = new AudioContext({ sampleRate: 48000 });
  const src = `registerProcessor('rec2', class extends AudioWorkletProcessor {
    process(inputs) { const i = inputs[0]; if (i && i[0]) this.port.postMessage({t: currentTime, d: i[0].slice()}); return true; } });`;
  await ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
  const recNode = new AudioWorkletNode(ctx, 'rec2', { numberOfInputs: 1, numberOfOutputs: 0 });
  const frames = [];
  recNode.port.onmessage = (e) => frames.push(e.data);
  const player = new Player({ context: ctx, destination: recNode });
  await player.unlock();
  const pcm = new Int16Array(3 * 24000).fill(12000); // 3 s of DC at 24 kHz
  player.push(pcm, 24000);
  await new Promise((r) => player.on('started', r));
  await new Promise((r) => setTimeout(r, 300));
  const interrupted = new Promise((r) => player.on('interrupted', r));
  player.interrupt(15);
  await interrupted;
  const tInterrupted = ctx.currentTime;
  await new Promise((r) => setTimeout(r, 300));
  const after = frames.filter((f) => f.t > tInterrupted + 0.01);
  const loudAfter = after.reduce((m, f) => Math.max(m, ...f.d.map(Math.abs)), 0);
  // the fade: the last loud samples ramp down instead of stopping dead
  const all = frames.flatMap((f) => Array.from(f.d));
  let lastLoud = all.length - 1;
  while (lastLoud > 0 && Math.abs(all[lastLoud]) < 1e-4) lastLoud--;
  const tail = all.slice(lastLoud - 720, lastLoud + 1); // 15 ms at 48 kHz
  const rampDown = tail.length > 10 && tail[0] > tail[Math.floor(tail.length / 2)] && tail[Math.floor(tail.length / 2)] > tail[tail.length - 1];
  const bufferedMs = player.stats.bufferedMs;
  await ctx.close();
  return { loudAfter, rampDown, bufferedMs, startLevel: tail[0] };
}

async function micTest() {
  const { Microphone } = await import('/lib/mic.js');
  const mic = new Microphone({ chunkMillis: 50, echoCancellation: false, noiseSuppression: false, autoGainControl: false });
  const chunks = [];
  mic.on('chunk', ({ pcm }) => chunks.push(pcm));
  const ok = await mic.start();
  if (!ok) return { ok, state: mic.state };
  const deviceRate = mic.context.sampleRate;
  await new Promise((r) => setTimeout(r, 2500));
  mic.stop();
  await new Promise((r) => setTimeout(r, 300));
  const sizes = [...new Set(chunks.slice(0, -1).map((c) => c.length))];
  const all = new Int16Array(chunks.reduce((a, c) => a + c.length, 0));
  let o = 0;
  for (const c of chunks) { all.set(c, o); o += c.length; }
  // find the tone: the loudest 1 s window
  let best = 0; let bestAt = 0;
  for (let s = 0; s + 16000 <= all.length; s += 800) {
    let e = 0; for (let i = s; i < s + 16000; i += 4) e += all[i] * all[i];
    if (e > best) { best = e; bestAt = s; }
  }
  const win = all.subarray(bestAt + 1600, bestAt + 14400);
  const amp = (f) => {
    let s = 0; let c = 0;
    for (let i = 0; i < win.length; i++) { const p = (2 * Math.PI * f * i) / 16000; s += win[i] * Math.sin(p); c += win[i] * Math.cos(p); }
    return (2 * Math.sqrt(s * s + c * c)) / win.length / 32768;
  };
  // 11 kHz at 16 kHz would fold to 5 kHz
  return { ok, deviceRate, chunkSizes: sizes, chunks: chunks.length, amp1k: amp(1000), alias5k: amp(5000) };
}

async function vectorTest(files) {
  // the vectors again, inside the browser, through the very module the player worklet imports
  const { checkVector } = await import('/src/test/js/jitter-driver.js');
  const failures = [];
  for (const f of files) {
    const v = await (await fetch('/test-vectors/jitter/' + f)).json();
    const r = checkVector(v);
    if (!r.ok) failures.push({ file: f, events: r.events, final: r.final });
  }
  return { ran: files.length, failures };
}
