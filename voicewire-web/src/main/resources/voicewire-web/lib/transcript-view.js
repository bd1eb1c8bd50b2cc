// Live transcript view: committed segments with their audio times, the current partial shown
// distinctly (and marked stale across a reconnect seam until replaced), and a stable-prefix
// mode that holds back the last words of a partial. Renders into a container you give it.
//
//     const view = new TranscriptView(document.querySelector('#transcript'), {stablePrefix: true});
//     view.attach(stt);   // listens to partial / committed / seam events of an SttSocket
//
// Styling hooks: .vw-transcript, .vw-segment, .vw-time, .vw-text, .vw-partial, .vw-held, .vw-stale

import { TranscriptModel, formatAudioTime } from './transcript-model.js';

export class TranscriptView {
  /**
   * @param {Element} container where to render
   * @param {object} o `stablePrefix` (false), `holdbackWords` (2), `showHeldBack` (false: hidden;
   *   true: shown faint), `placeholder` text
   */
  constructor(container, o = {}) {
    if (!container || typeof container.appendChild !== 'function') throw new TypeError('container must be a DOM element');
    this.model = new TranscriptModel({ stablePrefix: !!o.stablePrefix, holdbackWords: o.holdbackWords });
    this.showHeldBack = !!o.showHeldBack;
    const doc = container.ownerDocument;
    this.root = doc.createElement('div');
    this.root.className = 'vw-transcript';
    this.list = doc.createElement('ol');
    this.list.className = 'vw-segments';
    this.list.setAttribute('role', 'log');
    this.list.setAttribute('aria-live', 'polite');
    this.list.setAttribute('aria-label', o.label || 'Transcript');
    this.partialEl = doc.createElement('p');
    this.partialEl.className = 'vw-partial';
    this.partialEl.setAttribute('aria-hidden', 'true'); // interim text is too chatty for a screen reader
    this.partialText = doc.createElement('span');
    this.partialText.className = 'vw-partial-text';
    this.heldEl = doc.createElement('span');
    this.heldEl.className = 'vw-held';
    this.partialEl.append(this.partialText, this.heldEl);
    this.placeholder = doc.createElement('p');
    this.placeholder.className = 'vw-placeholder';
    this.placeholder.textContent = o.placeholder || '';
    this.root.append(this.placeholder, this.list, this.partialEl);
    container.appendChild(this.root);
    this._rendered = 0;
    this._unsub = [];
    this.render();
  }

  /** Switches the stable-prefix mode. */
  setStablePrefix(on) {
    this.model.stable = !!on;
    this.render();
  }

  /** Follows an SttSocket (or anything with on('partial'|'committed'|'seam')). */
  attach(stt) {
    this.detach();
    this._unsub.push(stt.on('partial', (d) => { if (this.model.partial(d.text)) this.render(); }));
    this._unsub.push(stt.on('committed', (d) => { this.model.commit(d.text, d.startMs, d.endMs); this.render(); }));
    this._unsub.push(stt.on('seam', () => { if (this.model.seam()) this.render(); }));
    return this;
  }

  detach() {
    for (const u of this._unsub.splice(0)) u();
  }

  clear() {
    this.model.clear();
    this.list.textContent = '';
    this._rendered = 0;
    this.render();
  }

  render() {
    const v = this.model.view();
    const doc = this.root.ownerDocument;
    if (v.segments.length < this._rendered) { this.list.textContent = ''; this._rendered = 0; }
    for (let i = this._rendered; i < v.segments.length; i++) {
      const s = v.segments[i];
      const li = doc.createElement('li');
      li.className = 'vw-segment';
      const time = doc.createElement('time');
      time.className = 'vw-time';
      time.textContent = formatAudioTime(s.startMs);
      time.title = 'audio ' + formatAudioTime(s.startMs) + ' – ' + formatAudioTime(s.endMs);
      const text = doc.createElement('span');
      text.className = 'vw-text';
      text.textContent = s.text;
      li.append(time, text);
      this.list.appendChild(li);
    }
    this._rendered = v.segments.length;
    this.partialText.textContent = v.partial;
    this.heldEl.textContent = this.showHeldBack && v.held ? (v.partial ? ' ' : '') + v.held : '';
    const hasPartial = v.partial !== '' || (this.showHeldBack && v.held !== '');
    this.partialEl.hidden = !hasPartial && !(v.held && this.model.stable);
    this.partialEl.classList.toggle('vw-stale', v.stale);
    this.partialEl.classList.toggle('vw-pending', v.partial === '' && v.held !== '');
    this.placeholder.hidden = v.segments.length > 0 || hasPartial || v.held !== '';
    this.root.scrollTop = this.root.scrollHeight;
  }

  /** Committed text so far (for tests and copy buttons). */
  text() {
    return this.model.committedText();
  }
}
