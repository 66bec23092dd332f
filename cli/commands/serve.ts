// nnc serve DIR [--port N]: serves a site from nnc web on 127.0.0.1 with cross-origin
// isolation (COOP/COEP), until Ctrl-C (SIGINT) or SIGTERM.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from '../command';
import { UsageError } from '../command';
import { intOption, onePositional, parseCommandArgs } from '../args';
import { serveStatic, type StaticServer } from '../static-server';

const usage = `Usage: nnc serve <dir> [--port <n>]

Serves a folder written by nnc web at http://127.0.0.1:<port>/ with the headers that make
the page cross-origin isolated (Cross-Origin-Opener-Policy and -Embedder-Policy), so its
WebAssembly runs on every core. Only this machine can connect. Ctrl-C stops it.

Options:
  --port <n>   the port (default 8080; 0 picks a free one)
  -h, --help   show this help
`;

async function listen(dir: string, port: number): Promise<StaticServer> {
  try {
    return await serveStatic(dir, port);
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
    if (code === 'EADDRINUSE') throw new UsageError(`--port ${port}: the port is in use; choose another (--port 0 picks a free one)`);
    if (code === 'EACCES') throw new UsageError(`--port ${port}: not allowed to listen there (ports below 1024 need privileges)`);
    throw e;
  }
}

export const command: Command = {
  name: 'serve',
  usage,
  async run(args) {
    const p = parseCommandArgs(args, { port: { type: 'string' } });
    if (p.values.help) { process.stdout.write(usage); return 0; }
    const dir = onePositional(p, 'folder');
    const port = intOption(p, 'port', { min: 0 }) ?? 8080;
    if (port > 65535) throw new UsageError(`--port must be at most 65535, got '${port}'`);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`${dir}: not a folder`);
    if (!fs.existsSync(path.join(dir, 'index.html'))) throw new UsageError(`${dir}: has no index.html (write a site with nnc web <model> --out ${dir})`);
    const server = await listen(dir, port);
    process.stdout.write(`Serving ${dir} at ${server.url} (cross-origin isolated); Ctrl-C stops\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await server.close();
    process.stdout.write('Stopped\n');
    return 0;
  },
};
