// nnc build model.ts: compile a model file into a compiled model folder (manifest, .wasm
// programs, gpu.js kernels) that the runtime loads without the compiler; or print one stage
// of the compiler (--emit) for reading.

import * as path from 'node:path';
import type { Command } from '../command';
import { UsageError } from '../command';
import { intOption, onePositional, parseCommandArgs, stringOption, type ParsedArgs } from '../args';
import { buildModel, compileFile, type BuildOptions, type CompiledModel } from '../../compiler/pipeline';
import { writeCompiledModel, OutputError } from '../../compiler/package/write';
import type { CompiledModelFiles } from '../../format/manifest';
import { formatSummary } from '../summary';
import { emitters, findEmitter } from '../emit';
import { sourceModel, sizesFor } from '../model-arg';
import { DataCache, dataSourceFor, prepareData } from './train-data';

const usage = (): string => `Usage: nnc build <model.ts> [options]

Reads a model file statically (it is parsed, never run), compiles it and writes the
compiled model: <name>.nnc/ with manifest.json, the CPU programs (.wasm) and the gpu.js
kernels. nnc train, eval and predict, and loadModel from 'nnc/runtime', run it without the
compiler. Prints a Keras-style summary with the parameter count.

Options:
  --out <dir>              where to write the compiled model (default: ./<name>.nnc)
  --train-batches <n,...>  extra training batch sizes to compile (the last, partial batch
                           of other data); the model's own data's sizes are added for you
  --infer-batches <n,...>  extra inference batch sizes to compile
  --no-gpu                 skip the gpu.js programs
  --emit <stage>           print one stage instead, and write nothing:
${emitters().map((e) => `                             ${e.stage.padEnd(6)} ${e.description}`).join('\n')}
  --batch <n>              batch size --emit plan|cpu|gpu specialise to (default: fit.batchSize)
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
    const batch = intOption(p, 'batch');
    const stage = stringOption(p, 'emit');
    const emitter = stage === undefined ? undefined : findEmitter(stage);
    if (stage !== undefined && !emitter) throw new UsageError(`--emit: unknown stage '${stage}' (one of ${emitters().map((e) => e.stage).join(', ')})`);
    const result = compileFile(file);
    if (!result.ok) {
      for (const d of result.diagnostics) process.stderr.write(d + '\n');
      return 1;
    }
    const model = result.model;
    if (emitter) {
      process.stdout.write(emitter.render(model, { batch: batch ?? model.spec.fit.batchSize }));
      return 0;
    }
    const out = stringOption(p, 'out') ?? `${model.spec.name}.nnc`;
    if (out.length === 0) throw new UsageError('--out needs a value');
    const compiled = await buildModel(model, { ...extraSizes(p, model), gpu: p.values['no-gpu'] !== true });
    try {
      writeCompiledModel(out, relocateData(compiled, model, out));
    } catch (e) {
      if (e instanceof OutputError) throw new UsageError(e.message);
      const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
      if (code) throw new UsageError(`cannot write ${out}: ${code}`);
      throw e;
    }
    process.stdout.write(formatSummary(model));
    process.stdout.write(`Wrote ${out}/ (${describePrograms(compiled)})\n`);
    return 0;
  },
};

/** Batch sizes the model's own data needs (a partial last batch of each set); none when the data cannot be read now. */
function dataSizes(model: CompiledModel): BuildOptions {
  const m = sourceModel(model, model.file);
  try {
    const fit = m.facts.fit;
    const data = prepareData(m, new DataCache().get(dataSourceFor(m, undefined)), fit.validationSplit);
    return sizesFor(fit.batchSize, data.train.count, [data.val?.count ?? 0, data.test.count]);
  } catch {
    return {};
  }
}

function extraSizes(p: ParsedArgs, model: CompiledModel): BuildOptions {
  const list = (name: string): number[] => {
    const v = stringOption(p, name);
    if (v === undefined) return [];
    return v.split(',').map((s) => {
      const n = Number(s.trim());
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} takes whole numbers >= 1 separated by commas, got '${v}'`);
      return n;
    });
  };
  const own = dataSizes(model);
  return {
    trainBatches: [...(own.trainBatches ?? []), ...list('train-batches')],
    inferBatches: [...(own.inferBatches ?? []), ...list('infer-batches')],
  };
}

/** An IDX data folder relative to the model file becomes relative to the compiled model. */
function relocateData(compiled: CompiledModelFiles, model: CompiledModel, out: string): CompiledModelFiles {
  const data = compiled.manifest.data;
  if (data.kind !== 'idx' || path.isAbsolute(data.dir)) return compiled;
  const dir = path.relative(path.resolve(out), path.resolve(path.dirname(model.file), data.dir)) || '.';
  return { ...compiled, manifest: { ...compiled.manifest, data: { ...data, dir } } };
}

function describePrograms(c: CompiledModelFiles): string {
  const list = (ps: readonly { mode: string; batch: number }[]): string => ps.map((q) => `${q.mode} ${q.batch}`).join(', ');
  const gpu = c.manifest.gpu.length > 0 ? `gpu.js: ${list(c.manifest.gpu)}` : `no gpu.js programs: ${c.manifest.gpuRefusal ?? ''}`;
  return `cpu: ${list(c.manifest.cpu)}; ${gpu}`;
}
