// The comparison point of the relay benchmark: a plain Node `ws` relay, as people write it.
// Every client connection opens an upstream connection with the same path and query and pipes
// text frames both ways, with no batching, no limits and no extra work.
// usage: node ws-relay.mjs <listenPort> <upstreamBase e.g. ws://127.0.0.1:9000>
import { WebSocketServer, WebSocket } from 'ws';

const [port, upstream] = process.argv.slice(2);
const wss = new WebSocketServer({ port: Number(port), host: '127.0.0.1' });
wss.on('connection', (client, req) => {
  const up = new WebSocket(upstream + req.url);
  const pending = [];
  up.on('open', () => { for (const m of pending.splice(0)) up.send(m); });
  client.on('message', (data, isBinary) => {
    const m = isBinary ? data : data.toString();
    if (up.readyState === WebSocket.OPEN) up.send(m); else pending.push(m);
  });
  up.on('message', (data, isBinary) => client.send(isBinary ? data : data.toString()));
  const closeBoth = () => { try { client.close(); } catch {} try { up.close(); } catch {} };
  client.on('close', closeBoth);
  up.on('close', closeBoth);
  client.on('error', closeBoth);
  up.on('error', closeBoth);
});
wss.on('listening', () => console.log(`relay listening ${port} -> ${upstream}`));
// The benchmark's heap probe (not part of the relay): on SIGUSR2, collect garbage (node runs
// with --expose-gc) and write heapUsed + external in bytes to the file named by RELAY_HEAP_FILE.
process.on('SIGUSR2', () => {
  if (global.gc) { global.gc(); global.gc(); }
  const m = process.memoryUsage();
  if (process.env.RELAY_HEAP_FILE) {
    import('node:fs').then(fs => fs.writeFileSync(process.env.RELAY_HEAP_FILE,
      String(m.heapUsed + m.external)));
  }
});
