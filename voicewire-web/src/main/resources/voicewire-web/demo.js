// The demo page: type text → hear it stream; press the mic → see the live transcript.
// Works against the server that serves it (no configuration on the offline engine).
import { TtsSocket } from './lib/tts-socket.js';
import { SttSocket } from './lib/stt-socket.js';
import { Player } from './lib/player.js';
import { Microphone } from './lib/mic.js';
import { TranscriptView } from './lib/transcript-view.js';
import { StatusIndicator } from './lib/status-indicator.js';
import { LatencyPanel } from './lib/latency-panel.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
/** Where the sockets connect: this page's server, or ?server=… (e.g. a test proxy). */
const baseUrl = params.get('server') || location.origin;

const ttsStatus = new StatusIndicator($('tts-status'), { label: 'Speech' });
const sttStatus = new StatusIndicator($('stt-status'), { label: 'Transcription' });
const transcript = new TranscriptView($('transcript'), { stablePrefix: $('stable').checked, holdbackWords: 2,
  placeholder: 'Press “Start microphone” and speak: partial text appears in grey, committed text in black.' });
const panel = new LatencyPanel($('latency'), { width: 1200, height: 130 });
const player = new Player();
panel.attachPlayer(player);
player.on('drained', () => { state.drained++; });

const state = {
  tokens: false,
  tts: null,
  stt: null,
  mic: null,
  speaking: false,
  ttsLog: [],      // status transitions of the current TTS socket (for tests)
  sttLog: [],
  playerStarted: NaN,
  drained: 0,
};

// ---------- server info, voices, tokens ----------
async function probe() {
  try {
    const r = await fetch(new URL('/demo/token/tts_websocket', baseUrl));
    state.tokens = r.ok;
  } catch { state.tokens = false; }
  let voices = [];
  try {
    const r = await fetch(new URL('/v1/voices', baseUrl));
    if (r.ok) voices = (await r.json()).voices || [];
  } catch { /* offline: keep the list empty */ }
  const sel = $('voice');
  for (const v of voices) {
    const o = document.createElement('option');
    o.value = v.voice_id;
    o.textContent = v.name && v.name !== v.voice_id ? v.name : v.voice_id;
    sel.appendChild(o);
  }
  if (voices.length === 0) {
    const o = document.createElement('option');
    o.value = 'default';
    o.textContent = 'default';
    sel.appendChild(o);
  }
  $('server-info').innerHTML = '';
  const b = document.createElement('b');
  b.textContent = new URL(baseUrl).host;
  $('server-info').append('Server ', b, ' · ' + voices.length + ' voice' + (voices.length === 1 ? '' : 's') +
    ' · ' + (state.tokens ? 'single-use tokens' : 'no tokens'));
  $('server-info').dataset.ready = 'true';
}
const ready = probe();

/** The app's own token endpoint, called on every (re)connect: tokens are single-use. */
function tokenFor(type) {
  if (!state.tokens) return undefined;
  return async () => {
    const r = await fetch(new URL('/demo/token/' + type, baseUrl));
    if (!r.ok) throw Object.assign(new Error('token endpoint: HTTP ' + r.status), { status: r.status });
    return (await r.json()).token;
  };
}

// ---------- text to speech ----------
const caption = { voiced: $('caption').querySelector('.voiced'), unvoiced: $('caption').querySelector('.unvoiced') };

function renderCaption(tts) {
  const input = tts ? tts.inputText() : '';
  const cursor = tts ? Math.min(tts.resume.cursor, input.length) : 0;
  caption.voiced.textContent = input.slice(0, cursor);
  caption.unvoiced.textContent = input.slice(cursor);
  $('caption').classList.toggle('empty', input === '');
}
renderCaption(null);

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

/** Speaks `text`; with `llm`, sends it a few characters at a time with random delays. */
async function speak(text, { llm = false, format = $('format').value, voiceId = $('voice').value } = {}) {
  await ready;
  stop(false);
  const tts = new TtsSocket({
    baseUrl, voiceId, outputFormat: format, token: tokenFor('tts_websocket'),
    // token streams: start generating early, and flush at sentence ends (below)
    generationConfig: llm ? { chunk_length_schedule: [50, 90, 120, 150] } : undefined,
  });
  state.tts = tts;
  state.ttsLog = [];
  state.speaking = true;
  $('stop').disabled = false;
  ttsStatus.attach(tts);
  tts.on('status', (s) => {
    state.ttsLog.push(s.state);
    if (s.state === 'closed' || s.state === 'failed') {
      state.speaking = false;
      $('stop').disabled = true;
    }
  });
  tts.on('audio', ({ pcm, sampleRate }) => {
    player.push(pcm, sampleRate);
    renderCaption(tts);
  });
  tts.on('final', () => { player.end(); renderCaption(tts); });
  tts.on('seam', () => renderCaption(tts));
  const started = player.on('started', ({ at }) => {
    started();
    if (state.tts === tts && Number.isFinite(tts.metrics.firstTextAt)) panel.set('ttfs', at - tts.metrics.firstTextAt);
  });
  renderCaption(tts);
  tts.connect();
  if (!llm) {
    tts.send(text.endsWith(' ') ? text : text + ' ');
    tts.end();
    renderCaption(tts);
    return tts;
  }
  let i = 0;
  while (i < text.length && state.tts === tts) {
    const n = 2 + Math.floor(Math.random() * 5);
    const piece = text.slice(i, i + n);
    i += n;
    tts.send(piece);
    if (/[.!?]\s*$/.test(piece)) tts.flush();
    renderCaption(tts);
    await sleep(20 + Math.random() * 90);
  }
  if (state.tts === tts) tts.end();
  return tts;
}

/** Stops speaking now (barge-in): short fade, queue dropped, socket closed. */
function stop(fade = true) {
  if (state.tts) {
    state.tts.abort();
    state.tts = null;
  }
  if (fade) player.interrupt(); else player.reset();
  state.speaking = false;
  $('stop').disabled = true;
}

$('speak').addEventListener('click', () => {
  // unlock() first, inside the click: iOS/Safari only start audio from a user gesture
  player.unlock().then(() => speak($('text').value, { llm: $('llm').checked }));
});
$('stop').addEventListener('click', () => stop(true));

// ---------- speech to text ----------
async function startMic() {
  await ready;
  if (state.mic) return false;
  const stt = new SttSocket({ baseUrl, token: tokenFor('realtime_scribe'),
    commitStrategy: $('commit-mode').value, vadSilenceThresholdSecs: 0.8 });
  state.stt = stt;
  state.sttLog = [];
  stt.on('status', (s) => state.sttLog.push(s.state));
  state.sttEvents = [];
  stt.on('partial', (p) => state.sttEvents.length < 500 && state.sttEvents.push(['partial', p.text, performance.now()]));
  stt.on('committed', (c) => state.sttEvents.length < 500 && state.sttEvents.push(['committed', c.text, performance.now()]));
  transcript.attach(stt);
  sttStatus.attach(stt);
  // one audio context for playback and capture, created and resumed inside the click (iOS)
  await player.unlock();
  const mic = new Microphone({ chunkMillis: 50, context: player.context });
  state.mic = mic;
  mic.on('chunk', ({ pcm, rms }) => {
    stt.sendAudio(pcm);
    const pct = Math.min(100, Math.round(Math.max(0, 60 + 20 * Math.log10(rms + 1e-9)) * 100 / 60));
    $('meter').style.width = pct + '%';
    $('meter').parentElement.setAttribute('aria-valuenow', String(pct));
  });
  stt.connect();
  const ok = await mic.start();
  if (!ok) {
    stt.abort();
    state.mic = null;
    setMicButton(false);
    $('server-info').textContent = 'Microphone unavailable: allow access and try again.';
    return false;
  }
  setMicButton(true);
  return true;
}

function stopMic() {
  if (!state.mic) return false;
  state.mic.stop();
  state.mic = null;
  // graceful: commit what was said since the last commit, then close
  setTimeout(() => state.stt && state.stt.close(), 150);
  setMicButton(false);
  $('meter').style.width = '0';
  return true;
}

function setMicButton(on) {
  $('mic').setAttribute('aria-pressed', String(on));
  $('mic').querySelector('.mic-label').textContent = on ? 'Stop microphone' : 'Start microphone';
  $('commit').disabled = !on || $('commit-mode').value !== 'manual';
}

$('mic').addEventListener('click', () => {
  if (state.mic) { stopMic(); return; }
  player.unlock(); // synchronously inside the gesture: iOS/Safari
  startMic();
});
$('commit').addEventListener('click', () => state.stt && state.stt.commit());
$('commit-mode').addEventListener('change', () => setMicButton(!!state.mic));
$('stable').addEventListener('change', (e) => transcript.setStablePrefix(e.target.checked));

// ---------- latency numbers ----------
setInterval(() => {
  const t = state.tts;
  const s = state.stt;
  if (t) panel.set('ttfa', t.metrics.ttfaMs);
  if (s) {
    panel.set('partial', s.metrics.partialLatencyMs);
    panel.set('commit', s.metrics.commitLatencyMs);
    panel.set('dropped', s.metrics.droppedMs);
  }
  const rtt = s && Number.isFinite(s.handshakeMs) ? s.handshakeMs : t ? t.handshakeMs : NaN;
  panel.set('rtt', rtt);
}, 200);

// ---------- hooks for tests and the console ----------
window.voicewireDemo = { state, player, transcript, panel, speak, stop, startMic, stopMic, ready,
  ttsStatus, sttStatus };
