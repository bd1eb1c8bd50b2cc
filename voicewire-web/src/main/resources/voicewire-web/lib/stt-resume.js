// STT uplink bookkeeping behind SttSocket, as a pure class: the bounded replay ring, the
// uplink lag policy, the audio timeline across sessions and the de-duplication of committed
// transcripts repeated across a reconnect seam.
//
// Audio time ("global" ms) counts the audio actually sent, over all sessions: a replayed chunk
// keeps the time it was first given, so the transcripts of a new session map back onto the same
// timeline (global = session base + time within the session). A committed transcript that ends
// at or before the end of the last delivered commit is a repeat across the seam and is dropped.
//
// Not thread safe (one owner: the socket).

import { NO_AUDIO, placeForcedCommits, splitRingAt } from './stt-ring.js';

/** Audio kept since the last commit, for replay after a reconnect. Overflow: drop the oldest. */
export const MAX_REPLAY_SECONDS = 30;
/**
 * Live audio allowed to wait for a congested socket. Overflow: drop the oldest waiting audio
 * (counted), so the transcript stays live instead of lagging further and further behind.
 */
export const MAX_UPLINK_LAG_MILLIS = 1000;
/** A commit ending within this much of the last commit's end counts as the same audio. */
export const DUPLICATE_TOLERANCE_MILLIS = 30;
// The resume policy numbers are shared with the Java SDK (RealSttStream): a test compares them
// with test-vectors/stt-resume/policy.json.
/**
 * A replay longer than this (audio sent before, not committed yet) gets commits of its own, one
 * per this much replayed audio, each sent as soon as its audio has been; the rest of the replay
 * waits for its answer (at most REPLAY_COMMIT_WAIT_MILLIS), so every connection that lives long
 * enough to transcribe one piece commits it and commits advance under repeated cuts. The price:
 * the boundary is no pause the speaker made and may fall inside a word (`forcedCommits`).
 */
export const FORCED_COMMIT_REPLAY_MILLIS = 2000;
/** A forced commit goes to the quietest window within this much before its mark. */
export const QUIET_SEARCH_MILLIS = 600;
/** Window of the quiet-point search. */
export const QUIET_WINDOW_MILLIS = 20;
/** After a replayed (forced) commit, the rest of the replay waits this long at most for its answer. */
export const REPLAY_COMMIT_WAIT_MILLIS = 1000;
/**
 * The answer to a forced commit keeps only the words that end at least this long before its
 * boundary (a word reaching it may be cut by it); the socket then trims the replay at the last kept
 * word and starts a new session at once, which transcribes the cut word whole.
 */
export const WORD_GUARD_MILLIS = 60;
/** Commits are sent at least this far apart (servers throttle closer ones). */
export const MIN_COMMIT_INTERVAL_MILLIS = 150;
/**
 * Forced commits are for a cutting network only: a new session's replay gets them when the
 * connection lost last was cut (closed 1006, without the server's error message or close frame),
 * lived shorter than this and received no committed transcript. Never after the server's own
 * error or close (1012, `queue_overflow`, `resource_exhausted`, …) nor after a longer-lived
 * connection: the replay is then transcribed as spoken ({@link forceCommitsAfterDrop}).
 */
export const SHORT_CONNECTION_MILLIS = 3000;


/**
 * Whether the next new session's replay gets forced commits, decided when a connection ends
 * (the Java SDK's rule, docs/stt-resume.md). `drop`: `opened` (the connection opened: a refused
 * handshake decides nothing), `onPurpose` (the client ended it to start a new session: the
 * decision stands), `code` (the close code the browser saw), `serverError` (the server sent an
 * error message on it), `livedMs`, `commitsReceived` (committed transcripts received on it).
 * `previous`: the decision so far.
 */
export function forceCommitsAfterDrop(drop, previous = false) {
  if (!drop.opened || drop.onPurpose) return !!previous;
  const cut = !drop.serverError && drop.code === 1006;
  return cut && !(drop.commitsReceived > 0) && drop.livedMs < SHORT_CONNECTION_MILLIS;
}

/**
 *     const u = new SttResume({sampleRate: 16000});
 *     u.push(int16, connected);          // audio from the microphone
 *     u.beginSession();                  // on every (re)connect: replay restarts at the ring head
 *     let c; while ((c = u.nextToSend())) { send(c.pcm); u.markSent(c); }
 *     u.acceptCommit(words, text)        // -> {startMs, endMs} or null for a repeat
 *
 * Commit requests are ring entries too, in order with the audio (`pushCommit`: the app's,
 * `commit: 'app'`; `beginSession(true)`: forced ones, `commit: 'forced'`), with an empty `pcm`:
 * a commit asked for while reconnecting goes out at its place in the audio, one unanswered is
 * sent again at its place by a new session's replay, and one the server took is never sent twice.
 */
export class SttResume {
  constructor({ sampleRate = 16000, maxReplaySeconds = MAX_REPLAY_SECONDS,
    maxLagMillis = MAX_UPLINK_LAG_MILLIS } = {}) {
    if (!(sampleRate > 0)) throw new RangeError('sampleRate must be > 0: ' + sampleRate);
    if (!(maxReplaySeconds > 0)) throw new RangeError('maxReplaySeconds must be > 0: ' + maxReplaySeconds);
    if (!(maxLagMillis > 0)) throw new RangeError('maxLagMillis must be > 0: ' + maxLagMillis);
    this.sampleRate = sampleRate;
    this.maxReplaySamples = Math.round(maxReplaySeconds * sampleRate);
    this.maxLagSamples = Math.round((maxLagMillis * sampleRate) / 1000);
    /**
     * Ring of entries since the last commit: audio {pcm, globalStart (samples) or -1, protected}
     * and commit requests {commit: 'app' | 'forced', pcm: empty, globalStart: the audio position
     * where first sent or -1, sentIn: the server session (`epoch`) it was last sent in}.
     */
    this.ring = [];
    this.ringSamples = 0;
    /** Index in `ring` of the next chunk to send on the current session. */
    this.sendIndex = 0;
    /** Samples sent for the first time, over all sessions (the global timeline). */
    this.globalSent = 0;
    /** Global sample where the current session's audio starts (-1 until its first chunk). */
    this.sessionBase = -1;
    /** Samples sent on the current session (replay included). */
    this.sessionSent = 0;
    /** End of the last delivered commit, global ms (-1: none yet). */
    this.lastCommitEndMs = -1;
    /** Sessions begun, minus one: the number of seams. */
    this.seams = -1;
    this.droppedLagMs = 0;
    /** Audio dropped by the full replay ring (sent but not committed yet, or never sent). */
    this.droppedRingMs = 0;
    /** Server sessions begun (new ones, not resumed): commit requests record the one they went to. */
    this.epoch = 0;
    /** Commit requests sent in the current server session, over all its connections. */
    this.sessionCommitRequests = 0;
    /** Forced commits placed in the current session's replay. */
    this.replayForcedCommits = 0;
    this.forcedCommits = 0;
    this.duplicatesDropped = 0;
    this.replayedMs = 0;
  }

  _ms(samples) {
    return (samples * 1000) / this.sampleRate;
  }

  /**
   * Adds captured audio. `live` is true while a session is open: audio captured while
   * disconnected is protected from the lag policy (it is the gap, to be replayed).
   */
  push(pcm, live) {
    if (pcm.length === 0) return 0;
    this.ring.push({ pcm, globalStart: -1, protected: !live });
    this.ringSamples += pcm.length;
    let dropped = 0;
    while (this.ringSamples > this.maxReplaySamples) {
      // the oldest audio goes; the app's commit requests stay (an answer is owed to each)
      let i = 0;
      while (i < this.ring.length && (this.ring[i].commit === 'app' || this.ring[i].pcm.length === 0)) i++;
      if (i >= this.ring.length - 1) break; // the newest chunk stays
      const [old] = this.ring.splice(i, 1);
      this.ringSamples -= old.pcm.length;
      if (i < this.sendIndex) this.sendIndex--;
      dropped += old.pcm.length; // sent, it can no longer be replayed; never sent, it is lost
    }
    // forced commits that lost their audio go
    while (this.ring.length > 0 && this.ring[0].commit === 'forced') {
      this.ring.shift();
      if (this.sendIndex > 0) this.sendIndex--;
    }
    const ms = this._ms(dropped);
    this.droppedRingMs += ms;
    return ms;
  }

  /**
   * Adds the app's commit request at the end of the ring (after the audio given so far): it is
   * sent right after that audio, on whichever connection sends it. Returns the entry.
   */
  pushCommit() {
    const c = { pcm: NO_AUDIO, commit: 'app', globalStart: -1, sentIn: -1, protected: true };
    this.ring.push(c);
    return c;
  }

  /** The commit requests sent in the current server session and not answered, oldest first. */
  outstanding() {
    return this.ring.filter((c) => c.commit && c.sentIn === this.epoch);
  }

  /**
   * The server answered commit request `c` (manual: answers come in request order). An app
   * commit covers all the audio before it: the ring drops everything up to it. A forced one
   * only goes itself (its answer's words trimmed the ring).
   */
  answered(c) {
    const i = this.ring.indexOf(c);
    if (i < 0) return;
    if (c.commit !== 'app') {
      this.ring.splice(i, 1);
      if (i < this.sendIndex) this.sendIndex--;
      return;
    }
    for (const x of this.ring.splice(0, i + 1)) this.ringSamples -= x.pcm.length;
    this.sendIndex = Math.max(0, this.sendIndex - (i + 1));
    if (c.globalStart >= 0) this.lastCommitEndMs = Math.max(this.lastCommitEndMs, this._ms(c.globalStart));
  }

  /** Whether commit requests wait in the ring (sent and unanswered, or not sent yet). */
  hasCommits() {
    return this.ring.some((c) => c.commit === 'app');
  }

  /**
   * Starts a new server session: the ring (audio since the last accepted commit, and the app's
   * commit requests not answered, each at its place) is replayed first. With `forceCommits` (the
   * connection lost last was cut short: forceCommitsAfterDrop) a replay longer than
   * FORCED_COMMIT_REPLAY_MILLIS gets a forced commit every FORCED_COMMIT_REPLAY_MILLIS of it,
   * each at the quietest QUIET_WINDOW_MILLIS window within QUIET_SEARCH_MILLIS before its mark
   * (a chunk is split there, the commit request follows it). Returns the forced commits placed.
   */
  beginSession(forceCommits = false) {
    this.seams++;
    this.epoch++;
    this.sessionCommitRequests = 0;
    this.sendIndex = 0;
    this.sessionSent = 0;
    this.sessionBase = -1;
    this.replayForcedCommits = 0;
    // forced commits are decided per replay
    this.ring = this.ring.filter((c) => c.commit !== 'forced');
    let replay = 0;
    for (const c of this.ring) {
      if (c.globalStart >= 0) replay += c.pcm.length;
    }
    this.replayedMs += this._ms(replay);
    if (!forceCommits) return 0;
    const ms = (m) => Math.round((m * this.sampleRate) / 1000);
    this.replayForcedCommits = placeForcedCommits(this.ring, replay, ms(FORCED_COMMIT_REPLAY_MILLIS),
      ms(QUIET_SEARCH_MILLIS), Math.max(1, ms(QUIET_WINDOW_MILLIS)));
    return this.replayForcedCommits;
  }

  /**
   * Continues a server session that outlived its connection (RESUME-PROTOCOL: resume by id):
   * the session's audio began at global sample `baseSamples` (-1: none sent yet) and the server
   * holds `receivedSamples` of it. `taken(outstanding, targetSamples)` says how many of the
   * commit requests sent in the session and not answered (oldest first, with their `globalStart`)
   * the server took (`takenCommits` in stt-session-resume.js), or -1 when it cannot tell. Sending
   * restarts right after what the server holds: a forced commit it did not take goes (no forced
   * commit in a resumed session), an app commit it did not take is sent again at its place, and
   * the session's word times keep mapping from `baseSamples`. The audio the server holds stays in
   * the ring (a later fallback to a new session replays it). Returns the samples to replay (sent
   * before, never received), or -1 when the ring cannot continue there (the server holds audio
   * this client never sent, or audio the ring no longer has, or the commits cannot be told):
   * then a new session.
   */
  resumeSession(baseSamples, receivedSamples, taken = () => 0) {
    const sentEnd = this.globalSent;
    if (baseSamples < 0) {
      if (receivedSamples !== 0) return -1;
    } else if (baseSamples + receivedSamples > sentEnd) {
      return -1;
    }
    const first = this.ring.find((c) => c.globalStart >= 0 && !c.commit);
    // nothing reached the session yet: all of the ring is replayed (its base is set on sending)
    const target = baseSamples >= 0 ? baseSamples + receivedSamples : first ? first.globalStart : sentEnd;
    if (first && first.globalStart > target) return -1; // the ring dropped what comes next
    const out = this.outstanding();
    const took = taken(out, target);
    if (!(took >= 0 && took <= out.length)) return -1;
    this.seams++;
    // what the server did not take: forced commits go, app commits are sent again
    const moved = [];
    for (const c of out.slice(took)) {
      if (c.commit === 'forced' || c.globalStart < target) this.ring.splice(this.ring.indexOf(c), 1);
      if (c.commit === 'app') {
        c.sentIn = -1;
        // not taken although the audio after it was (a throttled commit): it goes at once
        if (c.globalStart < target) moved.push(c);
      }
    }
    this.sessionCommitRequests -= out.length - took;
    let off = 0;
    for (const c of this.ring) {
      if (c.globalStart < 0 || c.globalStart >= target) break;
      off += Math.min(c.pcm.length, target - c.globalStart);
    }
    if (off > 0) this._splitAt(off);
    this.sendIndex = 0;
    for (;;) {
      const c = this.ring[this.sendIndex];
      if (!c || c.globalStart < 0) break;
      const held = c.commit ? c.sentIn === this.epoch && c.globalStart <= target : c.globalStart < target;
      if (!held) break;
      this.sendIndex++;
    }
    this.ring.splice(this.sendIndex, 0, ...moved);
    this.sessionBase = baseSamples;
    this.sessionSent = baseSamples < 0 ? 0 : receivedSamples;
    const replay = sentEnd - target;
    this.replayedMs += this._ms(replay);
    return replay;
  }

  /** Splits the ring so that a chunk ends at replay offset `at`; returns that chunk (or null). */
  _splitAt(at) {
    return splitRingAt(this.ring, at);
  }

  /** The next chunk to send on this session, or null. */
  nextToSend() {
    return this.sendIndex < this.ring.length ? this.ring[this.sendIndex] : null;
  }

  /** Records that `chunk` (from nextToSend) was sent. */
  markSent(chunk) {
    if (chunk.commit) {
      if (chunk.globalStart < 0) chunk.globalStart = this.globalSent;
      chunk.sentIn = this.epoch;
      this.sessionCommitRequests++;
      this.sendIndex++;
      return;
    }
    if (chunk.globalStart < 0) {
      chunk.globalStart = this.globalSent;
      this.globalSent += chunk.pcm.length;
    }
    if (this.sessionBase < 0) this.sessionBase = chunk.globalStart;
    chunk.protected = true; // sent audio is never dropped by the lag policy
    this.sessionSent += chunk.pcm.length;
    this.sendIndex++;
  }

  /** Marks the audio waiting to be sent as the gap (never dropped by the lag policy). */
  protectWaiting() {
    for (let i = this.sendIndex; i < this.ring.length; i++) this.ring[i].protected = true;
  }

  /** Live audio waiting to be sent on an open session, in ms. */
  waitingMs() {
    let s = 0;
    for (let i = this.sendIndex; i < this.ring.length; i++) {
      if (!this.ring[i].protected) s += this.ring[i].pcm.length;
    }
    return this._ms(s);
  }

  /**
   * Applies the lag policy: drops the oldest waiting live audio beyond `maxLagMillis`. Returns
   * the ms dropped now (also added to `droppedLagMs`).
   */
  enforceLag() {
    let waiting = 0;
    for (let i = this.sendIndex; i < this.ring.length; i++) {
      if (!this.ring[i].protected) waiting += this.ring[i].pcm.length;
    }
    let dropped = 0;
    while (waiting > this.maxLagSamples) {
      let i = this.sendIndex;
      while (i < this.ring.length && this.ring[i].protected) i++;
      if (i >= this.ring.length) break;
      const [c] = this.ring.splice(i, 1);
      this.ringSamples -= c.pcm.length;
      waiting -= c.pcm.length;
      dropped += c.pcm.length;
    }
    const ms = this._ms(dropped);
    this.droppedLagMs += ms;
    return ms;
  }

  /** Global ms of a time (seconds) within the current session. */
  sessionToGlobalMs(seconds) {
    const base = this.sessionBase < 0 ? this.globalSent : this.sessionBase;
    return this._ms(base) + seconds * 1000;
  }

  /** Global ms of the end of the audio sent on this session so far. */
  sessionEndGlobalMs() {
    const base = this.sessionBase < 0 ? this.globalSent : this.sessionBase;
    return this._ms(base + this.sessionSent);
  }

  /**
   * Decides on a committed transcript. `words` are the session-relative word timings
   * (`{start, end}` in seconds) or null when the server sent none. Returns `{startMs, endMs}`
   * on the global timeline, or null for a repeat of an already delivered commit. Accepting a
   * commit trims the replay ring up to the commit's end.
   */
  acceptCommit(words, text, exact = false) {
    const timed = Array.isArray(words) && words.length > 0;
    let startMs;
    let endMs;
    if (timed) {
      let s = Infinity;
      let e = -Infinity;
      for (const w of words) {
        if (w.type === 'spacing') continue;
        s = Math.min(s, Number(w.start));
        e = Math.max(e, Number(w.end));
      }
      if (!Number.isFinite(s)) { s = Number(words[0].start) || 0; e = Number(words[words.length - 1].end) || s; }
      startMs = this.sessionToGlobalMs(s);
      endMs = this.sessionToGlobalMs(e);
      if (text && endMs <= this.lastCommitEndMs + DUPLICATE_TOLERANCE_MILLIS) {
        this.duplicatesDropped++;
        return null;
      }
    } else {
      endMs = this.sessionEndGlobalMs();
      startMs = Math.max(0, this.lastCommitEndMs);
    }
    if (endMs > this.lastCommitEndMs) this.lastCommitEndMs = endMs;
    this._trimTo(endMs, exact);
    return { startMs, endMs };
  }

  /**
   * Drops the sent chunks that end at or before `globalMs`; `exact` also drops the head of a
   * chunk that straddles it (the next session starts exactly there).
   */
  _trimTo(globalMs, exact = false) {
    const limit = Math.floor((globalMs * this.sampleRate) / 1000);
    while (this.ring.length > 0) {
      const c = this.ring[0];
      if (c.globalStart < 0 || c.globalStart >= limit) break;
      if (this.sendIndex === 0) break; // not sent on this session yet: keep order simple
      if (c.globalStart + c.pcm.length > limit) {
        if (!exact) break;
        const k = limit - c.globalStart;
        c.pcm = c.pcm.subarray(k);
        c.globalStart += k;
        this.ringSamples -= k;
        break;
      }
      this.ring.shift();
      this.ringSamples -= c.pcm.length;
      this.sendIndex--;
    }
  }

  /**
   * The words of a forced commit's answer that end at least WORD_GUARD_MILLIS before its boundary
   * `forcedMs` (global), when its last word reaches the boundary and some word is kept; else null.
   */
  wordsBefore(words, forcedMs) {
    if (!Array.isArray(words) || words.length === 0 || !Number.isFinite(forcedMs)) return null;
    const said = words.filter((w) => w.type !== 'spacing');
    if (said.length === 0) return null;
    const end = Math.max(...said.map((w) => this.sessionToGlobalMs(Number(w.end) || 0)));
    if (end <= forcedMs - WORD_GUARD_MILLIS || end > forcedMs + WORD_GUARD_MILLIS) return null;
    const kept = words.filter((w) => this.sessionToGlobalMs(Number(w.end) || 0) <= forcedMs - WORD_GUARD_MILLIS);
    while (kept.length > 0 && kept[kept.length - 1].type === 'spacing') kept.pop();
    if (kept.length === 0) return null;
    const spacing = kept.some((w) => w.type === 'spacing');
    return { words: kept, text: kept.map((w) => w.text).join(spacing ? '' : ' ') };
  }

  /** Audio in the replay ring, ms. */
  ringMs() {
    return this._ms(this.ringSamples);
  }
}
