// Reads a compiled model folder (what `nnc build` writes) back into memory, checking what a
// runtime must trust before running it: the format and version, and that every file the
// manifest names is there. A problem is one ModelFileError line naming the folder and file.

import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { FORMAT_NAME, FORMAT_VERSION, MANIFEST_FILE, type CompiledModelFiles, type Manifest } from '../format/manifest';

export class ModelFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/** True when `dir` is a folder holding a manifest.json (a compiled model, whatever its state). */
export function isCompiledModelDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory() && statSync(path.join(dir, MANIFEST_FILE)).isFile();
  } catch {
    return false;
  }
}

export function readCompiledModel(dir: string): CompiledModelFiles {
  const manifestPath = path.join(dir, MANIFEST_FILE);
  const manifest = checkManifest(parseJson(readOrFail(manifestPath, dir), manifestPath), manifestPath);
  const files = new Map<string, Uint8Array>();
  for (const name of [...manifest.cpu.map((p) => p.file), ...manifest.gpu.map((p) => p.file)]) {
    if (path.isAbsolute(name) || name.split(/[\\/]/).includes('..')) throw new ModelFileError(`${manifestPath}: file '${name}' lies outside the compiled model`);
    files.set(name, readOrFail(path.join(dir, name), dir));
  }
  return { manifest, files };
}

/** The manifest from its JSON text (as `fetch` gives it in a browser), checked. */
export function parseManifest(text: string, where: string): Manifest {
  return checkManifest(parseJson(Buffer.from(text, 'utf8'), where), where);
}

function readOrFail(file: string, dir: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : `cannot read it (${code || String(e)})`;
    const hint = file.endsWith(MANIFEST_FILE) ? ` (is ${dir} a compiled model from nnc build?)` : '';
    throw new ModelFileError(`${file}: ${why}${hint}`);
  }
}

function parseJson(bytes: Buffer, where: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new ModelFileError(`${where}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

function checkManifest(m: unknown, where: string): Manifest {
  if (typeof m !== 'object' || m === null || (m as { format?: unknown }).format !== FORMAT_NAME) {
    throw new ModelFileError(`${where}: not an nnc compiled model (no "format": "${FORMAT_NAME}")`);
  }
  const version = (m as { version?: unknown }).version;
  if (version !== FORMAT_VERSION) {
    throw new ModelFileError(`${where}: compiled model format version ${String(version)}; this runtime reads version ${FORMAT_VERSION} (rebuild the model with this nnc)`);
  }
  const fields = ['name', 'io', 'params', 'optimizer', 'fit', 'cpu', 'gpu'] as const;
  const missing = fields.filter((f) => (m as Record<string, unknown>)[f] === undefined);
  if (missing.length > 0) throw new ModelFileError(`${where}: the manifest lacks ${missing.join(', ')}`);
  return m as Manifest;
}
