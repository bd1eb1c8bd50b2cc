// The state behind the live transcript view, without the DOM: committed segments with their
// audio times, the current partial, stale-partial and repeat handling, and the stable-prefix
// display mode (hold back the last words of a partial, which are the ones that still change).

/** Words of a partial held back in stable-prefix mode by default. */
export const DEFAULT_HOLDBACK_WORDS = 2;
/** Committed segments kept for display. Overflow: the oldest scrolls away. */
export const MAX_SEGMENTS = 500;

/** Splits a partial into the part shown as stable and the held-back tail. */
export function stablePrefix(text, holdbackWords) {
  const t = String(text).trim();
  if (t === '' || holdbackWords <= 0) return { stable: t, held: '' };
  const words = t.split(/\s+/);
  const keep = Math.max(0, words.length - holdbackWords);
  return { stable: words.slice(0, keep).join(' '), held: words.slice(keep).join(' ') };
}

/** Formats audio time in ms as m:ss.t */
export function formatAudioTime(ms) {
  if (!(ms >= 0)) return '–';
  const tenths = Math.floor(ms / 100);
  const m = Math.floor(tenths / 600);
  const s = Math.floor((tenths % 600) / 10);
  const t = tenths % 10;
  return m + ':' + String(s).padStart(2, '0') + '.' + t;
}

/**
 *     const m = new TranscriptModel({stablePrefix: true, holdbackWords: 2});
 *     m.partial('hello wor');  m.commit('Hello world.', 0, 1200);  m.view();
 */
export class TranscriptModel {
  constructor({ stablePrefix: stable = false, holdbackWords = DEFAULT_HOLDBACK_WORDS,
    maxSegments = MAX_SEGMENTS } = {}) {
    this.stable = stable;
    this.holdbackWords = holdbackWords;
    this.maxSegments = maxSegments;
    this.segments = [];
    this.partialText = '';
    this.partialStale = false;
    this.version = 0;
  }

  /** A partial transcript. Returns false when it changes nothing (a repeat). */
  partial(text) {
    const t = String(text);
    if (t === this.partialText && !this.partialStale) return false;
    this.partialText = t;
    this.partialStale = false;
    this.version++;
    return true;
  }

  /** A reconnect seam: the partial on screen is stale until the next partial replaces it. */
  seam() {
    if (this.partialText === '') return false;
    this.partialStale = true;
    this.version++;
    return true;
  }

  /** A committed segment; clears the partial. Empty text only clears. */
  commit(text, startMs = NaN, endMs = NaN, at = Date.now()) {
    const t = String(text).trim();
    this.partialText = '';
    this.partialStale = false;
    if (t !== '') {
      this.segments.push({ text: t, startMs, endMs, at });
      if (this.segments.length > this.maxSegments) this.segments.shift();
    }
    this.version++;
    return true;
  }

  clear() {
    this.segments = [];
    this.partialText = '';
    this.partialStale = false;
    this.version++;
  }

  /** What to render: segments, and the partial split into shown and held-back parts. */
  view() {
    const p = this.stable ? stablePrefix(this.partialText, this.holdbackWords)
      : { stable: this.partialText.trim(), held: '' };
    return {
      segments: this.segments.slice(),
      partial: p.stable,
      held: p.held,
      stale: this.partialStale,
    };
  }

  /** All committed text joined with spaces. */
  committedText() {
    return this.segments.map((s) => s.text).join(' ');
  }
}
