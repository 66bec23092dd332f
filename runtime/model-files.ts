// Reads a compiled model folder (what `nnc build` writes) back into memory, checking what a
// runtime must trust before running it (manifest-check.ts: the format and version, and that
// every file the manifest names lies inside the folder) and that every such file is there.
// A problem is one ModelFileError line naming the folder and file. model-fetch.ts is the
// browser's counterpart.

import { statSync } from 'node:fs';
import * as path from 'node:path';
import { MANIFEST_FILE, type CompiledModelFiles } from '../format/manifest';
import { ModelFileError, parseManifest, programFiles } from './manifest-check';
import { FileReadError, READ_LIMITS, readRegularFile } from './io/read-file';

export { ModelFileError, parseManifest };

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
  const manifest = parseManifest(readOrFail(manifestPath, dir).toString('utf8'), manifestPath);
  const files = new Map<string, Uint8Array>();
  for (const name of programFiles(manifest, manifestPath)) files.set(name, readOrFail(path.join(dir, name), dir));
  return { manifest, files };
}

function readOrFail(file: string, dir: string): Buffer {
  try {
    // Regular files under a size limit only: a FIFO or /dev/zero would hang or fill memory.
    return readRegularFile(file, file.endsWith(MANIFEST_FILE) ? READ_LIMITS.record : READ_LIMITS.program);
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    const code = e.code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : e.problem;
    const hint = file.endsWith(MANIFEST_FILE) ? ` (is ${dir} a compiled model from nnc build?)` : '';
    throw new ModelFileError(`${file}: ${why}${hint}`);
  }
}
