// Opens N realtime STT sockets to a voicewire server, waits for session_started on each, prints
// "ready N", then holds them open until stdin closes. Used by IdleSessionMemoryProbe.
//   NODE_PATH=<voicewire-web/node_modules> node idle-sessions.cjs ws://127.0.0.1:PORT 400
"use strict";
const WebSocket = require("ws");

const base = process.argv[2];
const n = Number(process.argv[3] || 400);
let started = 0;
const sockets = [];
for (let i = 0; i < n; i++) {
  const ws = new WebSocket(base + "/v1/speech-to-text/realtime?model_id=scribe_v2_realtime");
  ws.on("message", (m) => {
    if (JSON.parse(m.toString()).message_type === "session_started" && ++started === n) {
      process.stdout.write("ready " + n + "\n");
    }
  });
  ws.on("error", (e) => {
    process.stderr.write("socket error: " + e.message + "\n");
    process.exit(1);
  });
  sockets.push(ws);
}
process.stdin.resume();
process.stdin.on("end", () => {
  sockets.forEach((s) => s.close());
  setTimeout(() => process.exit(0), 500);
});
