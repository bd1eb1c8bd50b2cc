// TTS resume without lost or repeated text: the maths behind TtsSocket, as a pure class.
//
// "Exactly once" is counted in characters of the input text. Every audio chunk carries the
// alignment of the characters it voices (chunk-relative times). The cursor is the number of
// input characters whose audio has been delivered. After a drop, the stream is re-opened and
// the text is re-sent from the start of the word that contains the cursor (a synthesizer needs
// whole words); the audio that covers the characters before the cursor is cut at the sample
// where the cursor's character starts (start ms × rate), not at a chunk border. The seam can
// therefore fall inside a word: that is the price of never repeating audio.
//
// Not thread safe (one owner: the socket).

const SPACE = /\s/;

function isSpace(ch) {
  return ch !== undefined && SPACE.test(ch);
}

/** Reads the alignment of one server audio message tolerantly (PROTOCOL.md §2.4). */
export function readAlignment(msg) {
  const a = msg.alignment || msg.normalizedAlignment || msg.normalized_alignment || null;
  if (!a || !Array.isArray(a.chars)) return null;
  const starts = a.charStartTimesMs || a.charsStartTimesMs || a.char_start_times_ms || [];
  const durs = a.charDurationsMs || a.charsDurationsMs || a.char_durations_ms || [];
  return { chars: a.chars.map(String), starts, durs };
}

/** The index where the word containing `index` starts (`index` itself if a word starts there). */
export function wordStart(text, index) {
  let w = index;
  while (w > 0 && !isSpace(text[w - 1])) w--;
  return w;
}

/**
 * Tracks what was typed, sent and voiced; tells what to re-send after a drop and where to cut
 * the repeated audio.
 *
 *     const r = new TtsResume();
 *     r.append('Hello world. ');             // text the app gave
 *     const plan = r.resume();                // on every (re)connect: {text, flush, end}
 *     const out = r.onAudio(pcm, 16000, al);  // per chunk: {pcm, chars, cutSamples} or null
 */
export class TtsResume {
  constructor() {
    /** All text the app gave, in order. */
    this.input = '';
    /** Input characters whose audio has been delivered (absolute index into `input`). */
    this.cursor = 0;
    /** input[0:flushedTo] is covered by a flush or the end of input. */
    this.flushedTo = 0;
    /** The app ended the input. */
    this.ended = false;
    /** Next input index an alignment character is expected to match (current connection). */
    this.matchPos = 0;
    /** True while the audio of already-voiced characters is being cut after a resume. */
    this.cutting = false;
    /** Resumes after audio had been delivered. */
    this.seams = 0;
    /** Samples cut as repeats, over all seams. */
    this.cutSamplesTotal = 0;
    /** Milliseconds of audio delivered. */
    this.deliveredMs = 0;
    /** Alignment characters of the delivered audio, concatenated (for audits and captions). */
    this.deliveredChars = '';
    /** Audio was delivered without alignment: resuming cannot be exact any more. */
    this.unaligned = false;
    /** Any audio was delivered. */
    this.anyAudio = false;
  }

  /** Adds text from the app. */
  append(text) {
    this.input += text;
  }

  /** The app asked for a flush of everything given so far. */
  flush() {
    this.flushedTo = this.input.length;
  }

  /** The app ended the input. */
  end() {
    this.ended = true;
    this.flushedTo = this.input.length;
  }

  /** Whether a resume can be exact (alignment arrived with every delivered chunk). */
  canResume() {
    return !this.unaligned;
  }

  /** Whether every input character has been voiced and the input has ended. */
  allVoiced() {
    return this.ended && this.cursor >= this.input.length;
  }

  /**
   * Plans the text to send on a fresh connection: from the start of the word containing the
   * cursor to the end of the input. Returns `{text, flush, end, seamAt}`: send `text` (with
   * `flush` if part of it had been flushed before), then the end of input if `end`.
   */
  resume() {
    // whitespace is not voiced: a cursor sitting on spaces has nothing left to say there, so
    // the spaces are accounted as delivered here (they carry no sound), keeping
    // voicedText() === input across the seam
    while (this.cursor < this.input.length && isSpace(this.input[this.cursor])) {
      if (this.cursor >= this.matchPos) this.deliveredChars += this.input[this.cursor];
      this.cursor++;
    }
    const w = wordStart(this.input, this.cursor);
    this.matchPos = w;
    this.cutting = this.cursor > w;
    if (this.anyAudio) this.seams++;
    return {
      text: this.input.slice(w),
      flush: this.flushedTo > w && !this.ended,
      end: this.ended,
      seamAt: this.cursor,
      resendFrom: w,
    };
  }

  /**
   * Accounts for one audio chunk and its alignment (null if the server sent none). Returns the
   * audio to deliver — the whole chunk, its tail after a cut, or null when the whole chunk
   * repeats voiced text — as `{pcm, chars, starts, durs, cutSamples}` with the alignment of the
   * delivered part (times relative to the delivered audio).
   */
  onAudio(pcm, sampleRate, alignment) {
    if (!alignment || alignment.chars.length === 0) {
      if (this.cutting) {
        // no alignment to place the cut: a repeat we cannot locate is dropped whole
        this.cutSamplesTotal += pcm.length;
        return null;
      }
      if (pcm.length > 0) {
        this.unaligned = this.unaligned || alignment === null;
        this.anyAudio = true;
        this.deliveredMs += (pcm.length * 1000) / sampleRate;
      }
      return { pcm, chars: [], starts: [], durs: [], cutSamples: 0 };
    }
    const { chars, starts, durs } = alignment;
    let first = 0; // first entry delivered
    if (this.cutting) {
      first = -1;
      for (let i = 0; i < chars.length; i++) {
        const before = this.matchPos;
        const after = this._match(chars[i]);
        if (after > this.cursor && after > before && !isSpace(chars[i])) {
          first = i;
          this.matchPos = before; // re-matched below with the delivered entries
          break;
        }
      }
      if (first < 0) {
        this.cutSamplesTotal += pcm.length;
        return null;
      }
      this.cutting = false;
    }
    const cutMs = first > 0 ? Number(starts[first]) || 0 : 0;
    const cut = Math.min(pcm.length, Math.max(0, Math.round((cutMs * sampleRate) / 1000)));
    const keptChars = chars.slice(first);
    for (const c of keptChars) this._match(c);
    if (this.matchPos > this.cursor) this.cursor = this.matchPos;
    const out = cut > 0 ? pcm.subarray(cut) : pcm;
    this.cutSamplesTotal += cut;
    this.deliveredChars += keptChars.join('');
    this.anyAudio = this.anyAudio || out.length > 0;
    this.deliveredMs += (out.length * 1000) / sampleRate;
    return {
      pcm: out,
      chars: keptChars,
      starts: starts.slice(first).map((s) => Math.max(0, Number(s) - cutMs)),
      durs: durs.slice(first).map(Number),
      cutSamples: cut,
    };
  }

  /**
   * Matches one alignment entry against the input at `matchPos` and returns the new position.
   * Tolerant: extra whitespace from the server matches nothing, input whitespace the server
   * left out is skipped, and a character that differs (normalisation) still consumes one.
   */
  _match(entry) {
    let p = this.matchPos;
    const text = this.input;
    for (const ch of String(entry)) {
      if (p < text.length && text[p] === ch) {
        p++;
      } else if (isSpace(ch)) {
        // server-side whitespace with no counterpart: consumes nothing
      } else {
        let q = p;
        while (q < text.length && isSpace(text[q])) q++;
        p = q < text.length ? q + 1 : q;
      }
    }
    this.matchPos = p;
    return p;
  }
}
