// The checks a runtime makes on a compiled model before trusting it, wherever its files come
// from (the file system in Node, fetch in a page): the manifest's format and version, and
// that every file it names lies inside the compiled model. A problem is one ModelFileError
// line naming where it was found.

import { FORMAT_NAME, FORMAT_VERSION, type Manifest } from '../format/manifest';

export class ModelFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/** The manifest from its JSON text, checked; `where` names it in errors. */
export function parseManifest(text: string, where: string): Manifest {
  return checkManifest(parseJson(text, where), where);
}

/**
 * The names of every program file the manifest lists, each checked to stay inside the model;
 * the CPU programs' fused forms unless `fused` is false (a page that cannot run them skips them).
 */
export function programFiles(manifest: Manifest, where: string, fused = true): string[] {
  const fusedFiles = fused ? manifest.cpu.flatMap((p) => (p.fmaFile ? [p.fmaFile] : [])) : [];
  const names = [...manifest.cpu.map((p) => p.file), ...fusedFiles, ...manifest.gpu.map((p) => p.file)];
  for (const name of names) {
    if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || /^[a-z][a-z0-9+.-]*:/i.test(name) || name.split(/[\\/]/).includes('..')) {
      throw new ModelFileError(`${where}: file '${name}' lies outside the compiled model`);
    }
  }
  return names;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
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
  const fields = ['name', 'io', 'params', 'state', 'optimizer', 'fit', 'cpu', 'gpu'] as const;
  const missing = fields.filter((f) => (m as Record<string, unknown>)[f] === undefined);
  if (missing.length > 0) throw new ModelFileError(`${where}: the manifest lacks ${missing.join(', ')}`);
  return m as Manifest;
}
