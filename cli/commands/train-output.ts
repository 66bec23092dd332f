// What a run leaves in its folder: weights.safetensors, history.json, the report (curves as
// SVG/PNG and report.html) and checkpoints/. Every file is written atomically.

import * as fs from 'fs';
import * as path from 'path';
import type { History, NamedTensor } from '../../runtime/engine';
import { writeFileAtomic } from '../../runtime/io/atomic';
import { writeSafetensors } from '../../runtime/io/safetensors';
import { type ReportRun, writeReport } from '../../runtime/report/html';
import type { Evaluation } from '../../runtime/train/evaluate';
import { kerasHistory } from '../../runtime/train/history-json';

export const WEIGHTS_FILE = 'weights.safetensors';
export const HISTORY_FILE = 'history.json';

/** Folder names stay well under the usual 255-byte limit, with room for a timestamp. */
const MAX_NAME = 64;

/** A file-name-safe form of a model name (model names are free text), at most MAX_NAME characters. */
export function safeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '').slice(0, MAX_NAME);
  return cleaned.length > 0 ? cleaned : 'model';
}

/** `runs/<prefix>-20260131-235959`, made unique with a counter if that folder exists. */
export function timestampedDir(parent: string, prefix: string, now = new Date()): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}-${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
  const base = path.join(parent, `${safeName(prefix)}-${stamp}`);
  let dir = base;
  for (let k = 2; fs.existsSync(dir); k++) dir = `${base}-${k}`;
  return dir;
}

export function writeHistory(dir: string, history: History, test: Evaluation | null): string {
  const file = path.join(dir, HISTORY_FILE);
  // One key per line, each metric's values on that line: readable, and diffs line up by metric.
  const lines = Object.entries(kerasHistory(history, test)).map(([key, value]) => ` ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  writeFileAtomic(file, `{\n${lines.join(',\n')}\n}\n`);
  return file;
}

/** `metadata`: more to record beside the format and model name (the input normalisation the weights are trained with). */
export function writeWeights(dir: string, params: readonly NamedTensor[], modelName: string, metadata: Readonly<Record<string, string>> = {}): string {
  const file = path.join(dir, WEIGHTS_FILE);
  writeSafetensors(file, params, { ...metadata, format: 'nnc-weights', model: modelName });
  return file;
}

/**
 * Writes the report; a failure here (no fonts for the PNGs, say) is reported in one line and
 * does not cost the run its weights, which are already on disk.
 */
export async function writeReportOrWarn(dir: string, runs: readonly ReportRun[], warn: (line: string) => void): Promise<string | null> {
  try {
    return (await writeReport(dir, runs)).html;
  } catch (e) {
    warn(`nnc: could not write the report in ${dir}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
    return null;
  }
}
