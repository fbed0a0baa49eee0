// A tiny static file server for the demo and the browser tests (node:http, no dependencies).
//   import { serve } from './serve.mjs'; const s = await serve({ root }); ... await s.close();
//   node scripts/serve.mjs --root . --port 8080
import { createServer } from 'node:http';
import { createReadStream, realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve, sep, extname } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8', // covers .d.ts
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

export function mimeType(path) {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

function send(res, status, text) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

export async function serve({ root, port = 0, host = '127.0.0.1', routes = {} } = {}) {
  const base = resolve(root ?? '.');
  const server = createServer(async (req, res) => {
    try {
      const { pathname } = new URL(req.url, 'http://x');
      if (Object.hasOwn(routes, pathname)) return await routes[pathname](req, res);
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
      let rel;
      try { rel = decodeURIComponent(pathname); } catch { return send(res, 400, 'bad path'); }
      if (rel.includes('\0')) return send(res, 400, 'bad path');
      let file = resolve(base, '.' + rel);
      if (file !== base && !file.startsWith(base + sep)) return send(res, 403, 'forbidden');
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        if (!pathname.endsWith('/')) {
          res.writeHead(301, { Location: pathname + '/', 'Cache-Control': 'no-store' });
          return res.end();
        }
        file = resolve(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) return send(res, 404, 'not found');
      res.writeHead(200, {
        'Content-Type': mimeType(file),
        'Content-Length': info.size,
        'Cache-Control': 'no-store',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).on('error', () => res.destroy()).pipe(res);
    } catch (err) {
      if (!res.headersSent) send(res, 500, String(err?.message ?? err));
      else res.destroy();
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const addr = server.address();
  const url = `http://${host}:${addr.port}`;
  return {
    url,
    port: addr.port,
    close: () => new Promise((ok) => {
      server.close(() => ok());
      server.closeAllConnections?.();
    }),
  };
}

// CLI: node scripts/serve.mjs --root DIR --port N [--host H] [--route /path=FILE ...]
// A --route serves FILE (read fresh on every request) at /path, e.g. --route /local-aws.json=local-aws/state.json
if (process.argv[1] && realpathSync(resolve(process.argv[1])) === fileURLToPath(import.meta.url)) {
  const opts = { root: '.', port: 8080, host: '127.0.0.1', routes: {} };
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const [flag, value] = [args[i], args[++i]];
    if (value === undefined) { console.error(`missing value for ${flag}`); process.exit(2); }
    if (flag === '--root') opts.root = value;
    else if (flag === '--port') opts.port = Number(value);
    else if (flag === '--host') opts.host = value;
    else if (flag === '--route') {
      const eq = value.indexOf('=');
      const [path, file] = [value.slice(0, eq), resolve(value.slice(eq + 1))];
      opts.routes[path] = (req, res) => {
        const s = createReadStream(file);
        s.on('open', () => {
          res.writeHead(200, { 'Content-Type': mimeType(file), 'Cache-Control': 'no-store' });
          s.pipe(res);
        });
        s.on('error', () => send(res, 404, `${path}: ${file} is not there (yet)`));
      };
    } else { console.error(`unknown option ${flag}`); process.exit(2); }
  }
  const { url } = await serve(opts);
  console.log(url);
  const stop = () => process.exit(0);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
