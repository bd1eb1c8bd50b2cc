// STT resume by session id, the voicewire extension (docs/web.md, "STT resume by session id"):
// a voicewire server keeps a realtime STT session alive for a short grace after its connection
// is lost; the client re-attaches to it by id and sends only the audio the server never got.
// The engine session decodes on undisturbed, so there is no forced commit and no seam in the
// transcript.
//
//   first connection:  …/realtime?…&voicewire_resumable=true
//                      session_started.voicewire_resume = {resumed: false, grace_ms, …}
//   after a cut:       …&voicewire_resume_session=<id>&voicewire_commits_received=<n>
//                      session_started.voicewire_resume = {resumed: true, audio_bytes_received: B,
//                        commits_sent: C, commit_requests_received: R}, the commits after n
//                        again, then live messages (takenCommits: which commit requests to
//                        send again);
//                      or {resumed: false} with a new id: the usual replay (stt-resume.js).
//
// Official endpoints never see the parameters: the socket opts in only toward a voicewire server
// (option `resumable`, default on unless the host is *.elevenlabs.io), and asks to resume only
// after the server's own session_started carried `voicewire_resume`.
//
// Not thread safe (one owner: the socket).

/** Whether `url` points at an official ElevenLabs host (`elevenlabs.io` or a subdomain). */
export function isElevenLabsHost(url) {
  try {
    return /(^|\.)elevenlabs\.io$/i.test(new URL(String(url).replace(/^ws/, 'http')).hostname);
  } catch {
    return false;
  }
}

/**
 * How many of the commit requests sent in a resumed server session and not answered yet the
 * server took (the rest are sent again), or -1 when that cannot be told (then a new session).
 * Pure; the Java SDK's rule (SttAttach.continueSession, docs/stt-resume.md).
 *
 * - `sent`: commit requests sent in the session over all its connections (answered ones too);
 * - `outstanding`: the audio position (global samples) of each request sent and not answered,
 *   oldest first (an answered request was taken);
 * - `heldSamples`: the audio position up to which the server holds the session's audio;
 * - `received`: the server's `commit_requests_received` (R: the requests it took, in order; a
 *   throttled one is not counted), or -1 when it did not send it (an older server);
 * - `answeredUnseen`: commits the server answered that the client has not received
 *   (`(commits_sent - n) / 2`), used without R.
 *
 * With R the first `R - (sent - outstanding.length)` outstanding requests were taken. Without
 * it, the answered ones were, and so was one the server holds audio after; one right at the end
 * of the held audio cannot be told.
 */
export function takenCommits({ sent, outstanding, heldSamples, received = -1, answeredUnseen = 0 }) {
  const k = outstanding.length;
  if (received >= 0) {
    const taken = received - (sent - k);
    if (!(taken >= 0 && taken <= k)) return -1;
    // the server holds no audio sent after a request it took: it took the audio before it
    for (let i = 0; i < taken; i++) if (outstanding[i] > heldSamples) return -1;
    return taken;
  }
  let taken = 0;
  while (taken < k) {
    const at = outstanding[taken];
    if (taken < answeredUnseen || at < heldSamples) taken++;
    else if (at > heldSamples) break;
    else return -1;
  }
  return taken;
}

/**
 * The client half of resume by id: which server session to resume, the commits received in
 * it, where its audio began on the uplink's timeline, and the counters.
 */
export class SessionResume {
  /** @param {boolean} enabled opt in (send `voicewire_resumable=true`) */
  constructor(enabled) {
    this.enabled = !!enabled;
    /** The resumable server session (its session_started carried voicewire_resume), or null. */
    this.sessionId = null;
    /** Global sample where that session's audio begins (-1: none sent to it yet). */
    this.base = -1;
    /** Commit messages received in that session (a committed_transcript and its timestamps twin: two). */
    this.commits = 0;
    /** The current connection asked to resume (its audio waits for session_started). */
    this.attempting = false;
    this.counters = { attempts: 0, resumed: 0, fallbacks: 0, replayedBytes: 0, refused: 0 };
  }

  /** The query parameters of the next connection (and whether it attempts a resume). */
  query() {
    this.attempting = this.enabled && this.sessionId !== null;
    if (!this.enabled) return {};
    if (!this.attempting) return { voicewire_resumable: true };
    this.counters.attempts++;
    return { voicewire_resumable: true, voicewire_resume_session: this.sessionId,
      voicewire_commits_received: this.commits };
  }

  /**
   * A session_started arrived. Returns `{resumed, receivedSamples, commitRequests,
   * answeredUnseen}` when this connection asked to resume (`resumed` false: the server started a
   * new session; `commitRequests` -1: the server did not say), else null. Either way the
   * session it names becomes the one to resume next time, if the server offers resuming.
   */
  onStarted(msg) {
    const info = msg.voicewire_resume && typeof msg.voicewire_resume === 'object' ? msg.voicewire_resume : null;
    const asked = this.attempting;
    this.attempting = false;
    const resumed = asked && info !== null && info.resumed === true && msg.session_id === this.sessionId;
    if (!resumed) {
      this.sessionId = this.enabled && info !== null && msg.session_id ? String(msg.session_id) : null;
      this.base = -1;
      this.commits = 0;
    }
    if (!asked) return null;
    if (!resumed) {
      this.counters.fallbacks++;
      return { resumed: false, receivedSamples: 0 };
    }
    const bytes = Number(info.audio_bytes_received);
    const r = info.commit_requests_received;
    const unseen = Number(info.commits_sent) - this.commits;
    return { resumed: true, receivedSamples: Number.isFinite(bytes) && bytes >= 0 ? Math.floor(bytes / 2) : -1,
      commitRequests: Number.isInteger(r) && r >= 0 ? r : -1,
      answeredUnseen: Number.isFinite(unseen) && unseen > 0 ? Math.floor(unseen / 2) : 0 };
  }

  /** The resume succeeded: `replayedBytes` of audio go out again. */
  onResumed(replayedBytes) {
    this.counters.resumed++;
    this.counters.replayedBytes += replayedBytes;
  }

  /**
   * The server resumed a session the client cannot continue (it holds audio the ring no longer
   * has): forget it, the next connection starts a new one.
   */
  refuse() {
    this.counters.refused++;
    this.forget();
  }

  /** The next connection starts a new session (after a normal end, or to re-transcribe). */
  forget() {
    this.sessionId = null;
    this.base = -1;
    this.commits = 0;
  }
}
