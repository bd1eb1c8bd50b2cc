// MP3 and Ogg Opus streams decoded in the browser, chunk by chunk as the messages arrive, with
// WebCodecs' AudioDecoder where the browser has it (feature detection), and the PCM format to
// ask for where it does not.
//
//     const format = await chooseOutputFormat('mp3_44100_128'); // or 'pcm_44100' if no decoder
//     const tts = new TtsSocket({ ..., outputFormat: format });  // decodes with StreamDecoder
//
// MP3 is cut into whole MPEG frames and Ogg into packets here, so each EncodedAudioChunk is one
// frame or packet and the decoder's state runs across messages: no gap at message boundaries.
// The decoded timeline is the standard one the server's alignment counts in: Opus loses its
// pre-skip and ends at the final granule position; MP3 keeps its encoder delay (about 25 ms at
// 44.1 kHz), which the server's alignment already includes.

/** Sample rates of the compressed formats of the protocol. */
const MP3_MPEG1_KBPS = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0];
const MP3_MPEG2_KBPS = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0];
const MP3_RATES = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };
/** Most decoded audio held back to go out with the rest of its message, ms. */
export const MAX_BATCH_MILLIS = 200;
/** Largest Ogg page, bytes: what the demuxer may hold while a page is incomplete. */
export const MAX_OGG_PAGE_BYTES = 27 + 255 + 255 * 255;

/** `{codec: 'mp3'|'opus', sampleRate, kbps}` for `mp3_*` / `opus_*` names, else null. */
export function parseCompressed(name) {
  const m = /^(mp3|opus)_(\d+)_(\d+)$/.exec(String(name));
  return m ? { codec: m[1], sampleRate: Number(m[2]), kbps: Number(m[3]) } : null;
}

/** True when this browser can decode `name` (an `mp3_*` or `opus_*` format) with WebCodecs. */
export async function canDecode(name) {
  const f = parseCompressed(name);
  if (!f || typeof AudioDecoder === 'undefined') return false;
  try {
    const r = await AudioDecoder.isConfigSupported({ codec: f.codec, sampleRate: f.sampleRate, numberOfChannels: 1 });
    return r.supported === true;
  } catch {
    return false;
  }
}

/** The PCM format with the same rate: what to ask for when the browser cannot decode `name`. */
export function pcmFallback(name) {
  const f = parseCompressed(name);
  return f ? 'pcm_' + f.sampleRate : name;
}

/** `name` if this browser decodes it, else its PCM fallback (PCM names pass through). */
export async function chooseOutputFormat(name) {
  if (!parseCompressed(name)) return name;
  return (await canDecode(name)) ? name : pcmFallback(name);
}

/** Samples per channel of an Opus packet at 48 kHz, from its TOC byte (RFC 6716, 3.1). */
export function opusPacketSamples(p) {
  if (p.length < 1) return 0;
  const config = p[0] >> 3;
  const frame = config < 12 ? [480, 960, 1920, 2880][config & 3]
    : config < 16 ? [480, 960][config & 1] : [120, 240, 480, 960][config & 3];
  const code = p[0] & 3;
  const frames = code === 0 ? 1 : code === 3 ? (p.length > 1 ? p[1] & 0x3f : 0) : 2;
  return frame * frames;
}

/**
 * Decodes one stream. `onPcm(Int16Array, sampleRate, tag)` gets the PCM in order; `tag` is what
 * push() was given with the bytes (alignment, say), handed over with the PCM that reaches the
 * point in the stream where those bytes start; tags that meet in one output are merged
 * (`chars`, `starts`, `durs` concatenated), and flush() hands over the rest with no PCM.
 * Counters in `stats`: `framesIn`, `samplesOut`, `errors`.
 */
export class StreamDecoder {
  constructor(name, onPcm) {
    const f = parseCompressed(name);
    if (!f) throw new RangeError('not an mp3_* or opus_* format: ' + name);
    if (typeof AudioDecoder === 'undefined') throw new Error('this browser has no WebCodecs AudioDecoder: ask for ' + pcmFallback(name));
    this.format = f;
    this.onPcm = onPcm;
    this.pending = new Uint8Array(0);
    this.stats = { framesIn: 0, samplesOut: 0, errors: 0 };
    this.tags = []; // {ts, tag}: where in the stream (µs) each push's bytes start
    this.timestampUs = 0;
    this.preSkipLeft = 0;
    this.limit = Infinity; // Opus: samples the final granule position allows
    this.packets = 0;
    this.partial = [];
    this.batch = [];
    this.batchSamples = 0;
    this.batchEndUs = 0;
    this.batchRate = f.codec === 'mp3' ? f.sampleRate : 48000;
    this.decoder = new AudioDecoder({
      output: (data) => this._output(data),
      error: (e) => { this.stats.errors++; this.lastError = String(e); },
    });
    if (f.codec === 'mp3') this._configure(f.sampleRate, 1);
  }

  _configure(sampleRate, channels) {
    this.decoder.configure({ codec: this.format.codec, sampleRate, numberOfChannels: channels });
  }

  /** Queues the next bytes of the stream (any cut); `tag` comes back with their first PCM. */
  push(bytes, tag) {
    const all = new Uint8Array(this.pending.length + bytes.length);
    all.set(this.pending);
    all.set(bytes, this.pending.length);
    if (tag) this.tags.push({ ts: this.timestampUs, tag });
    const used = this.format.codec === 'mp3' ? this._mp3(all) : this._ogg(all);
    this.pending = all.slice(used);
  }

  /** Decodes everything queued; resolves when all PCM (and every tag) was given to onPcm. */
  async flush() {
    if (this.decoder.state === 'configured') await this.decoder.flush();
    if (this.batch.length > 0) this._emitBatch();
    const rest = this._tagsBefore(Infinity);
    if (rest) this.onPcm(new Int16Array(0), this.format.codec === 'mp3' ? this.format.sampleRate : 48000, rest);
  }

  /** The tags whose bytes start before `us`, merged, taken off the queue; undefined if none. */
  _tagsBefore(us) {
    let n = 0;
    while (n < this.tags.length && this.tags[n].ts < us) n++;
    if (n === 0) return undefined;
    const taken = this.tags.splice(0, n).map((t) => t.tag);
    if (taken.length === 1) return taken[0];
    return { chars: taken.flatMap((t) => t.chars || []), starts: taken.flatMap((t) => t.starts || []),
      durs: taken.flatMap((t) => t.durs || []) };
  }

  close() {
    if (this.decoder.state !== 'closed') this.decoder.close();
  }

  _chunk(data, samples) {
    const ts = Math.round(this.timestampUs);
    const rate = this.format.codec === 'mp3' ? this.format.sampleRate : 48000;
    this.timestampUs += (samples * 1e6) / rate;
    this.stats.framesIn++;
    this.decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: ts, duration: Math.round((samples * 1e6) / rate), data }));
  }

  _mp3(b) {
    let p = 0;
    while (p + 4 <= b.length) {
      if (b[p] !== 0xff || (b[p + 1] & 0xe0) !== 0xe0) { p++; continue; } // resync
      const version = (b[p + 1] >> 3) & 3;
      const rate = (MP3_RATES[version] || [])[(b[p + 2] >> 2) & 3];
      const kbps = (version === 3 ? MP3_MPEG1_KBPS : MP3_MPEG2_KBPS)[b[p + 2] >> 4];
      if (!rate || !kbps) { p++; continue; }
      const size = Math.floor(((version === 3 ? 144 : 72) * kbps * 1000) / rate) + ((b[p + 2] >> 1) & 1);
      if (p + size > b.length) break;
      this._chunk(b.slice(p, p + size), version === 3 ? 1152 : 576);
      p += size;
    }
    return p;
  }

  _ogg(b) {
    let p = 0;
    while (b.length - p >= 27) {
      if (b[p] !== 0x4f || b[p + 1] !== 0x67 || b[p + 2] !== 0x67 || b[p + 3] !== 0x53) {
        throw new Error('not an Ogg stream at byte ' + p);
      }
      const segs = b[p + 26];
      if (b.length - p < 27 + segs) break;
      let body = 0;
      for (let i = 0; i < segs; i++) body += b[p + 27 + i];
      if (b.length - p < 27 + segs + body) break;
      const view = new DataView(b.buffer, b.byteOffset + p + 6, 8);
      const granule = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
      if ((b[p + 5] & 0x04) !== 0) this.limit = Math.max(0, granule - this.preSkip);
      let q = p + 27 + segs;
      for (let i = 0; i < segs; i++) {
        const len = b[p + 27 + i];
        this.partial.push(b.slice(q, q + len));
        q += len;
        if (len < 255) {
          const n = this.partial.reduce((a, s) => a + s.length, 0);
          const packet = new Uint8Array(n);
          let o = 0;
          for (const s of this.partial) { packet.set(s, o); o += s.length; }
          this.partial = [];
          this._opusPacket(packet);
        }
      }
      p = q;
    }
    return p;
  }

  _opusPacket(packet) {
    const index = this.packets++;
    if (index === 0) {
      if (packet.length < 19 || String.fromCharCode(...packet.slice(0, 8)) !== 'OpusHead') throw new Error('no OpusHead');
      this.channels = packet[9];
      this.preSkip = packet[10] | (packet[11] << 8);
      this.preSkipLeft = this.preSkip;
      this._configure(48000, this.channels); // no description: the pre-skip is trimmed here
      return;
    }
    if (index === 1) return; // OpusTags
    this._chunk(packet, opusPacketSamples(packet));
  }

  _output(data) {
    const n = data.numberOfFrames;
    const ch = data.numberOfChannels;
    const planes = [];
    for (let c = 0; c < ch; c++) {
      const f = new Float32Array(n);
      data.copyTo(f, { planeIndex: c, format: 'f32-planar' });
      planes.push(f);
    }
    const rate = data.sampleRate;
    const endUs = data.timestamp + (n * 1e6) / rate;
    data.close();
    let from = 0;
    if (this.preSkipLeft > 0) { from = Math.min(n, this.preSkipLeft); this.preSkipLeft -= from; }
    const count = Math.max(0, Math.min(n - from, this.limit - this.stats.samplesOut));
    const pcm = new Int16Array(count);
    for (let i = 0; i < count; i++) {
      let v = 0;
      for (let c = 0; c < ch; c++) v += planes[c][from + i];
      v /= ch;
      pcm[i] = Math.max(-32768, Math.min(32767, Math.round(v * 32768)));
    }
    this.stats.samplesOut += count;
    // one message's frames go out as one chunk (as PCM arrives), not one per frame: the
    // player's jitter estimate then sees the network's rhythm, not the decoder's
    this.batch.push(pcm);
    this.batchSamples += count;
    this.batchEndUs = endUs;
    this.batchRate = rate;
    if (this.decoder.decodeQueueSize === 0 || this.batchSamples >= rate * MAX_BATCH_MILLIS / 1000) this._emitBatch();
  }

  _emitBatch() {
    const tag = this._tagsBefore(this.batchEndUs - 1);
    if (this.batch.length === 0 && tag === undefined) return;
    const pcm = new Int16Array(this.batchSamples);
    let o = 0;
    for (const b of this.batch) { pcm.set(b, o); o += b.length; }
    this.batch = [];
    this.batchSamples = 0;
    this.onPcm(pcm, this.batchRate, tag);
  }
}
