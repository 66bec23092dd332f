// The page's scripts for `nnc web`: web/page.ts (the page) and web/engine-worker.ts (the
// runtime in a Web Worker) bundled for the browser with esbuild. The sources are nnc's own
// TypeScript (web/, runtime/, format/), so a failure to bundle is nnc's bug, not the user's.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../command';

export const PAGE_SCRIPT = 'nnc-page.js';
export const WORKER_SCRIPT = 'nnc-worker.js';
export const PAGE_HTML = 'index.html';

/** web/ beside the running code: the repository's (run with tsx), or the package's (run from dist/). */
export function webSourceDir(): string {
  const root = path.resolve(__dirname, '..', '..');
  const candidates = [path.join(root, 'web'), path.join(root, '..', 'web')];
  const found = candidates.find((d) => fs.existsSync(path.join(d, 'page.ts')));
  if (!found) throw new UsageError(`cannot find the page's sources (web/page.ts) beside nnc (looked in ${candidates.join(', ')})`);
  return found;
}

/** Bundles the page and its engine worker into `out`; returns the files written. */
export async function bundlePage(out: string): Promise<string[]> {
  const web = webSourceDir();
  const esbuild = (require('esbuild') as typeof import('esbuild'));
  const result = await esbuild.build({
    entryPoints: { [PAGE_SCRIPT.replace(/\.js$/, '')]: path.join(web, 'page.ts'), [WORKER_SCRIPT.replace(/\.js$/, '')]: path.join(web, 'engine-worker.ts') },
    outdir: out,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: ['chrome100', 'firefox110', 'safari16'],
    minify: true,
    // gpu.js tells its WebGL kernels apart by class name (so does the page, naming the backend).
    keepNames: true,
    legalComments: 'none',
    // The sources' own settings suffice; an installed nnc ships web/ and runtime/ without tsconfig.json.
    tsconfigRaw: '{}',
    logLevel: 'silent',
    write: true,
  });
  if (result.errors.length > 0) throw new Error(`bundling the page failed: ${result.errors[0].text}`);
  fs.copyFileSync(path.join(web, PAGE_HTML), path.join(out, PAGE_HTML));
  return [PAGE_HTML, PAGE_SCRIPT, WORKER_SCRIPT];
}
