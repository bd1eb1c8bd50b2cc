// Connection status indicator: connecting / open / reconnecting (attempt, countdown) / closed /
// failed, as text with a shape cue (not colour alone), announced politely to screen readers.
//
//     new StatusIndicator(document.querySelector('#tts-status'), {label: 'Speech'}).attach(tts);
//
// Styling hooks: .vw-status and .vw-status--<state>, .vw-status-icon, .vw-status-text

const ICONS = { idle: '○', connecting: '◌', open: '●', reconnecting: '◐', closing: '◌', closed: '○', failed: '✕' };

/** The countdown to the next attempt (' in 1.2 s'), or ''. */
export function describeCountdown(s, nowMs = Date.now()) {
  if (s.state !== 'reconnecting' || s.phase !== 'waiting' || !Number.isFinite(s.retryAt)) return '';
  return ' in ' + Math.max(0, (s.retryAt - nowMs) / 1000).toFixed(1) + ' s';
}

/** The sentence shown (and announced) for a status event (pure; exported for tests). */
export function describeStatus(s) {
  switch (s.state) {
    case 'idle': return 'Not connected';
    case 'connecting': return 'Connecting…';
    case 'open': return s.reconnected ? 'Connected again' : 'Connected';
    case 'reconnecting': {
      const of = s.maxAttempts ? ' of ' + s.maxAttempts : '';
      return 'Reconnecting (attempt ' + s.attempt + of + ')' + (s.phase === 'waiting' ? '' : '…');
    }
    case 'closing': return 'Closing…';
    case 'closed': return 'Closed';
    case 'failed': return 'Failed' + (s.message ? ': ' + s.message : s.error ? ': ' + s.error : '');
    default: return String(s.state);
  }
}

export class StatusIndicator {
  /** @param {Element} container @param {object} o `label` (prefix read by screen readers) */
  constructor(container, o = {}) {
    const doc = container.ownerDocument;
    this.root = doc.createElement('div');
    this.root.className = 'vw-status vw-status--idle';
    this.root.setAttribute('role', 'status');
    this.root.setAttribute('aria-live', 'polite');
    this.icon = doc.createElement('span');
    this.icon.className = 'vw-status-icon';
    this.icon.setAttribute('aria-hidden', 'true');
    this.label = doc.createElement('span');
    this.label.className = 'vw-status-label';
    this.label.textContent = o.label ? o.label + ': ' : '';
    this.text = doc.createElement('span');
    this.text.className = 'vw-status-text';
    this.countdown = doc.createElement('span');
    this.countdown.className = 'vw-status-countdown';
    this.countdown.setAttribute('aria-hidden', 'true'); // ticks visually, not announced each tick
    this.root.append(this.icon, this.label, this.text, this.countdown);
    container.appendChild(this.root);
    this._timer = null;
    this._unsub = null;
    this.last = { state: 'idle' };
    this.update(this.last);
  }

  /** Follows a socket's `status` events. */
  attach(socket) {
    this.detach();
    this._unsub = socket.on('status', (s) => this.update(s));
    this.update({ state: socket.state || 'idle' });
    return this;
  }

  detach() {
    if (this._unsub) this._unsub();
    this._unsub = null;
  }

  update(s) {
    this.last = s;
    this.root.className = 'vw-status vw-status--' + s.state;
    this.root.dataset.state = s.state;
    this.icon.textContent = ICONS[s.state] || '?';
    this.text.textContent = describeStatus(s);
    this.countdown.textContent = describeCountdown(s);
    if (this._timer) { clearInterval(this._timer); this._timer = null; }
    if (this.countdown.textContent !== '') {
      this._timer = setInterval(() => {
        this.countdown.textContent = describeCountdown(this.last);
      }, 100);
    }
  }
}
