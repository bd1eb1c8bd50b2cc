// A transparent TCP proxy in front of the voicewire server, so a test can cut every live
// connection at a chosen moment (the browser then sees an abnormal close, 1006, exactly as on
// a network drop). The Host header passes through unchanged, so the page's origin stays the
// server's own as far as its origin check is concerned.
import { createServer, connect } from 'node:net';

//
// `cutAfterUpgrade(minMs, maxMs, seed)` makes it a bad network: every WebSocket connection is
// reset a seeded random time in [minMs, maxMs] after its `101 Switching Protocols` passed.

/** A small seeded PRNG (mulberry32): the same seed gives the same cut times. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startProxy(targetHost, targetPort) {
  const pairs = new Set();
  let connections = 0;
  let cuts = 0;
  let cutPlan = null; // {min, max, random}
  const reset = (pair) => {
    if (!pairs.has(pair)) return;
    pairs.delete(pair);
    cuts++;
    pair.client.resetAndDestroy ? pair.client.resetAndDestroy() : pair.client.destroy();
    pair.upstream.destroy();
  };
  const server = createServer((client) => {
    connections++;
    const upstream = connect(targetPort, targetHost);
    const pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      if (pair.timer) clearTimeout(pair.timer);
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    client.pipe(upstream);
    upstream.once('data', (first) => {
      if (cutPlan && first.subarray(0, 12).toString('latin1') === 'HTTP/1.1 101') {
        const ms = cutPlan.min + cutPlan.random() * (cutPlan.max - cutPlan.min);
        pair.timer = setTimeout(() => reset(pair), ms);
      }
    });
    upstream.pipe(client);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    base: 'http://127.0.0.1:' + server.address().port,
    get connections() { return connections; },
    get cuts() { return cuts; },
    /** From now on, resets each WebSocket connection [minMs, maxMs] after its upgrade (seeded). */
    cutAfterUpgrade(minMs, maxMs, seed) { cutPlan = { min: minMs, max: maxMs, random: seeded(seed) }; },
    /** Stops cutting new connections. */
    noCuts() { cutPlan = null; },
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
