// The demo page the moment its server starts, in headless Chromium: on a server whose engine is
// not warm yet, Speak is clicked as soon as the page has loaded; the page must say why it waits,
// throw nothing, and play the text once the engine is ready. On a server that needs an API key,
// the page must say what it needs (an app token endpoint) without a failed request.
//
// A server with keys *and* demo tokens works: voices from /demo/info, tokens from /demo/token.
//
// The microphone, clicked twice while the engine warms up, says that it waits and opens exactly one
// STT session once the engine is ready.
//
//   node demo-coldstart.mjs <cold server> <server with keys> <screenshot dir> <server with keys and demo tokens> <mic wav>
import { launch, report, run } from './browser.js';

const [coldBase, keyedBase, shots, keyedDemoBase, micWav] = process.argv.slice(2);
const TEXT = 'Spoken as soon as the engine is warm.';

run(async () => {
  const b = await launch({ wav: micWav, loop: true });
  const sttSockets = [];
  b.page.on('websocket', (ws) => { if (ws.url().includes('speech-to-text')) sttSockets.push(ws.url()); });
  const page = b.page;
  try {
    // ---- 1. cold start: click Speak at once ----
    await page.goto(coldBase + '/', { waitUntil: 'domcontentloaded' });
    const clickedAt = Date.now();
    await page.fill('#text', TEXT);
    await page.click('#speak', { timeout: 5000 });
    await page.click('#mic', { timeout: 5000 });
    await page.click('#mic', { timeout: 5000 }); // an impatient second click while the engine warms up
    const waiting = await page.evaluate(() => {
      const s = document.querySelector('#speak');
      const m = document.querySelector('#mic');
      const note = document.querySelector('#readiness');
      return { readiness: window.voicewireDemo.state.readiness, note: note.hidden ? '' : note.textContent,
        speakLabel: s.textContent.trim(), speakDisabled: s.disabled, busy: s.getAttribute('aria-busy'),
        micLabel: m.textContent.trim(), micBusy: m.getAttribute('aria-busy') };
    });
    await page.screenshot({ path: shots + '/demo-warming.png', fullPage: true });
    await page.waitForFunction(() => window.voicewireDemo.state.drained >= 1, null,
      { timeout: 240000, polling: 100 });
    const played = await page.evaluate(() => {
      const d = window.voicewireDemo;
      const t = d.state.tts;
      return { readiness: d.state.readiness, seen: d.state.readinessSeen, voiced: t ? t.voicedText() : '',
        playedMs: d.player.stats ? d.player.stats.playedMs : 0, speakLabel: document.querySelector('#speak').textContent.trim(),
        noteHidden: document.querySelector('#readiness').hidden };
    });
    await page.waitForFunction(() => window.voicewireDemo.state.mic !== null
      && document.querySelector('#mic').getAttribute('aria-pressed') === 'true', null, { timeout: 60000, polling: 100 });
    await page.waitForTimeout(500); // a second session, if the second click had made one, opens by now
    const mic = await page.evaluate(() => ({ label: document.querySelector('#mic').textContent.trim(),
      busy: document.querySelector('#mic').getAttribute('aria-busy') }));
    await page.evaluate(() => window.voicewireDemo.stopMic());
    report('cold', { waiting, played, mic: { ...mic, sttSockets: sttSockets.length },
      secondsToAudio: (Date.now() - clickedAt) / 1000 });
    await page.evaluate(() => {
      document.querySelector('#text').value = 'Hello! This is voicewire. The words you type here are sent over a '
        + 'WebSocket, turned into speech as they arrive, and played while the rest is still being generated.';
      window.voicewireDemo.speak(document.querySelector('#text').value, { llm: true });
    });
    await page.waitForFunction(() => {
      const d = window.voicewireDemo;
      return d.state.tts && d.state.tts.metrics.chunks >= 1 && d.player.stats && d.player.stats.playing;
    }, null, { timeout: 30000, polling: 50 }).catch(() => {});
    await page.waitForTimeout(1500);
    await page.screenshot({ path: shots + '/demo-ready.png', fullPage: true });
    await page.evaluate(() => window.voicewireDemo.stop());
    report('coldErrors', { errors: b.errors.splice(0) });

    // ---- 2. a server with API keys: a clear message, no failing request ----
    const failed = [];
    page.on('response', (r) => { if (r.status() >= 400) failed.push(r.status() + ' ' + r.url()); });
    await page.goto(keyedBase + '/', { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.voicewireDemo.state.readiness === 'needs-token', null,
      { timeout: 15000, polling: 50 });
    await page.click('#speak', { timeout: 2000, force: true }).catch(() => {});
    await page.waitForTimeout(300);
    report('keyed', await page.evaluate(() => ({
      note: document.querySelector('#readiness').textContent,
      noteVisible: !document.querySelector('#readiness').hidden,
      speakDisabled: document.querySelector('#speak').disabled,
      micDisabled: document.querySelector('#mic').disabled,
      server: document.querySelector('#server-info').textContent,
      tts: window.voicewireDemo.state.tts !== null,
    })).then((r) => ({ ...r, failed })));
    await page.screenshot({ path: shots + '/demo-keyed.png', fullPage: true });
    report('keyedErrors', { errors: b.errors.splice(0) });

    // ---- 3. keys and demo tokens: the page lists the voices and speaks ----
    failed.length = 0;
    await page.goto(keyedDemoBase + '/', { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => document.querySelector('#server-info').dataset.ready === 'true', null,
      { timeout: 60000, polling: 50 }).catch(async (e) => {
      const seen = await page.evaluate(() => ({ state: window.voicewireDemo && window.voicewireDemo.state.readinessSeen,
        note: document.querySelector('#readiness').textContent, server: document.querySelector('#server-info').textContent }));
      throw new Error(e.message + ' ' + JSON.stringify({ seen, failed, errors: b.errors }));
    });
    await page.fill('#text', 'Keys and demo tokens.');
    await page.click('#speak', { timeout: 5000 });
    await page.waitForFunction(() => window.voicewireDemo.state.drained >= 1, null, { timeout: 60000, polling: 100 });
    report('keyedDemo', await page.evaluate(() => ({
      voices: document.querySelectorAll('#voice option').length,
      tokens: window.voicewireDemo.state.tokens,
      voiced: window.voicewireDemo.state.tts.voicedText(),
    })).then((r) => ({ ...r, failed })));
    report('keyedDemoErrors', { errors: b.errors.splice(0) });
  } finally {
    await b.close();
  }
}, 300000);
