// A minimal static file server for the component tests that need no voicewire server.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_ROOT = fileURLToPath(new URL('../../../main/resources/voicewire-web/', import.meta.url));
/** The module's src/ (served at /src/ so test modules import the very files the page uses). */
export const SRC_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The repository's shared test vectors (served at /test-vectors/). */
export const VECTORS_ROOT = fileURLToPath(new URL('../../../../../test-vectors/', import.meta.url));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

export async function serveStatic(extraRoutes = {}) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (extraRoutes[path]) return extraRoutes[path](req, res);
    let root = WEB_ROOT;
    let rel = path === '/' ? 'index.html' : path;
    if (path.startsWith('/src/')) { root = SRC_ROOT; rel = path.slice(5); }
    if (path.startsWith('/test-vectors/')) { root = VECTORS_ROOT; rel = path.slice(14); }
    const file = normalize(join(root, rel));
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { base: 'http://127.0.0.1:' + server.address().port, server, close: () => new Promise((r) => server.close(r)) };
}
