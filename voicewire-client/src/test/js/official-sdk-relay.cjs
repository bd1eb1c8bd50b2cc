// Drives a voicewire relay (server + ElevenLabsProvider) whose upstream is the strict ElevenLabs
// double, with the official ElevenLabs JS SDK, unchanged, its base URL pointed at the relay.
// Run by OfficialSdkRelayTest (JUnit) with:
//   NODE_PATH=<voicewire-web/node_modules> BASE_URL=http://127.0.0.1:PORT API_KEY=... VOICE_ID=...
//   TRANSCRIPT=<the double's transcript>
// Prints one JSON line per check; exits 0 when every check passed, 1 with the error otherwise.
"use strict";

const { ElevenLabsClient, RealtimeEvents, AudioFormat, CommitStrategy } =
  require("@elevenlabs/elevenlabs-js");

const { BASE_URL, API_KEY, VOICE_ID, TRANSCRIPT } = process.env;
const TEXT = "Hello through the relay.";

function report(check, details) {
  process.stdout.write(JSON.stringify(Object.assign({ check }, details)) + "\n");
}

function assert(cond, message) {
  if (!cond) throw new Error("assertion failed: " + message);
}

async function readAll(stream) {
  const reader = stream.getReader();
  const parts = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(Buffer.from(value));
  }
  return Buffer.concat(parts);
}

function realtime(client, options) {
  return new Promise(async (resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("realtime: no committed transcript in 20 s")),
      20000);
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
      reject(new Error("realtime error: " + JSON.stringify(e)));
    });
    connection.on(RealtimeEvents.SESSION_STARTED, () => {
      const pcm = Buffer.alloc(16000 * 2 / 5); // 200 ms
      connection.send({ audioBase64: pcm.toString("base64") });
      connection.commit();
    });
    // every transcript event the SDK emits, by message type (the last of each)
    const seen = {};
    const done = () => {
      clearTimeout(timer);
      connection.close();
      resolve(Object.assign({ seen }, seen.committed_transcript));
    };
    for (const ev of [RealtimeEvents.FINAL_TRANSCRIPT, RealtimeEvents.FINAL_TRANSCRIPT_WITH_TIMESTAMPS,
      RealtimeEvents.COMMITTED_TRANSCRIPT, RealtimeEvents.COMMITTED_TRANSCRIPT_WITH_TIMESTAMPS,
      RealtimeEvents.COMMITTED_TRANSCRIPT_ENTITIES, RealtimeEvents.EDITED_TRANSCRIPT]) {
      connection.on(ev, (m) => {
        seen[ev] = m;
        // the edit (asked for) comes last; else the committed transcript ends the exchange
        if (options.transcriptEdit ? ev === RealtimeEvents.EDITED_TRANSCRIPT
          : ev === RealtimeEvents.COMMITTED_TRANSCRIPT) done();
      });
    }
  });
}

async function main() {
  const client = new ElevenLabsClient({ apiKey: API_KEY, baseUrl: BASE_URL });

  const pcm = await readAll(await client.textToSpeech.stream(VOICE_ID, {
    text: TEXT, modelId: "eleven_flash_v2_5", outputFormat: "pcm_16000",
    previousText: "Before.", nextText: "After.", enableLogging: false,
  }));
  assert(pcm.length === TEXT.length * 320, "stream bytes " + pcm.length);
  report("tts_stream", { bytes: pcm.length });

  // the official defaults: no model, no format: upstream decides (MP3)
  const mp3 = await readAll(await client.textToSpeech.stream(VOICE_ID, { text: TEXT }));
  assert(mp3.length > 0 && mp3[0] === 0xff, "default format bytes " + mp3.length);
  report("tts_stream_defaults", { bytes: mp3.length });

  const ts = await client.textToSpeech.streamWithTimestamps(VOICE_ID, {
    text: TEXT, outputFormat: "pcm_16000",
  });
  let chars = "";
  for await (const chunk of ts) chars += chunk.alignment.characters.join("");
  assert(chars === TEXT, "timestamps characters: " + chars);
  report("tts_stream_with_timestamps", { chars: chars.length });

  const whole = await readAll(await client.textToSpeech.convert(VOICE_ID, {
    text: TEXT, outputFormat: "ulaw_8000",
  }));
  assert(whole.length === TEXT.length * 80, "convert bytes " + whole.length);
  report("tts_convert", { bytes: whole.length });
  const withTs = await client.textToSpeech.convertWithTimestamps(VOICE_ID, {
    text: TEXT, outputFormat: "pcm_8000",
  });
  assert(withTs.alignment.characters.join("") === TEXT, "convertWithTimestamps characters");
  report("tts_convert_with_timestamps", {});

  const voices = await client.voices.getAll();
  assert(voices.voices.some((v) => v.voiceId === VOICE_ID), "voices list");
  const voice = await client.voices.get(VOICE_ID);
  assert(voice.voiceId === VOICE_ID, "single voice");
  const models = await client.models.list();
  assert(models.length > 0 && models.every((m) => m.canDoTextToSpeech), "models");
  report("voices_models", { voices: voices.voices.length, models: models.length });

  const rt = await realtime(client, {
    modelId: "scribe_v2_realtime", audioFormat: AudioFormat.PCM_16000, sampleRate: 16000,
    commitStrategy: CommitStrategy.MANUAL, includeTimestamps: true, noVerbatim: true,
    secondaryLanguages: ["de"], entityDetection: "pii", enableLogging: false,
    transcriptEdit: "Capitalise every word.",
  });
  assert(rt.text === TRANSCRIPT, "committed: " + rt.text);
  const ev = rt.seen;
  assert(ev.final_transcript && ev.final_transcript.text === TRANSCRIPT, "final_transcript");
  const fw = (ev.final_transcript_with_timestamps || {}).words || [];
  const cw = (ev.committed_transcript_with_timestamps || {}).words || [];
  for (const w of [fw[0], cw[0]]) {
    assert(w && w.speaker_id === "speaker_0", "word speaker_id: " + JSON.stringify(w));
    assert(w.characters && w.characters.length === w.text.length, "word characters: "
      + JSON.stringify(w));
  }
  assert(ev.committed_transcript_entities
    && ev.committed_transcript_entities.entities[0].entity_type === "person_name", "entities");
  assert(ev.edited_transcript && ev.edited_transcript.edited_text === TRANSCRIPT.toUpperCase(),
    "edited_transcript");
  report("stt_realtime", { committed: rt.text, events: Object.keys(ev) });

  const token = await client.tokens.singleUse.create("realtime_scribe");
  const rt2 = await realtime(client, {
    modelId: "scribe_v2_realtime", audioFormat: AudioFormat.PCM_16000, sampleRate: 16000,
    token: token.token,
  });
  assert(rt2.text === TRANSCRIPT, "token committed: " + rt2.text);
  report("stt_realtime_token", {});

  const wav = Buffer.concat([Buffer.from("RIFF"), Buffer.alloc(40)]);
  const batch = await client.speechToText.convert({
    modelId: "scribe_v1", file: new Blob([wav], { type: "audio/wav" }),
  });
  assert(batch.text === TRANSCRIPT, "batch: " + batch.text);
  report("stt_batch", { text: batch.text });

  report("done", { ok: true });
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write("FAILED: " + (e && e.stack ? e.stack : String(e)) + "\n");
  if (e && e.body) process.stderr.write("body: " + JSON.stringify(e.body) + "\n");
  process.exit(1);
});
