// nnc build model.ts: compile a model file, print its summary or one stage (--emit), write artifacts (--out).

import * as path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Command } from '../command';
import { UsageError } from '../command';
import { intOption, onePositional, parseCommandArgs, stringOption } from '../args';
import { compileFile } from '../../compiler/pipeline';
import { formatSummary } from '../summary';
import { emitters, findEmitter } from '../emit';
import { writeFileAtomic } from '../../runtime/io/atomic';

const usage = (): string => `Usage: nnc build <model.ts> [options]

Reads a model file statically (it is parsed, never run), lowers it to the graph IR,
differentiates it and prints a Keras-style summary with the parameter count.

Options:
  --emit <stage>   print one stage instead of the summary:
${emitters().map((e) => `                     ${e.stage.padEnd(6)} ${e.description}`).join('\n')}
  --out <dir>      write every stage to files in <dir> (${emitters().map((e) => e.file).join(', ')})
  --batch <n>      batch size that code generation specialises to (default: the model's fit.batchSize)
  -h, --help       show this help
`;

export const command: Command = {
  name: 'build',
  summary: 'compile a model file; print its summary, or any stage with --emit',
  get usage() { return usage(); },
  async run(args) {
    const p = parseCommandArgs(args, { emit: { type: 'string' }, out: { type: 'string' }, batch: { type: 'string' } });
    if (p.values.help) { process.stdout.write(usage()); return 0; }
    const file = onePositional(p, 'model file');
    const stage = stringOption(p, 'emit');
    const emitter = stage === undefined ? undefined : findEmitter(stage);
    if (stage !== undefined && !emitter) throw new UsageError(`--emit: unknown stage '${stage}' (one of ${emitters().map((e) => e.stage).join(', ')})`);
    const result = compileFile(file);
    if (!result.ok) {
      for (const d of result.diagnostics) process.stderr.write(d + '\n');
      return 1;
    }
    const model = result.model;
    const batch = intOption(p, 'batch') ?? model.spec.fit.batchSize;
    const out = stringOption(p, 'out');
    if (out !== undefined) {
      mkdirSync(out, { recursive: true });
      for (const e of emitters()) writeFileAtomic(path.join(out, e.file), e.render(model, { batch }));
    }
    process.stdout.write(emitter ? emitter.render(model, { batch }) : formatSummary(model));
    if (out !== undefined && !emitter) process.stdout.write(`Wrote ${emitters().map((e) => e.file).join(', ')} to ${out}\n`);
    return 0;
  },
};
