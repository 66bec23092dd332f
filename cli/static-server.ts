// A small static file server for a site nnc web wrote, on 127.0.0.1 only, with the headers
// cross-origin isolation needs (COOP/COEP, so WebAssembly threads get SharedArrayBuffer).
// Bounded: GET and HEAD of files inside the folder only, a cap on connections, timeouts.

import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json',
  '.wasm': 'application/wasm', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml',
  '.gz': 'application/gzip', '.safetensors': 'application/octet-stream',
};

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

export interface StaticServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The file a request path names inside `root`, or null when it names nothing there. */
export function resolveRequest(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) return resolveRequest(root, path.posix.join(urlPath.split('?')[0], 'index.html'));
    return stat.isFile() ? file : null;
  } catch {
    return null;
  }
}

export interface ServeOptions {
  /** Send the COOP/COEP headers (default true; false serves the site as a plain server would). */
  readonly crossOriginIsolated?: boolean;
}

function reply(res: http.ServerResponse, headers: object, status: number, text: string): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text + '\n');
}

function handle(root: string, headers: object, req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    reply(res, headers, 405, 'method not allowed');
    return;
  }
  const file = resolveRequest(root, req.url ?? '/');
  if (file === null) { reply(res, headers, 404, 'not found'); return; }
  res.writeHead(200, {
    ...headers,
    'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': fs.statSync(file).size,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') { res.end(); return; }
  fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

/** Serves `dir` on 127.0.0.1:`port` (0: any free port); rejects with the listen error (EADDRINUSE, say). */
export function serveStatic(dir: string, port: number, opts: ServeOptions = {}): Promise<StaticServer> {
  const root = path.resolve(dir);
  const headers = opts.crossOriginIsolated === false ? {} : ISOLATION;
  const server = http.createServer((req, res) => handle(root, headers, req, res));
  server.maxConnections = 64;
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const bound = (server.address() as { port: number }).port;
      resolve({
        url: `http://127.0.0.1:${bound}/`,
        port: bound,
        close: () => new Promise<void>((done) => { server.close(() => done()); server.closeAllConnections(); }),
      });
    });
  });
}
