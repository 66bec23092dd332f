// Creates an output folder one component at a time, each with a plain (non-recursive) mkdir,
// so every failure is one line naming the component at fault: a file in the way, a dangling
// symbolic link, no permission, a name too long. Node's recursive mkdir loops forever on
// some virtual filesystems (/proc) and reports ENOTDIR or ENOENT without saying where.

import * as fs from 'fs';
import * as path from 'path';
import { OutputError, describeWriteFailure } from './output-errors';

/** Deeper than any real output folder; bounds the walk whatever the path. */
const MAX_COMPONENTS = 128;

/** Makes `dir` and its missing parents; returns the first folder it created, or null if `dir` existed. */
export function makeDirs(dir: string): string | null {
  const absolute = path.resolve(dir);
  const root = path.parse(absolute).root;
  const parts = absolute.slice(root.length).split(path.sep).filter((p) => p.length > 0);
  if (parts.length > MAX_COMPONENTS) throw new OutputError(dir, `nested ${parts.length} folders deep (at most ${MAX_COMPONENTS})`);
  let at = root;
  let created: string | null = null;
  for (const part of parts) {
    at = path.join(at, part);
    if (ensureFolder(at, dir) && created === null) created = at;
  }
  return created;
}

/** True when it created `at`; throws naming `at` when it cannot be a folder. */
function ensureFolder(at: string, asked: string): boolean {
  const where = at === path.resolve(asked) ? asked : `${asked} (at ${at})`;
  let st: fs.Stats;
  try {
    st = fs.statSync(at);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw failure(where, e);
    if (isSymlink(at)) throw new OutputError(where, `a symbolic link to a missing target (${fs.readlinkSync(at)})`, 'ENOENT');
    return mkdirOne(at, where);
  }
  if (!st.isDirectory()) throw new OutputError(where, 'exists and is not a folder', 'ENOTDIR');
  return false;
}

function mkdirOne(at: string, where: string): boolean {
  try {
    fs.mkdirSync(at);
    return true;
  } catch (e) {
    // Made by someone else in between: fine, if it is a folder.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(at, { throwIfNoEntry: false })?.isDirectory()) return false;
    throw failure(where, e);
  }
}

function isSymlink(at: string): boolean {
  try {
    return fs.lstatSync(at).isSymbolicLink();
  } catch {
    return false;
  }
}

function failure(where: string, e: unknown): OutputError {
  const { code, problem } = describeWriteFailure(e);
  // mkdir says ENOENT where the parent exists but refuses new folders (/proc).
  return new OutputError(where, `cannot create this folder: ${code === 'ENOENT' ? 'it cannot be created here' : problem}`, code);
}
