// Latency panel: the numbers that matter for real-time speech, and a small live plot of the
// playback buffer (level, target, underruns) on a canvas.
//
//     const panel = new LatencyPanel(document.querySelector('#latency'));
//     panel.attachPlayer(player);            // buffer level, target, underruns, overruns
//     panel.set('ttfa', tts.metrics.ttfaMs); // any metric below, by key
//
// Styling hooks: .vw-latency, .vw-metric, .vw-metric-value, .vw-plot

/** The metrics shown, in order: key → [label, unit, description]. */
export const METRICS = {
  ttfa: ['Time to first audio', 'ms', 'TTS: first text sent → first audio chunk received'],
  ttfs: ['Time to first sound', 'ms', 'TTS: first text sent → first sample played'],
  partial: ['Partial latency', 'ms', 'STT: speech onset (client level detector) → first partial'],
  commit: ['Commit latency', 'ms', 'STT: last speech heard → committed transcript'],
  rtt: ['Round trip (handshake)', 'ms', 'WebSocket open: TCP + HTTP upgrade round trips'],
  buffer: ['Playback buffer', 'ms', 'audio queued in the player'],
  target: ['Buffer target', 'ms', 'adaptive pre-roll target'],
  underruns: ['Underruns', '', 'the player ran dry while more audio was due'],
  overruns: ['Overruns', '', 'audio dropped because far more arrived than the player may hold ahead'],
  dropped: ['Uplink dropped', 'ms', 'microphone audio dropped instead of building lag'],
};

/** Plot history kept. Overflow: the oldest point scrolls off. */
export const PLOT_SECONDS = 20;
/** Plot points per second. */
export const PLOT_HZ = 10;

/** A round grid step (1, 2 or 5 × 10^n) near `raw`. */
export function niceStep(raw) {
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

export function formatMetric(value, unit) {
  if (value === undefined || value === null || Number.isNaN(value)) return '–';
  if (unit === 'ms') return Math.round(value) + ' ms';
  return String(Math.round(value));
}

export class LatencyPanel {
  constructor(container, o = {}) {
    const doc = container.ownerDocument;
    this.root = doc.createElement('section');
    this.root.className = 'vw-latency';
    this.root.setAttribute('aria-label', o.label || 'Latency');
    const grid = doc.createElement('dl');
    grid.className = 'vw-metrics';
    this.values = {};
    this.current = {};
    for (const [key, [label, unit, desc]] of Object.entries(METRICS)) {
      const box = doc.createElement('div');
      box.className = 'vw-metric';
      box.dataset.metric = key;
      box.title = desc;
      const dt = doc.createElement('dt');
      dt.textContent = label;
      const dd = doc.createElement('dd');
      dd.className = 'vw-metric-value';
      dd.textContent = '–';
      box.append(dt, dd);
      grid.appendChild(box);
      this.values[key] = dd;
      this.current[key] = NaN;
    }
    this.canvas = doc.createElement('canvas');
    this.canvas.className = 'vw-plot';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Playback buffer level over the last ' + PLOT_SECONDS + ' seconds');
    this.canvas.width = o.width || 640;
    this.canvas.height = o.height || 120;
    this.root.append(grid, this.canvas);
    container.appendChild(this.root);
    this.points = []; // {t, level, target, underrun}
    this._lastUnderruns = 0;
    this._timer = setInterval(() => this._tick(), 1000 / PLOT_HZ);
    this._unsub = [];
  }

  /** Sets a metric by key (see METRICS). */
  set(key, value) {
    if (!(key in this.values)) return false;
    this.current[key] = value;
    this.values[key].textContent = formatMetric(value, METRICS[key][1]);
    return true;
  }

  /** Follows a Player's `stats` events. */
  attachPlayer(player) {
    this._player = player;
    this._unsub.push(player.on('stats', (s) => {
      this.set('buffer', s.bufferedMs);
      this.set('target', s.targetMs);
      this.set('underruns', s.underruns);
      this.set('overruns', s.overruns);
    }));
    return this;
  }

  _tick() {
    const t = performance.now();
    const under = this.current.underruns || 0;
    this.points.push({ t, level: this.current.buffer || 0, target: this.current.target || 0,
      underrun: under > this._lastUnderruns });
    this._lastUnderruns = under;
    while (this.points.length > PLOT_SECONDS * PLOT_HZ) this.points.shift();
    this.draw();
  }

  draw() {
    const c = this.canvas;
    const g = c.getContext('2d');
    if (!g) return;
    const w = c.width;
    const h = c.height;
    const css = getComputedStyle(this.root);
    const fg = css.getPropertyValue('--vw-plot-line').trim() || '#2563eb';
    const tg = css.getPropertyValue('--vw-plot-target').trim() || '#94a3b8';
    const bad = css.getPropertyValue('--vw-plot-bad').trim() || '#dc2626';
    const grid = css.getPropertyValue('--vw-plot-grid').trim() || '#e2e8f0';
    const text = css.getPropertyValue('--vw-plot-text').trim() || '#64748b';
    g.clearRect(0, 0, w, h);
    const max = Math.max(200, ...this.points.map((p) => Math.max(p.level, p.target))) * 1.1;
    const pad = 4;
    const y = (v) => h - pad - ((h - 2 * pad) * v) / max;
    const now = performance.now();
    const x = (t) => w - ((now - t) / (PLOT_SECONDS * 1000)) * w;
    g.strokeStyle = grid;
    g.lineWidth = 1;
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = text;
    const step = niceStep(max / 4);
    for (let v = step; v < max; v += step) {
      g.beginPath(); g.moveTo(0, y(v)); g.lineTo(w, y(v)); g.stroke();
      g.fillText((v >= 1000 ? v / 1000 + ' s' : v + ' ms'), 4, y(v) - 2);
    }
    const line = (key, color, dash) => {
      g.strokeStyle = color;
      g.setLineDash(dash);
      g.lineWidth = 2;
      g.beginPath();
      this.points.forEach((p, i) => (i ? g.lineTo(x(p.t), y(p[key])) : g.moveTo(x(p.t), y(p[key]))));
      g.stroke();
      g.setLineDash([]);
    };
    line('target', tg, [4, 4]);
    line('level', fg, []);
    g.fillStyle = bad;
    for (const p of this.points) if (p.underrun) g.fillRect(x(p.t) - 1, 0, 3, h);
  }

  destroy() {
    clearInterval(this._timer);
    for (const u of this._unsub.splice(0)) u();
    this.root.remove();
  }
}
