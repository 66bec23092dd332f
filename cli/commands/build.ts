// nnc build model.ts: compile a model file into a compiled model folder (manifest, .wasm
// programs, gpu.js kernels) that the runtime loads without the compiler; or print one stage
// of the compiler (--emit) for reading.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from '../command';
import { UsageError } from '../command';
import { intOption, onePositional, parseCommandArgs, parseIntStrict, stringOption, type ParsedArgs } from '../args';
import { buildModel, compileFile, type BuildOptions, type CompiledModel } from '../../compiler/pipeline';
import { writeCompiledModel, OutputError } from '../../compiler/package/write';
import type { CompiledModelFiles } from '../../format/manifest';
import { SizeLimitError } from '../../format/limits';
import { makeDirs } from '../../runtime/io/dirs';
import { OutputError as PathError, describeWriteFailure } from '../../runtime/io/output-errors';
import { RUN_LIMITS } from '../../runtime/train/run-limits';
import { formatSummary } from '../summary';
import { emitters, findEmitter } from '../emit';
import { escapeText } from '../escape';
import { formatEstimate, sizeLimitMessage } from '../resources';
import { sourceModel, sizesFor } from '../model-arg';
import { DataCache, dataSourceFor, prepareData } from './train-data';
import { exitCodeFor, type StopSignal } from './train-signal';

const RANGE = `${RUN_LIMITS.batchSize.min}..${RUN_LIMITS.batchSize.max}`;

const usage = (): string => `Usage: nnc build <model.ts> [options]

Reads a model file statically (it is parsed, never run), compiles it and writes the
compiled model: <name>.nnc/ with manifest.json, the CPU programs (.wasm) and the gpu.js
kernels. nnc train, eval and predict, and loadModel from 'nnc/runtime', run it without the
compiler. Prints a Keras-style summary with the parameter count and the memory each
program needs (a model too large for WebAssembly's 4 GiB is refused, naming the layer).

Options:
  --out <dir>              where to write the compiled model (default: ./<name>.nnc)
  --train-batches <n,...>  extra training batch sizes to compile, each ${RANGE} (the last, partial batch
                           of other data); the model's own data's sizes are added for you
  --infer-batches <n,...>  extra inference batch sizes to compile, each ${RANGE}
  --no-gpu                 skip the gpu.js programs
  --emit <stage>           print one stage instead, and write nothing:
${emitters().map((e) => `                             ${e.stage.padEnd(6)} ${e.description}`).join('\n')}
  --batch <n>              batch size --emit plan|cpu|gpu specialise to, ${RANGE}
                           (default: fit.batchSize)
  -h, --help               show this help
`;

export const command: Command = {
  name: 'build',
  get usage() { return usage(); },
  async run(args) {
    const p = parseCommandArgs(args, {
      emit: { type: 'string' }, out: { type: 'string' }, batch: { type: 'string' },
      'train-batches': { type: 'string' }, 'infer-batches': { type: 'string' }, 'no-gpu': { type: 'boolean' },
    });
    if (p.values.help) { process.stdout.write(usage()); return 0; }
    const file = onePositional(p, 'model file');
    const batch = intOption(p, 'batch', RUN_LIMITS.batchSize);
    const stage = stringOption(p, 'emit');
    const emitter = stage === undefined ? undefined : findEmitter(stage);
    if (stage !== undefined && !emitter) throw new UsageError(`--emit: unknown stage '${escapeText(stage)}' (one of ${emitters().map((e) => e.stage).join(', ')})`);
    const out = stringOption(p, 'out');
    if (out !== undefined && out.length === 0) throw new UsageError('--out needs a value');
    const extra = { train: batchList(p, 'train-batches'), infer: batchList(p, 'infer-batches') };
    const result = compileFile(file);
    if (!result.ok) {
      for (const d of result.diagnostics) process.stderr.write(escapeText(d) + '\n');
      return 1;
    }
    const model = result.model;
    for (const w of model.warnings) process.stderr.write(escapeText(w) + '\n');
    const origin = batch === undefined ? null : { value: batch, flag: '--batch' };
    if (emitter) {
      process.stdout.write(sized(file, origin, () => emitter.render(model, { batch: batch ?? model.spec.fit.batchSize })));
      return 0;
    }
    const target = out ?? `${model.spec.name}.nnc`;
    const own = dataSizes(model);
    const sizes = { trainBatches: [...(own.trainBatches ?? []), ...extra.train], inferBatches: [...(own.inferBatches ?? []), ...extra.infer] };
    const compiled = await sizedAsync(file, null, () => buildModel(model, { ...sizes, gpu: p.values['no-gpu'] !== true }));
    const stopped = await writeOut(target, relocateData(compiled, model, target));
    process.stdout.write(formatSummary(model));
    process.stdout.write(formatEstimate(compiled));
    process.stdout.write(escapeText(`Wrote ${target}/ (${describePrograms(compiled)})`) + '\n');
    return stopped === null ? 0 : exitCodeFor(stopped);
  },
};

/** A size too large for a program, as one line naming the flag or the model file. */
function sized<T>(file: string, origin: { value: number; flag: string } | null, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof SizeLimitError) throw new UsageError(sizeLimitMessage(e, file, origin));
    throw e;
  }
}

async function sizedAsync<T>(file: string, origin: { value: number; flag: string } | null, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof SizeLimitError) throw new UsageError(sizeLimitMessage(e, file, origin));
    throw e;
  }
}

/**
 * Writes the compiled model; the parent folders are made with a bounded walk. Ctrl-C or
 * SIGTERM while it writes waits for the write to end (its temp folder never stays behind);
 * returns the signal that came, if one did.
 */
async function writeOut(out: string, compiled: CompiledModelFiles): Promise<StopSignal | null> {
  let stopped: StopSignal | null = null;
  const onSigint = (): void => { stopped = 'SIGINT'; };
  const onSigterm = (): void => { stopped = 'SIGTERM'; };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  try {
    makeDirs(path.dirname(path.resolve(out)));
    if (isDanglingLink(out)) throw new UsageError(`${out}: a symbolic link to a missing target; remove it or choose another --out`);
    writeCompiledModel(out, compiled);
  } catch (e) {
    if (e instanceof OutputError || e instanceof PathError) throw new UsageError(e.message);
    const { code, problem } = describeWriteFailure(e);
    if (code) throw new UsageError(`${out}: cannot write the compiled model: ${problem}`);
    throw e;
  } finally {
    // A signal that came during the (synchronous) write is handled on the loop's next turn.
    await new Promise<void>((resolve) => { setImmediate(resolve); });
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
  return stopped;
}

/** Batch sizes the model's own data needs (a partial last batch of each set); none when the data cannot be read now. */
function dataSizes(model: CompiledModel): BuildOptions {
  const m = sourceModel(model, model.file);
  try {
    const fit = m.facts.fit;
    const data = prepareData(m, new DataCache().get(dataSourceFor(m, undefined), m), fit.validationSplit);
    return sizesFor(fit.batchSize, data.train.count, [data.val?.count ?? 0, data.test.count]);
  } catch {
    return {};
  }
}

function isDanglingLink(file: string): boolean {
  return fs.lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink() === true && !fs.existsSync(file);
}

/** --train-batches / --infer-batches: batch sizes separated by commas, each strictly an integer in range. */
function batchList(p: ParsedArgs, name: string): number[] {
  const v = stringOption(p, name);
  if (v === undefined) return [];
  return v.split(',').map((s) => parseIntStrict(s.trim(), `--${name} (each of '${v}')`, RUN_LIMITS.batchSize));
}

/** Data paths (an IDX folder, CSV files, image folders) relative to the model file become relative to the compiled model. */
function relocateData(compiled: CompiledModelFiles, model: CompiledModel, out: string): CompiledModelFiles {
  const data = compiled.manifest.data;
  const move = (p: string): string => (path.isAbsolute(p) ? p : path.relative(path.resolve(out), path.resolve(path.dirname(model.file), p)) || '.');
  if (data.kind === 'idx') return { ...compiled, manifest: { ...compiled.manifest, data: { ...data, dir: move(data.dir) } } };
  if (data.kind === 'csv' || data.kind === 'imageFolder') {
    return { ...compiled, manifest: { ...compiled.manifest, data: { ...data, train: move(data.train), test: move(data.test) } } };
  }
  return compiled;
}

function describePrograms(c: CompiledModelFiles): string {
  const list = (ps: readonly { mode: string; batch: number }[]): string => ps.map((q) => `${q.mode} ${q.batch}`).join(', ');
  const gpu = c.manifest.gpu.length > 0 ? `gpu.js: ${list(c.manifest.gpu)}` : `no gpu.js programs: ${c.manifest.gpuRefusal ?? ''}`;
  return `cpu: ${list(c.manifest.cpu)}; ${gpu}`;
}
