// Writes a compiled model folder so that a reader sees the old folder or the new one, never
// half of one: everything goes into a temporary sibling, which then replaces the target.
// A target that exists and is not a compiled model is never replaced. The parent folder must
// exist (the CLI makes it first).

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MANIFEST_FILE, type CompiledModelFiles } from '../../format/manifest';

export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

export function writeCompiledModel(dir: string, model: CompiledModelFiles): void {
  const target = path.resolve(dir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new OutputError(`${dir}: exists and is not a folder`);
    const isModel = existsSync(path.join(target, MANIFEST_FILE));
    if (!isModel && readdirSync(target).length > 0) throw new OutputError(`${dir}: a folder that is not a compiled model and not empty; choose another --out`);
  }
  const temp = `${target}.${process.pid}.tmp`;
  rmSync(temp, { recursive: true, force: true });
  try {
    // Not recursive: the parent must exist (a recursive mkdir loops forever under /proc).
    mkdirSync(temp);
    for (const [name, bytes] of model.files) {
      const file = path.join(temp, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, bytes);
    }
    writeFileSync(path.join(temp, MANIFEST_FILE), JSON.stringify(model.manifest, null, 1) + '\n');
    const old = `${target}.${process.pid}.old`;
    if (existsSync(target)) renameSync(target, old);
    renameSync(temp, target);
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    throw e;
  }
}
