// Drives a voicewire server with the official ElevenLabs JS SDK, unchanged, with only its base
// URL pointed at the server. Run by OfficialSdkTest (JUnit) with:
//   NODE_PATH=<voicewire-web/node_modules> BASE_URL=http://127.0.0.1:PORT API_KEY=... VOICE_ID=...
// Prints one JSON line per check; exits 0 when every check passed, 1 with the error otherwise.
"use strict";

const { ElevenLabsClient, RealtimeEvents, AudioFormat, CommitStrategy } =
  require("@elevenlabs/elevenlabs-js");

const BASE_URL = process.env.BASE_URL;
const API_KEY = process.env.API_KEY;
const VOICE_ID = process.env.VOICE_ID;
const TEXT = "Hello from the official SDK. It streams.";

function report(check, details) {
  process.stdout.write(JSON.stringify(Object.assign({ check }, details)) + "\n");
}

function assert(cond, message) {
  if (!cond) {
    throw new Error("assertion failed: " + message);
  }
}

async function readAll(stream) {
  const reader = stream.getReader();
  const parts = [];
  let chunks = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(Buffer.from(value));
    chunks++;
  }
  return { bytes: Buffer.concat(parts), chunks };
}

// 16-bit PCM mono: silence, then tones the test engine names "alpha" (440 Hz), "bravo" (660 Hz)
function speechPcm(rate) {
  const segments = [[0, 100], [440, 300], [0, 200], [660, 300], [0, 200]];
  const total = segments.reduce((n, [, ms]) => n + (rate * ms) / 1000, 0);
  const buf = Buffer.alloc(total * 2);
  let i = 0;
  for (const [freq, ms] of segments) {
    const n = (rate * ms) / 1000;
    for (let k = 0; k < n; k++, i++) {
      const v = freq === 0 ? 0 : Math.round(8000 * Math.sin((2 * Math.PI * freq * k) / rate));
      buf.writeInt16LE(v, i * 2);
    }
  }
  return buf;
}

function wav(pcm, rate) {
  const h = Buffer.alloc(44);
  h.write("RIFF", 0);
  h.writeUInt32LE(36 + pcm.length, 4);
  h.write("WAVE", 8);
  h.write("fmt ", 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36);
  h.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([h, pcm]);
}

function realtime(client, options, pcm) {
  return new Promise(async (resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("realtime: no committed transcript in 20 s")),
      20000);
    const seen = { started: null, partials: 0, committed: null, withTimestamps: null };
    let connection;
    try {
      connection = await client.speechToText.realtime.connect(options);
    } catch (e) {
      clearTimeout(timer);
      reject(e);
      return;
    }
    connection.on(RealtimeEvents.ERROR, (e) => {
      clearTimeout(timer);
      reject(new Error("realtime error: " + JSON.stringify(e && e.message_type ? e : String(e))));
    });
    connection.on(RealtimeEvents.SESSION_STARTED, (m) => {
      seen.started = m;
      // 20 ms chunks, then a manual commit
      const step = (options.sampleRate / 50) * 2;
      for (let off = 0; off < pcm.length; off += step) {
        connection.send({ audioBase64: pcm.subarray(off, off + step).toString("base64") });
      }
      connection.commit();
    });
    connection.on(RealtimeEvents.PARTIAL_TRANSCRIPT, () => {
      seen.partials++;
    });
    connection.on(RealtimeEvents.COMMITTED_TRANSCRIPT, (m) => {
      seen.committed = m;
      if (!options.includeTimestamps) {
        clearTimeout(timer);
        connection.close();
        resolve(seen);
      }
    });
    connection.on(RealtimeEvents.COMMITTED_TRANSCRIPT_WITH_TIMESTAMPS, (m) => {
      seen.withTimestamps = m;
      clearTimeout(timer);
      connection.close();
      resolve(seen);
    });
  });
}

async function main() {
  const client = new ElevenLabsClient({ apiKey: API_KEY, baseUrl: BASE_URL });

  // text to speech, streamed raw audio
  const stream = await client.textToSpeech.stream(VOICE_ID, {
    text: TEXT,
    modelId: "eleven_flash_v2_5",
    outputFormat: "pcm_16000",
  });
  const raw = await readAll(stream);
  assert(raw.bytes.length === TEXT.length * 320, "stream bytes " + raw.bytes.length);
  report("tts_stream", { bytes: raw.bytes.length, chunks: raw.chunks });

  // text to speech, streamed with timestamps (one JSON object per line)
  const ts = await client.textToSpeech.streamWithTimestamps(VOICE_ID, {
    text: TEXT,
    outputFormat: "pcm_16000",
  });
  let chars = "";
  let lines = 0;
  let audioBytes = 0;
  let lastEnd = 0;
  for await (const chunk of ts) {
    lines++;
    audioBytes += Buffer.from(chunk.audioBase64, "base64").length;
    const a = chunk.alignment;
    chars += a.characters.join("");
    assert(Math.abs(a.characterStartTimesSeconds[0] - lastEnd) < 1e-6, "cumulative times");
    lastEnd = a.characterEndTimesSeconds[a.characterEndTimesSeconds.length - 1];
  }
  assert(chars === TEXT, "timestamps characters: " + chars);
  assert(audioBytes === TEXT.length * 320, "timestamps bytes " + audioBytes);
  report("tts_stream_with_timestamps", { lines, chars: chars.length, lastEndSeconds: lastEnd });

  // text to speech, whole file and whole file with timestamps
  const whole = await readAll(await client.textToSpeech.convert(VOICE_ID, {
    text: TEXT,
    outputFormat: "ulaw_8000",
  }));
  assert(whole.bytes.length === TEXT.length * 80, "convert bytes " + whole.bytes.length);
  report("tts_convert", { bytes: whole.bytes.length });
  const withTs = await client.textToSpeech.convertWithTimestamps(VOICE_ID, {
    text: TEXT,
    outputFormat: "pcm_8000",
  });
  assert(withTs.alignment.characters.join("") === TEXT, "convertWithTimestamps characters");
  report("tts_convert_with_timestamps", { characters: withTs.alignment.characters.length });

  // no output format: the official default, MP3 (mp3_44100_128), which the Java side decodes
  const mp3 = await readAll(await client.textToSpeech.stream(VOICE_ID, { text: TEXT }));
  assert(mp3.bytes[0] === 0xff && (mp3.bytes[1] & 0xe0) === 0xe0, "MPEG frame sync");
  report("tts_default_mp3", { bytes: mp3.bytes.length, chunks: mp3.chunks,
    base64: Buffer.from(mp3.bytes).toString("base64") });

  // voices and models
  const voices = await client.voices.getAll();
  assert(voices.voices.some((v) => v.voiceId === VOICE_ID), "voices list");
  const voice = await client.voices.get(VOICE_ID);
  assert(voice.voiceId === VOICE_ID, "single voice");
  const models = await client.models.list();
  assert(models.length > 0 && models[0].modelId, "models");
  report("voices_models", { voices: voices.voices.length, models: models.length });

  // realtime speech to text with the API key, with timestamps
  const pcm = speechPcm(16000);
  const rt = await realtime(client, {
    modelId: "scribe_v2_realtime",
    audioFormat: AudioFormat.PCM_16000,
    sampleRate: 16000,
    commitStrategy: CommitStrategy.MANUAL,
    includeTimestamps: true,
  }, pcm);
  assert(rt.started.config.sample_rate === 16000, "session_started config");
  assert(rt.committed.text === "alpha bravo", "committed: " + rt.committed.text);
  assert(rt.withTimestamps.words.length === 2, "words");
  report("stt_realtime", { partials: rt.partials, committed: rt.committed.text,
    words: rt.withTimestamps.words.map((w) => w.text) });

  // a single-use token minted by the SDK, used by the SDK's realtime client
  const token = await client.tokens.singleUse.create("realtime_scribe");
  assert(typeof token.token === "string", "token");
  // with a token the SDK sends no API key on the socket (it authenticates on its own)
  const rt2 = await realtime(client, {
    modelId: "scribe_v2_realtime",
    audioFormat: AudioFormat.PCM_16000,
    sampleRate: 16000,
    token: token.token,
  }, pcm);
  assert(rt2.committed.text === "alpha bravo", "token committed: " + rt2.committed.text);
  report("stt_realtime_token", { committed: rt2.committed.text });

  // batch speech to text
  const batch = await client.speechToText.convert({
    modelId: "scribe_v1",
    file: new Blob([wav(pcm, 16000)], { type: "audio/wav" }),
  });
  assert(batch.text === "alpha bravo", "batch: " + batch.text);
  report("stt_batch", { text: batch.text, words: batch.words.length,
    languageCode: batch.languageCode });

  // batch speech to text of an MP3 made by another encoder (ffmpeg, by the Java side)
  if (process.env.MP3_FILE) {
    const mp3 = await client.speechToText.convert({
      modelId: "scribe_v1",
      file: new Blob([require("fs").readFileSync(process.env.MP3_FILE)], { type: "audio/mpeg" }),
    });
    assert(mp3.text === "alpha bravo", "batch mp3: " + mp3.text);
    report("stt_batch_mp3", { text: mp3.text });
  }

  report("done", { ok: true });
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write("FAILED: " + (e && e.stack ? e.stack : String(e)) + "\n");
  if (e && e.body) {
    process.stderr.write("body: " + JSON.stringify(e.body) + "\n");
  }
  process.exit(1);
});
