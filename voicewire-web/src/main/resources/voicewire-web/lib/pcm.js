// PCM16 and base64 helpers shared by the sockets, the player and the microphone.
// Pure functions with no DOM dependency: they run on the main thread, in worklets and in Node.

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = (() => {
  const t = new Int16Array(256).fill(-1);
  for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
  t['-'.charCodeAt(0)] = 62; // base64url tolerated on input
  t['_'.charCodeAt(0)] = 63;
  return t;
})();

/** Encodes bytes as standard base64 (with padding). */
export function bytesToBase64(bytes) {
  let out = '';
  const n = bytes.length;
  const parts = [];
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64[v >> 18] + B64[(v >> 12) & 63] + B64[(v >> 6) & 63] + B64[v & 63];
    if (out.length >= 8192) { parts.push(out); out = ''; }
  }
  if (i < n) {
    const v = (bytes[i] << 16) | ((i + 1 < n ? bytes[i + 1] : 0) << 8);
    out += B64[v >> 18] + B64[(v >> 12) & 63];
    out += i + 1 < n ? B64[(v >> 6) & 63] + '=' : '==';
  }
  parts.push(out);
  return parts.join('');
}

/** Decodes base64 (standard or url-safe, padding optional, whitespace ignored) to bytes. */
export function base64ToBytes(text) {
  const s = String(text);
  const out = new Uint8Array(Math.floor((s.length * 3) / 4) + 3);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 61) break; // '='
    const v = c < 256 ? B64_INDEX[c] : -1;
    if (v < 0) {
      if (c === 32 || c === 10 || c === 13 || c === 9) continue;
      throw new Error('invalid base64 character at ' + i);
    }
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

/** Little-endian 16-bit PCM bytes → Int16Array (an odd trailing byte is ignored). */
export function bytesToInt16(bytes) {
  const n = bytes.length >> 1;
  const out = new Int16Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 2) {
    out[i] = (bytes[j] | (bytes[j + 1] << 8)) << 16 >> 16;
  }
  return out;
}

/** Int16Array → little-endian 16-bit PCM bytes. */
export function int16ToBytes(samples) {
  const out = new Uint8Array(samples.length * 2);
  for (let i = 0, j = 0; i < samples.length; i++, j += 2) {
    const v = samples[i];
    out[j] = v & 0xff;
    out[j + 1] = (v >> 8) & 0xff;
  }
  return out;
}

/** Float samples in [-1, 1] → Int16 with rounding and clamping (no wrap-around on overload). */
export function floatToInt16(floats, out = new Int16Array(floats.length)) {
  for (let i = 0; i < floats.length; i++) {
    const f = floats[i];
    let v = Math.round(f < 0 ? f * 32768 : f * 32767);
    if (v > 32767) v = 32767; else if (v < -32768) v = -32768;
    out[i] = v;
  }
  return out;
}

/** Int16 → float samples in [-1, 1). */
export function int16ToFloat(samples, out = new Float32Array(samples.length)) {
  for (let i = 0; i < samples.length; i++) out[i] = samples[i] / 32768;
  return out;
}

/** G.711 μ-law byte → linear 16-bit sample. */
export function ulawToInt16(bytes) {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const u = ~bytes[i] & 0xff;
    const sign = u & 0x80;
    const exponent = (u >> 4) & 0x07;
    const mantissa = u & 0x0f;
    let v = ((mantissa << 3) + 0x84) << exponent;
    v -= 0x84;
    out[i] = sign ? -v : v;
  }
  return out;
}

/** Base64 PCM16 little-endian → Int16Array. */
export function base64ToInt16(text) {
  return bytesToInt16(base64ToBytes(text));
}

/** Int16Array → base64 PCM16 little-endian. */
export function int16ToBase64(samples) {
  return bytesToBase64(int16ToBytes(samples));
}

/**
 * Parses an output/audio format name of the protocol (`pcm_16000`, `ulaw_8000`, ...).
 * Returns `{codec: 'pcm'|'ulaw', sampleRate}` or null for formats the browser components do not
 * decode sample-accurately (mp3, opus, alaw).
 */
export function parseFormat(name) {
  const m = /^(pcm|ulaw)_(\d+)$/.exec(String(name));
  if (!m) return null;
  return { codec: m[1], sampleRate: Number(m[2]) };
}

/** Decodes one base64 audio payload of the given parsed format to Int16 samples. */
export function decodeAudio(base64, format) {
  const bytes = base64ToBytes(base64);
  return format.codec === 'ulaw' ? ulawToInt16(bytes) : bytesToInt16(bytes);
}

/** Root-mean-square level of Int16 samples, in dBFS (−Infinity for digital silence). */
export function rmsDbfs(samples) {
  if (samples.length === 0) return -Infinity;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) { const v = samples[i] / 32768; sum += v * v; }
  return 10 * Math.log10(sum / samples.length);
}
