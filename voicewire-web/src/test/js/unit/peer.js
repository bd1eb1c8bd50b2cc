// A real WebSocket server on a loopback port (the `ws` package) scripted per connection, for
// the socket state-machine tests. The client under test uses the platform WebSocket.
import { WebSocketServer } from 'ws';

export async function startPeer(onConnection) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const connections = [];
  wss.on('connection', (ws, req) => {
    const conn = { ws, url: req.url, received: [], waiters: [] };
    connections.push(conn);
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '<binary>' : data.toString();
      conn.received.push(JSON.parse(text));
      for (const w of conn.waiters.splice(0)) w();
    });
    conn.next = (pred, timeoutMs = 5000) => new Promise((resolve, reject) => {
      const t0 = Date.now();
      const check = () => {
        const hit = conn.received.find(pred);
        if (hit) return resolve(hit);
        if (Date.now() - t0 > timeoutMs) return reject(new Error('timeout waiting on ' + pred));
        conn.waiters.push(check);
        setTimeout(check, 50);
      };
      check();
    });
    conn.send = (obj) => ws.send(JSON.stringify(obj));
    onConnection(conn, connections.length - 1);
  });
  return {
    base: 'http://127.0.0.1:' + wss.address().port,
    connections,
    close: () => new Promise((r) => { for (const c of wss.clients) c.terminate(); wss.close(() => r()); }),
  };
}

/** Resolves when `pred(value)` holds for an event of `type` on `target` (with a timeout). */
export function waitFor(target, type, pred = () => true, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { off(); reject(new Error('timeout waiting for ' + type)); }, timeoutMs);
    const off = target.on(type, (d) => {
      if (pred(d)) { clearTimeout(t); off(); resolve(d); }
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
