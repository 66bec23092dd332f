// Reads the project's import graph (every relative import, `import type` included, and
// every package import) and lists the arrows the architecture forbids. DESIGN.md's rule:
// arrows point down. cli -> compiler, runtime; compiler -> its own stages; runtime -> the
// compiled-model types (format/) only; format/ imports nothing.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

export interface ImportEdge {
  readonly from: string;
  /** A repository-relative path without extension, or a package name. */
  readonly to: string;
  readonly line: number;
}

export interface LayerRule {
  /** Applies to files under this folder (repository-relative, '/'-separated). */
  readonly from: string;
  /** A target starting with any of these (a folder path, or a package name) is forbidden. */
  readonly never: readonly string[];
  readonly why: string;
}

const PACKAGE_ONLY = /^[@a-z]/;

/** The import specifiers of TypeScript source, with their 1-based lines. */
export function importSpecifiers(source: string): { spec: string; line: number }[] {
  const out: { spec: string; line: number }[] = [];
  const pattern = /\b(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)(['"])([^'"\n]+)\1/g;
  for (const m of source.matchAll(pattern)) {
    out.push({ spec: m[2], line: source.slice(0, m.index).split('\n').length });
  }
  return out;
}

export function edgesOf(root: string, file: string, source: string): ImportEdge[] {
  const from = path.relative(root, file).split(path.sep).join('/');
  return importSpecifiers(source).map(({ spec, line }) => {
    if (!spec.startsWith('.')) return { from, to: packageName(spec), line };
    const to = path.relative(root, path.resolve(path.dirname(file), spec)).split(path.sep).join('/').replace(/\.(ts|js)$/, '');
    return { from, to, line };
  });
}

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export function violations(edges: readonly ImportEdge[], rules: readonly LayerRule[]): string[] {
  const found: string[] = [];
  for (const e of edges) {
    for (const r of rules) {
      if (!(e.from === r.from || e.from.startsWith(r.from + '/'))) continue;
      const hit = r.never.find((n) => e.to === n || e.to.startsWith(n + '/') || (PACKAGE_ONLY.test(n) && e.to === n));
      if (hit !== undefined) found.push(`${e.from}:${e.line}: imports ${e.to} (${r.why})`);
    }
  }
  return found;
}

export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

export function projectEdges(root: string, folders: readonly string[]): ImportEdge[] {
  return folders.flatMap((f) => sourceFiles(path.join(root, f)).flatMap((file) => edgesOf(root, file, readFileSync(file, 'utf8'))));
}
