// A transparent TCP proxy in front of the voicewire server, so a test can cut every live
// connection at a chosen moment (the browser then sees an abnormal close, 1006, exactly as on
// a network drop). The Host header passes through unchanged, so the page's origin stays the
// server's own as far as its origin check is concerned.
import { createServer, connect } from 'node:net';

export async function startProxy(targetHost, targetPort) {
  const pairs = new Set();
  let connections = 0;
  const server = createServer((client) => {
    connections++;
    const upstream = connect(targetPort, targetHost);
    const pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    base: 'http://127.0.0.1:' + server.address().port,
    get connections() { return connections; },
    /** Cuts every open connection with a TCP reset: no close frame reaches either side. */
    killAll() {
      const n = pairs.size;
      for (const { client, upstream } of [...pairs]) {
        client.resetAndDestroy ? client.resetAndDestroy() : client.destroy();
        upstream.destroy();
      }
      pairs.clear();
      return n;
    },
    close: () => new Promise((r) => { for (const { client, upstream } of pairs) { client.destroy(); upstream.destroy(); } server.close(() => r()); }),
  };
}
