// The simulation driver of test-vectors/jitter/README.md §6–7: runs one vector against the
// JitterBuffer module and returns the events and final counters in the vector's shape. Plain
// ES module with no Node API, so the same file runs in Node and in the browser.
import { JitterBuffer, formatInfo, BUFFERING, PLAYING } from '../../main/resources/voicewire-web/lib/jitter-buffer.js';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, as zlib), continued from `crc`. */
export function crc32(bytes, crc = 0) {
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function toBytes(samples, bytesPerSample) {
  if (bytesPerSample === 1) return new Uint8Array(samples.buffer, samples.byteOffset, samples.length);
  const out = new Uint8Array(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    out[2 * i] = samples[i] & 0xff;
    out[2 * i + 1] = (samples[i] >> 8) & 0xff;
  }
  return out;
}

/** Runs `vector` and returns `{events, final}`. */
export function runVector(vector) {
  const c = vector.config;
  const f = formatInfo(c.format);
  const jb = new JitterBuffer({ sampleRate: f.sampleRate, minDelayMs: c.minDelayMs, maxDelayMs: c.maxDelayMs,
    safetyMs: c.safetyMs, maxBufferedMs: c.maxBufferedMs, overflow: c.overflow, silence: f.silence,
    ArrayType: f.ArrayType });
  const bps = f.bytesPerSample;
  const r = vector.read;
  const readSamples = r.bytes / bps;
  const times = new Set();
  for (let t = r.startMs; t <= r.untilMs; t += r.periodMs) times.add(t);
  for (const a of vector.arrivals) times.add(a.t);
  const hasEnd = vector.endAtMs !== undefined && vector.endAtMs !== null;
  if (hasEnd) times.add(vector.endAtMs);
  const readTimes = new Set();
  for (let t = r.startMs; t <= r.untilMs; t += r.periodMs) readTimes.add(t);
  const sorted = [...times].sort((a, b) => a - b);

  let nextSample = 0; // content numbering over the whole offered stream
  const makeChunk = (n) => {
    const s = new f.ArrayType(n);
    for (let i = 0; i < n; i++) {
      const j = nextSample + i;
      s[i] = bps === 2 ? (j * 7) % 32000 + 1 : (j % 200) + 1;
    }
    nextSample += n;
    return s;
  };
  const events = [];
  const pending = [];
  let ai = 0;
  let endCalled = false;
  let crc = 0;
  const out = new f.ArrayType(readSamples);
  let started = false;
  for (const t of sorted) {
    while (ai < vector.arrivals.length && vector.arrivals[ai].t === t) {
      const a = vector.arrivals[ai++];
      const n = a.ms !== undefined ? (a.ms * f.sampleRate) / 1000 : a.bytes / bps;
      pending.push({ chunk: makeChunk(n), arrival: a.t });
    }
    while (pending.length > 0) {
      const p = pending[0];
      const targetBefore = jb.target;
      const droppedBefore = jb.dropped;
      if (!jb.offer(p.chunk, p.arrival)) {
        events.push({ t, type: 'refused' });
        break;
      }
      pending.shift();
      if (jb.dropped !== droppedBefore) events.push({ t, type: 'drop', totalMs: jb.ms(jb.dropped) });
      if (jb.target !== targetBefore) events.push({ t, type: 'target', ms: jb.target });
    }
    if (hasEnd && !endCalled && t >= vector.endAtMs && pending.length === 0) {
      jb.end();
      endCalled = true;
    }
    if (readTimes.has(t)) {
      // events compare the state before and after the read (README §7)
      const before = jb.state;
      jb.read(out);
      crc = crc32(toBytes(out, bps), crc);
      const after = jb.state;
      if (before !== after) {
        if (after === PLAYING) {
          events.push({ t, type: started ? 'resume' : 'start' });
          started = true;
        } else if (after === BUFFERING) {
          events.push({ t, type: 'underrun' });
        } else {
          events.push({ t, type: 'ended' });
        }
      }
    }
  }
  const s = jb.stats();
  return { events, final: { ...s, outputCrc32: crc } };
}

function canonical(x) {
  if (Array.isArray(x)) return '[' + x.map(canonical).join(',') + ']';
  if (x && typeof x === 'object') return '{' + Object.keys(x).sort().map((k) => JSON.stringify(k) + ':' + canonical(x[k])).join(',') + '}';
  return JSON.stringify(x);
}

/** Runs a vector and compares with its expectations: `{ok, events, final}` (final limited to the expected keys). */
export function checkVector(vector) {
  const got = runVector(vector);
  const final = {};
  for (const k of Object.keys(vector.expect.final)) final[k] = got.final[k];
  const ok = canonical(got.events) === canonical(vector.expect.events) && canonical(final) === canonical(vector.expect.final);
  return { ok, events: got.events, final };
}
