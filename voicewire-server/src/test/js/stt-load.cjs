// Load check: N realtime STT sockets each send 20 ms PCM chunks in real time (a 440 Hz tone
// with pauses) and commit every second; prints the client-side commit -> committed_transcript
// latency percentiles (server + tone engine + loopback). Used by hand, see docs/server.md:
//   NODE_PATH=<voicewire-web/node_modules> node stt-load.cjs ws://127.0.0.1:PORT 400 20
"use strict";
const WebSocket = require("ws");

const base = process.argv[2];
const n = Number(process.argv[3] || 400);
const seconds = Number(process.argv[4] || 20);
const rate = 16000;
const chunkSamples = rate / 50;

function chunk(freq, offset) {
  const b = Buffer.alloc(chunkSamples * 2);
  for (let i = 0; i < chunkSamples; i++) {
    const v = freq ? Math.round(8000 * Math.sin((2 * Math.PI * freq * (offset + i)) / rate)) : 0;
    b.writeInt16LE(v, i * 2);
  }
  return b.toString("base64");
}
const tone = chunk(440, 0);
const quiet = chunk(0, 0);

const latencies = [];
let open = 0;
let errors = 0;
const sockets = [];
for (let s = 0; s < n; s++) {
  const ws = new WebSocket(base + "/v1/speech-to-text/realtime?model_id=scribe_v2_realtime");
  const st = { ws, tick: 0, commitAt: 0, started: false };
  ws.on("message", (m) => {
    const msg = JSON.parse(m.toString());
    if (msg.message_type === "session_started") {
      st.started = true;
      open++;
    } else if (msg.message_type === "committed_transcript" && st.commitAt) {
      latencies.push(Number(process.hrtime.bigint() - st.commitAt) / 1e6);
      st.commitAt = 0;
    } else if (msg.message_type && msg.message_type.endsWith("error")) {
      errors++;
    }
  });
  ws.on("error", () => errors++);
  sockets.push(st);
}

const start = Date.now();
const timer = setInterval(() => {
  for (const st of sockets) {
    if (!st.started || st.ws.readyState !== WebSocket.OPEN) continue;
    st.tick++;
    const inWord = st.tick % 50 < 20;
    st.ws.send(JSON.stringify({ message_type: "input_audio_chunk",
      audio_base_64: inWord ? tone : quiet, commit: false, sample_rate: rate }));
    if (st.tick % 50 === 40) {
      st.commitAt = process.hrtime.bigint();
      st.ws.send(JSON.stringify({ message_type: "input_audio_chunk", audio_base_64: "",
        commit: true, sample_rate: rate }));
    }
  }
  if (Date.now() - start > seconds * 1000) {
    clearInterval(timer);
    setTimeout(report, 1000);
  }
}, 20);

function report() {
  latencies.sort((a, b) => a - b);
  const p = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  process.stdout.write(JSON.stringify({ sessions: open, commits: latencies.length, errors,
    p50_ms: p(0.5), p90_ms: p(0.9), p99_ms: p(0.99), max_ms: latencies[latencies.length - 1] })
    + "\n");
  sockets.forEach((s) => s.ws.close());
  setTimeout(() => process.exit(0), 500);
}
