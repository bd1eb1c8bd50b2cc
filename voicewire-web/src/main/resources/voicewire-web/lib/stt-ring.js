// The STT replay ring's audio-level operations, as pure functions over its entries (see
// stt-resume.js): where a forced commit goes (the quietest window before its mark) and how a
// chunk is split there. An entry is {pcm: Int16Array, globalStart, commit?, sentIn?, protected?};
// entries of audio never sent have globalStart -1 and end the replay.

/** The empty audio of a commit request's entry. */
export const NO_AUDIO = new Int16Array(0);

/**
 * Places forced commits in a replay of `replay` samples at the ring head: one every `piece`
 * samples, each at the quietest `win`-sample window within `search` samples before its mark (a
 * chunk is split there and the commit request follows it). Returns how many it placed.
 */
export function placeForcedCommits(ring, replay, piece, search, win) {
  let placed = 0;
  let from = 0;
  while (replay - from > piece) {
    const target = from + piece;
    const at = quietestOffset(ring, Math.max(from + 1, target - search), target, win);
    if (at <= from) break;
    const c = splitRingAt(ring, at);
    if (!c) break;
    ring.splice(ring.indexOf(c) + 1, 0, { pcm: NO_AUDIO, commit: 'forced',
      globalStart: c.globalStart + c.pcm.length, sentIn: -1, protected: true });
    placed++;
    from = at;
  }
  return placed;
}

/** Replay offset (samples from the ring head) at the middle of the quietest window in [from, to). */
export function quietestOffset(ring, from, to, win) {
  let best = Infinity;
  let bestAt = to;
  let off = 0;
  let winStart = from;
  let energy = 0;
  let inWin = 0;
  for (const c of ring) {
    if (c.globalStart < 0) break;
    const end = off + c.pcm.length;
    if (end > from && off < to) {
      for (let o = Math.max(from, off); o < Math.min(to, end); o++) {
        const v = c.pcm[o - off];
        energy += v * v;
        if (++inWin >= win) {
          if (energy < best) { best = energy; bestAt = winStart + Math.floor(win / 2); }
          winStart = o + 1;
          energy = 0;
          inWin = 0;
        }
      }
    }
    off = end;
  }
  return bestAt;
}

/** Splits the ring so that a chunk ends at replay offset `at`; returns that chunk (or null). */
export function splitRingAt(ring, at) {
  let off = 0;
  for (let i = 0; i < ring.length; i++) {
    const c = ring[i];
    const end = off + c.pcm.length;
    if (at === end) return c;
    if (at > off && at < end) {
      const k = at - off;
      const head = { pcm: c.pcm.subarray(0, k), globalStart: c.globalStart, protected: c.protected };
      c.pcm = c.pcm.subarray(k);
      c.globalStart = c.globalStart >= 0 ? c.globalStart + k : -1;
      ring.splice(i, 0, head);
      return head;
    }
    off = end;
  }
  return null;
}
