// Tabular data from CSV files (parsed by csv-parse): a header row, a label column and numeric
// features (every other column, in file order; an example's shape is [features]). Labels map
// to class indices in a stable, documented order:
//   - `classes` given: its order (a label not in it is an error);
//   - every label (train and test) a non-negative integer: the integer itself;
//   - otherwise class names: the training file's distinct labels sorted by code unit (as
//     JavaScript sorts strings), so "setosa" < "versicolor" < "virginica" are 0, 1, 2.
// A bad value is one line naming the file, the row (the header is row 1, as in a spreadsheet)
// and the column.

import * as crypto from 'crypto';
import { parse } from 'csv-parse/sync';
import { DataError } from './errors';
import { FileReadError, READ_LIMITS, readRegularFile } from '../io/read-file';
import { type ClassSpace, outsideClasses } from './classes';
import type { Dataset } from './dataset';

export interface CsvSource {
  readonly train: string;
  readonly test: string;
  readonly label: string;
  readonly classes: readonly string[] | null;
}

/** One file's rows: feature values row-major, raw labels, and each row's line for messages. */
interface CsvTable {
  readonly file: string;
  readonly features: readonly string[];
  readonly x: Float32Array;
  readonly labels: readonly string[];
  readonly rows: readonly number[];
  readonly sha256: string;
}

interface ParsedRecord {
  readonly record: string[];
  readonly info: { readonly lines: number };
}

function readText(file: string): { text: string; sha256: string } {
  let raw: Buffer;
  try {
    raw = readRegularFile(file, READ_LIMITS.data);
  } catch (err) {
    if (err instanceof FileReadError) throw new DataError(file, err.problem);
    throw err;
  }
  return { text: raw.toString('utf8'), sha256: crypto.createHash('sha256').update(raw).digest('hex') };
}

function parseRecords(file: string, text: string): ParsedRecord[] {
  try {
    return parse(text, { info: true, skip_empty_lines: true, trim: true, bom: true }) as ParsedRecord[];
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new DataError(file, `not a valid CSV file: ${message}`);
  }
}

function fail(file: string, row: number, column: string, problem: string): DataError {
  return new DataError(file, `row ${row}, column '${column}': ${problem}`);
}

/** Reads a CSV file; `label` null: no label column (examples to predict; a column of that name is skipped if present). */
function readTable(file: string, label: string, labelRequired: boolean): CsvTable {
  const { text, sha256 } = readText(file);
  const records = parseRecords(file, text);
  if (records.length === 0) throw new DataError(file, 'is empty; expected a header row, then one row per example');
  const header = records[0].record;
  const labelAt = header.indexOf(label);
  if (labelAt < 0 && labelRequired) {
    throw new DataError(file, `row ${records[0].info.lines}: no label column '${label}' in the header (columns: ${header.join(', ')})`);
  }
  const featureAt = header.map((_, i) => i).filter((i) => i !== labelAt);
  if (featureAt.length === 0) throw new DataError(file, `has no feature columns besides the label column '${label}'`);
  const body = records.slice(1);
  const x = new Float32Array(body.length * featureAt.length);
  const labels: string[] = [];
  const rows: number[] = [];
  body.forEach(({ record, info }, r) => {
    featureAt.forEach((col, f) => {
      const cell = record[col];
      const value = cell === '' ? NaN : Number(cell);
      if (!Number.isFinite(value)) throw fail(file, info.lines, header[col], `'${cell}' is not a number`);
      x[r * featureAt.length + f] = value;
    });
    if (labelAt >= 0 && record[labelAt] === '') throw fail(file, info.lines, label, 'the label is empty');
    labels.push(labelAt < 0 ? '' : record[labelAt]);
    rows.push(info.lines);
  });
  return { file, features: featureAt.map((i) => header[i]), x, labels, rows, sha256 };
}

const INTEGER = /^\d+$/;

/** Each label's class index, by the rules above; `names` is the class names (null for integer labels). */
function classIndexer(train: CsvTable, test: CsvTable, src: CsvSource): { names: readonly string[] | null; index: (t: CsvTable, i: number) => number } {
  if (src.classes !== null) {
    const names = src.classes;
    return {
      names,
      index: (t, i) => {
        const k = names.indexOf(t.labels[i]);
        if (k < 0) throw fail(t.file, t.rows[i], src.label, `'${t.labels[i]}' is not one of the classes (${names.join(', ')})`);
        return k;
      },
    };
  }
  if ([...train.labels, ...test.labels].every((l) => INTEGER.test(l))) return { names: null, index: (t, i) => Number(t.labels[i]) };
  const names = [...new Set(train.labels)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    names,
    index: (t, i) => {
      const k = names.indexOf(t.labels[i]);
      if (k < 0) throw fail(t.file, t.rows[i], src.label, `class '${t.labels[i]}' does not occur in the training file ${train.file}`);
      return k;
    },
  };
}

function toDataset(t: CsvTable, space: ClassSpace, label: string, index: (t: CsvTable, i: number) => number, names: readonly string[] | null): Dataset {
  const labels = new Int32Array(t.labels.length);
  for (let i = 0; i < labels.length; i++) {
    const k = index(t, i);
    if (k >= space.count) {
      const what = names === null ? `label ${k}` : `class '${t.labels[i]}' (index ${k} of ${names.join(', ')})`;
      throw outsideClasses(t.file, `row ${t.rows[i]}, column '${label}': ${what}`, space);
    }
    labels[i] = k;
  }
  return { x: t.x, labels, count: labels.length, inputShape: [t.features.length], classes: space.count, source: t.file };
}

/** The train and test sets of a CSV source; the test file must have the training file's columns. */
export function loadCsvSets(src: CsvSource, space: ClassSpace): { train: Dataset; test: Dataset; hashes: Record<string, string>; classNames: readonly string[] | null } {
  const train = readTable(src.train, src.label, true);
  const test = readTable(src.test, src.label, true);
  checkSameColumns(train, test);
  const { names, index } = classIndexer(train, test, src);
  return {
    train: toDataset(train, space, src.label, index, names),
    test: toDataset(test, space, src.label, index, names),
    hashes: { 'train-csv': train.sha256, 'test-csv': test.sha256 },
    classNames: names,
  };
}

function checkSameColumns(train: CsvTable, test: CsvTable): void {
  const same = train.features.length === test.features.length && train.features.every((f, i) => f === test.features[i]);
  if (!same) {
    throw new DataError(test.file, `its feature columns (${test.features.join(', ')}) differ from ${train.file}'s (${train.features.join(', ')})`);
  }
}

/** Examples to predict from a CSV file: every column but `label` (which may be absent) is a feature. */
export function loadCsvExamples(file: string, label: string): { x: Float32Array; count: number; inputShape: number[] } {
  const t = readTable(file, label, false);
  return { x: t.x, count: t.rows.length, inputShape: [t.features.length] };
}
