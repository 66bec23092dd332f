// nnc's own version, from the package.json above this file (source tree or dist/).

import { readFileSync } from 'node:fs';
import * as path from 'node:path';

let cached: string | null = null;

export function nncVersion(): string {
  if (cached !== null) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'nnc' && typeof pkg.version === 'string') return (cached = pkg.version);
    } catch { /* not here: look one folder up */ }
    if (path.dirname(dir) === dir) return (cached = '0.0.0');
  }
}
