// Shared helpers of the browser tests: launch Debian's Chromium headless with a fake
// microphone, collect console errors, print results as JSON lines for the JUnit side.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.VOICEWIRE_CHROMIUM || '/usr/bin/chromium';

/** Launches Chromium; `wav` (absolute path) becomes the microphone. */
export async function launch({ wav, loop = false } = {}) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'voicewire-chromium-'));
  const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--autoplay-policy=no-user-gesture-required', '--disable-dev-shm-usage'];
  if (wav) {
    args.push('--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      '--use-file-for-fake-audio-capture=' + wav + (loop ? '' : '%noloop'));
  }
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, args, viewport: { width: 1360, height: 1000 },
    permissions: ['microphone'],
  });
  await context.addInitScript(pageHelpers);
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push('pageerror: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/favicon/.test(m.location().url || '')) errors.push('console: ' + m.text());
    if (process.env.VOICEWIRE_BROWSER_LOG) process.stderr.write('[page] ' + m.text() + '\n');
  });
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, page, errors, close };
}

/**
 * Helpers every page gets as `vwTest` (page functions are serialised by Playwright and cannot
 * share code otherwise): `sleep(ms)`, `within(promise, ms, what)` (a bounded wait) and
 * `player()` (a started Player from the server's /lib, with its latest `stats`).
 */
function pageHelpers() {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  globalThis.vwTest = {
    sleep,
    within: (p, ms, what) => Promise.race([p, sleep(ms).then(() => { throw new Error('timeout: ' + what); })]),
    async player() {
      const { Player } = await import('/lib/player.js');
      const t = { player: new Player(), stats: null };
      await t.player.unlock();
      t.player.on('stats', (s) => { t.stats = s; });
      return t;
    },
  };
}

/** One result line for the JUnit side: `RESULT {...}`. */
export function report(name, data) {
  process.stdout.write('RESULT ' + JSON.stringify({ name, ...data }) + '\n');
}

/** Runs `main`, always exits (0 on success), with a hard deadline. */
export function run(main, deadlineMs = 120000) {
  const t = setTimeout(() => { process.stderr.write('deadline exceeded\n'); process.exit(3); }, deadlineMs);
  main().then(() => { clearTimeout(t); process.exit(0); }, (e) => {
    process.stderr.write((e && e.stack) || String(e));
    process.stderr.write('\n');
    clearTimeout(t);
    process.exit(1);
  });
}
