// The demo page: type text → hear it stream; press the mic → see the live transcript.
// Works against the server that serves it (no configuration on the offline engine).
import { TtsSocket } from './lib/tts-socket.js';
import { chooseOutputFormat } from './lib/compressed-decoder.js';
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
  readiness: 'connecting',
  readinessSeen: [],
  pendingSpeak: false,
  requiresKey: false,
  tokens: false,
  tts: null,
  stt: null,
  mic: null,
  micStarting: false, // a start waits for the engine: further clicks do nothing
  speaking: false,
  ttsLog: [],      // status transitions of the current TTS socket (for tests)
  sttLog: [],
  playerStarted: NaN,
  drained: 0,
};

// ---------- server info, readiness, voices, tokens ----------
// The page works the moment it is served: until the engine is warm, Speak and the microphone
// wait for it (a click is remembered and runs when ready) and the banner says why; a server that
// needs an API key gets a clear message instead of failed requests.
/** How often the page asks /demo/info while the engine warms up, growing to the maximum. */
const READY_POLL_MS = 400;
const READY_POLL_MAX_MS = 2000;

function setReadiness(s, text) {
  state.readiness = s;
  if (state.readinessSeen[state.readinessSeen.length - 1] !== s) state.readinessSeen.push(s);
  const note = $('readiness');
  note.dataset.state = s;
  note.textContent = text;
  note.hidden = s === 'ready';
  const blocked = s === 'needs-token';
  for (const id of ['speak', 'mic']) {
    const b = $(id);
    b.disabled = blocked || (id === 'speak' && state.pendingSpeak);
    b.title = s === 'ready' ? '' : text;
  }
}

async function getJson(path) {
  const r = await fetch(new URL(path, baseUrl));
  if (!r.ok) throw Object.assign(new Error(path + ': HTTP ' + r.status), { status: r.status });
  return r.json();
}

/** Asks /demo/info (always 200) until the engine is ready; false when the page cannot work. */
async function waitForServer() {
  let delay = READY_POLL_MS;
  for (;;) {
    let info = null;
    try {
      info = await getJson('/demo/info');
    } catch (e) {
      const host = new URL(baseUrl).host;
      setReadiness('unreachable', e.status ? 'The server at ' + host + ' answered HTTP ' + e.status
        + ' to /demo/info (is it a voicewire server?) — retrying…' : 'Cannot reach the server at ' + host + ' — retrying…');
    }
    if (info && info.requires_key && !info.demo_tokens) {
      state.requiresKey = true;
      setReadiness('needs-token', 'This server requires an API key, and a browser must never hold one. '
        + 'To use this page, the server needs an app token endpoint: your application mints single-use tokens '
        + '(POST /v1/single-use-token/{type} with its key, behind your own login) and serves them to the page; '
        + 'for a local trial, start the server with --demo-tokens or run “voicewire demo”.');
      return false;
    }
    if (info) {
      state.tokens = !!info.demo_tokens;
      if (info.ready) return true;
      if (state.readiness !== 'warming') {
        setReadiness('warming', 'Engine warming up… Speak and the microphone start as soon as it is ready.');
        showServerInfo(await loadVoices(), 'engine warming up');
      }
    }
    await sleep(delay);
    delay = Math.min(READY_POLL_MAX_MS, delay * 1.5);
  }
}

/** The voices: from /demo/info when it lists them (it does with demo tokens), else /v1/voices. */
async function loadVoices() {
  let voices = [];
  try {
    const info = await getJson('/demo/info');
    voices = info.voices || (info.requires_key ? [] : (await getJson('/v1/voices')).voices || []);
  } catch { /* keep the list empty */ }
  const sel = $('voice');
  sel.textContent = '';
  for (const v of voices) {
    const o = document.createElement('option');
    o.value = v.voice_id;
    o.textContent = v.name && v.name !== v.voice_id ? v.name : v.voice_id;
    sel.appendChild(o);
  }
  sel.disabled = voices.length === 0;
  return voices;
}

function showServerInfo(voices, pending) {
  $('server-info').innerHTML = '';
  const b = document.createElement('b');
  b.textContent = new URL(baseUrl).host;
  $('server-info').append('Server ', b, ' · ' + (pending || (voices.length + ' voice' + (voices.length === 1 ? '' : 's')
    + ' · ' + (state.tokens ? 'single-use tokens' : 'no tokens'))));
  if (!pending) $('server-info').dataset.ready = 'true';
}

async function probe() {
  setReadiness('connecting', 'Connecting to the server…');
  const ok = await waitForServer();
  if (!ok) {
    showServerInfo([], 'API key required');
    $('voice').disabled = true;
    return false;
  }
  const voices = $('voice').options.length > 0 ? [...$('voice').options] : await loadVoices();
  if (voices.length === 0) {
    setReadiness('no-voices', 'The server offers no voice for text to speech.');
  } else {
    setReadiness('ready', '');
  }
  showServerInfo(voices);
  return true;
}
const ready = probe().catch((e) => {
  setReadiness('unreachable', 'The page could not start: ' + (e && e.message));
  return false;
});

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
  // mp3/opus: the voiced characters come from the decoded messages' alignment
  const voiced = tts && tts.decoder ? tts.voicedText().length : tts ? tts.resume.cursor : 0;
  const cursor = Math.min(voiced, input.length);
  caption.voiced.textContent = input.slice(0, cursor);
  caption.unvoiced.textContent = input.slice(cursor);
  $('caption').classList.toggle('empty', input === '');
}
renderCaption(null);

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

/** Speaks `text`; with `llm`, sends it a few characters at a time with random delays. */
async function speak(text, { llm = false, format = $('format').value, voiceId } = {}) {
  if (!(await ready)) return null;
  voiceId = voiceId || $('voice').value;
  if (!voiceId) return null;
  stop(false);
  format = await chooseOutputFormat(format); // mp3/opus where WebCodecs decodes them, else PCM
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
  const unlocked = player.unlock();
  const label = $('speak').querySelector('.label');
  if (state.readiness !== 'ready') {
    // remembered: speaks when the engine is ready, with the text as it is then
    state.pendingSpeak = true;
    $('speak').disabled = true;
    $('speak').setAttribute('aria-busy', 'true');
    label.textContent = 'Waiting for the engine…';
  }
  Promise.all([unlocked, ready]).then(() => speak($('text').value, { llm: $('llm').checked }))
    .catch((e) => setReadiness(state.readiness, 'Could not speak: ' + (e && e.message)))
    .finally(() => {
      state.pendingSpeak = false;
      $('speak').removeAttribute('aria-busy');
      label.textContent = 'Speak';
      $('speak').disabled = state.readiness === 'needs-token';
    });
});
$('stop').addEventListener('click', () => stop(true));

// ---------- speech to text ----------
/** Starts the microphone and its STT session once the engine is ready; false if one is already on or starting. */
async function startMic() {
  if (state.mic || state.micStarting) return false;
  state.micStarting = true;
  try {
    return await startMicWhenReady();
  } finally {
    state.micStarting = false;
  }
}

async function startMicWhenReady() {
  if (!(await ready)) return false;
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
  // the recognizer gets the voice as spoken: the browser's automatic gain control raises the gain
  // in every pause and clips the next utterance's first word (docs/web.md); echo cancellation
  // stays on, as the page may be speaking while it listens
  const mic = new Microphone({ chunkMillis: 50, context: player.context,
    autoGainControl: false, noiseSuppression: false });
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
  if (state.micStarting) return; // one start at a time: a second click while it waits does nothing
  player.unlock(); // synchronously inside the gesture: iOS/Safari
  const mic = $('mic');
  if (state.readiness !== 'ready') {
    // remembered: the microphone starts when the engine is ready, and the button says so
    mic.setAttribute('aria-busy', 'true');
    mic.querySelector('.mic-label').textContent = 'Waiting for the engine…';
  }
  startMic().catch((e) => { $('server-info').textContent = 'Microphone failed: ' + (e && e.message); })
    .finally(() => {
      mic.removeAttribute('aria-busy');
      setMicButton(!!state.mic);
    });
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
