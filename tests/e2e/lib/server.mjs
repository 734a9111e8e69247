// A tiny static file server (node:http, no dependencies) that serves a Trunk `dist/` under a path
// prefix, the way a static host would: `<prefix>` and `<prefix>/` answer index.html (the bare
// prefix redirects to the slash form so relative URLs resolve), files under the prefix answer with
// their MIME type (`.wasm` as application/wasm, which WebAssembly.instantiateStreaming requires),
// anything else is 404. Query strings are ignored (the app keeps its whole view there).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

/**
 * Starts serving `dist` under `prefix` (e.g. "/tools/sightline/") on host:port.
 * Resolves to { server, url, close() } once listening; rejects if the port is taken.
 */
export function startStaticServer({ dist, prefix = '/tools/sightline/', host = '127.0.0.1', port = 18080, log = null }) {
  const root = path.resolve(dist);
  if (!prefix.startsWith('/')) prefix = '/' + prefix;
  if (!prefix.endsWith('/')) prefix += '/';
  const bare = prefix.slice(0, -1);

  const server = http.createServer((req, res) => {
    const send = (status, headers, body) => {
      res.writeHead(status, { 'Cache-Control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
      if (log) log(`${req.method} ${req.url} -> ${status}`);
    };
    const notFound = () => send(404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Not found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(405, { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' }, 'Method not allowed\n');
    }
    const q = req.url.indexOf('?');
    const rawPath = q >= 0 ? req.url.slice(0, q) : req.url;
    const query = q >= 0 ? req.url.slice(q) : '';
    let urlPath;
    try {
      urlPath = decodeURIComponent(rawPath);
    } catch {
      return notFound();
    }
    if (urlPath === bare) return send(301, { Location: prefix + query }, '');
    if (!urlPath.startsWith(prefix)) return notFound();
    let rel = urlPath.slice(prefix.length);
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    if (rel.includes('\0')) return notFound();
    const file = path.resolve(root, rel);
    if (file !== root && !file.startsWith(root + path.sep)) return notFound(); // no escaping dist/
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) return notFound();
      const type = MIME[path.extname(file).toLowerCase()] || 'application/octet-stream';
      fs.readFile(file, (err2, body) => {
        if (err2) return notFound();
        send(200, { 'Content-Type': type, 'Content-Length': body.length }, body);
      });
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', (e) => {
      reject(e.code === 'EADDRINUSE'
        ? new Error(`port ${port} on ${host} is already in use (a server left behind by an earlier run?); set E2E_PORT to use another`)
        : e);
    });
    server.listen(port, host, () => {
      resolve({
        server,
        url: `http://${host}:${port}${prefix}`,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}
