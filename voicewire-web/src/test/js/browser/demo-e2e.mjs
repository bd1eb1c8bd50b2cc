// End-to-end tests of the demo page against a real voicewire server on the offline engine, in
// headless Chromium: TTS plays to the end with zero underruns; a socket cut mid-stream shows
// "reconnecting" and recovers with every character voiced exactly once; a WAV fed as the
// microphone gives partial then committed transcripts; and a screenshot of the page.
//
//   node demo-e2e.mjs <server base URL> <microphone WAV> <screenshot path> <words of utterance 1> [<words of utterance 2>]
import { launch, report, run } from './browser.js';
import { startProxy } from './proxy.js';

const [serverBase, wav, screenshot, expected, expected2] = process.argv.slice(2);

const TTS_TEXT = 'Streaming speech starts playing while the rest of the sentence is still being made. '
  + 'Every word arrives once, in order, with nothing lost.';
const DROP_TEXT = 'This sentence is streamed a few characters at a time, like tokens from a language model. '
  + 'Halfway through, the connection is cut on purpose. The client reconnects with a fresh token, '
  + 'sends only the words not yet spoken, and trims the audio it already played.';

run(async () => {
  const target = new URL(serverBase);
  const proxy = await startProxy(target.hostname, Number(target.port));
  const b = await launch({ wav });
  const page = b.page;
  try {
    await page.goto(proxy.base + '/');
    await page.waitForFunction(() => document.querySelector('#server-info')?.dataset.ready === 'true', null, { timeout: 15000 });
    const info = await page.evaluate(() => ({
      voices: document.querySelectorAll('#voice option').length,
      tokens: window.voicewireDemo.state.tokens,
      server: document.querySelector('#server-info').textContent,
    }));
    report('page', info);
    await page.evaluate(() => window.voicewireDemo.player.unlock());

    // ---- 1. TTS plays to the end, no underruns at steady state ----
    await page.evaluate((text) => { window.voicewireDemo.speak(text); }, TTS_TEXT);
    await page.waitForFunction(() => {
      const s = window.voicewireDemo.state;
      return s.drained >= 1 && !s.speaking;
    }, null, { timeout: 60000, polling: 100 });
    // the player's stats come from the worklet a few times a second: wait (bounded) for the
    // snapshot that counts the last frames, so the assertion compares final figures
    await page.waitForFunction(() => {
      const p = window.voicewireDemo.player;
      return p.stats && p.stats.playedMs >= p.pushedMs - 1;
    }, null, { timeout: 5000, polling: 50 }).catch(() => {});
    report('tts', await page.evaluate((text) => {
      const d = window.voicewireDemo;
      const t = d.state.tts;
      return { input: text, voiced: t.voicedText(), log: d.state.ttsLog, metrics: t.metrics,
        player: d.player.stats, pushedMs: d.player.pushedMs };
    }, TTS_TEXT));

    // ---- 2. the socket is cut mid-stream: reconnecting, then recovered without loss or repeats ----
    await page.evaluate((text) => {
      const d = window.voicewireDemo;
      d.state.statusSeen = [];
      const el = document.querySelector('#tts-status .vw-status');
      d.state.observer = new MutationObserver(() => {
        const s = el.dataset.state + ': ' + el.textContent;
        if (d.state.statusSeen[d.state.statusSeen.length - 1] !== s) d.state.statusSeen.push(s);
      });
      d.state.observer.observe(el, { subtree: true, childList: true, characterData: true, attributes: true });
      d.speak(text, { llm: true });
    }, DROP_TEXT);
    await page.waitForFunction(() => {
      const t = window.voicewireDemo.state.tts;
      return t && t.metrics.chunks >= 1;
    }, null, { timeout: 30000, polling: 20 });
    const before = await page.evaluate(() => {
      const t = window.voicewireDemo.state.tts;
      return { sentChars: t.inputText().length, voicedChars: t.voicedText().length };
    });
    const cut = proxy.killAll();
    await page.waitForFunction(() => {
      const s = window.voicewireDemo.state;
      return s.drained >= 2 && !s.speaking;
    }, null, { timeout: 90000, polling: 100 });
    report('drop', await page.evaluate((text) => {
      const d = window.voicewireDemo;
      const t = d.state.tts;
      d.state.observer.disconnect();
      return { input: text, typed: t.inputText(), voiced: t.voicedText(), log: d.state.ttsLog,
        statusSeen: d.state.statusSeen, metrics: t.metrics, seams: t.resume.seams,
        caption: document.querySelector('#caption').textContent };
    }, DROP_TEXT).then((r) => ({ ...r, cut, before })));

    // ---- 3. microphone → partial then committed transcript; the socket is cut during the
    //         second utterance: the audio since the last commit is replayed, nothing repeats ----
    const micStarted = await page.evaluate(() => window.voicewireDemo.startMic());
    report('mic', { started: micStarted });
    let sttCut = 0;
    let sttCutAt = null;
    if (expected2) {
      // cut while the second utterance is being transcribed: after the first commit, at the
      // first partial holding one of its words
      await page.waitForFunction((words) => {
        const ev = window.voicewireDemo.state.sttEvents || [];
        const c = ev.findIndex((e) => e[0] === 'committed' && e[1].trim() !== '');
        const want = words.split(' ');
        return c >= 0 && ev.slice(c + 1).some((e) => e[0] === 'partial' && e[1].split(' ').some((w) => want.includes(w)));
      }, expected2, { timeout: 60000, polling: 20 }).catch(() => {});
      sttCutAt = await page.evaluate(() => window.voicewireDemo.state.sttEvents.slice());
      sttCut = proxy.killAll();
    }
    // wait for a commit after the cut (the words are judged by the JUnit side)
    const after = sttCutAt ? sttCutAt.length : 0;
    await page.waitForFunction((from) => {
      const ev = window.voicewireDemo.state.sttEvents || [];
      return ev.slice(from).some((e) => e[0] === 'committed' && e[1].trim() !== '');
    }, after, { timeout: 90000, polling: 100 }).catch(() => {});
    // give a VAD commit of the tail a moment, then stop the mic (graceful close commits the rest)
    await page.waitForTimeout(1500);
    await page.evaluate(() => window.voicewireDemo.stopMic());
    await page.waitForFunction(() => ['closed', 'failed'].includes(window.voicewireDemo.state.stt.state), null, { timeout: 15000 }).catch(() => {});
    report('stt', await page.evaluate(() => {
      const d = window.voicewireDemo;
      return { events: d.state.sttEvents, committed: d.transcript.text(), log: d.state.sttLog,
        metrics: d.state.stt.metrics, segments: document.querySelectorAll('#transcript .vw-segment').length,
        domText: document.querySelector('#transcript .vw-segments').textContent };
    }).then((r) => ({ ...r, cut: sttCut, cutAfter: sttCutAt })));

    // ---- 4. a screenshot with content on screen: speech playing, a transcript ----
    await page.evaluate(() => {
      const d = window.voicewireDemo;
      document.querySelector('#text').value = 'Hello! This is voicewire. The words you type here are sent over a WebSocket, '
        + 'turned into speech as they arrive, and played while the rest is still being generated.';
      d.speak(document.querySelector('#text').value, { llm: true });
    });
    await page.waitForFunction(() => {
      const d = window.voicewireDemo;
      return d.state.tts && d.state.tts.metrics.chunks >= 1 && d.player.stats.playing;
    }, null, { timeout: 30000, polling: 50 }).catch(() => {});
    await page.waitForTimeout(1800);
    await page.screenshot({ path: screenshot, fullPage: true });
    await page.evaluate(() => window.voicewireDemo.stop());
    report('screenshot', { path: screenshot });
    report('errors', { errors: b.errors });
  } finally {
    await b.close();
    await proxy.close();
  }
}, 240000);
