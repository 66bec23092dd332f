// nnc check model.ts: checks the compiled training graph's gradient of every parameter
// against central differences of the loss (float64, reference interpreter), one line per
// parameter with its relative error and a verdict; with --backends, also the compiled CPU
// and gpu.js training steps against the reference. Exit 1 if anything fails.

import type { Command } from '../command';
import { intOption, onePositional, parseCommandArgs } from '../args';
import { compileFile } from '../../compiler/pipeline';
import { checkCompiledGradients, type ModelGradReport, type ParamGradResult } from '../../testing/check-model';
import { checkCompiledBackends, formatBackendsReport } from '../../testing/check-model-backends';

const usage = (): string => `Usage: nnc check <model.ts> [options]

Compiles a model file and checks the gradient of every parameter, as the training graph
computes it, against central differences of the loss. Each parameter is checked along
random unit directions u (JAX's check_grads): <grad, u> against
(L(p + eps u) - L(p - eps u)) / (2 eps), in float64 with the reference interpreter, on a
random batch, with the dropout masks fixed. Parameters start at their initializers' values
plus a little noise, so no PReLU/ReLU input or pooling window sits exactly on a kink.

With --backends, it then builds the model at the check's batch size and runs two training
steps, evaluation and prediction on the compiled CPU backend, and on gpu.js where WebGL is
available (it says so when it is not), beside the float64 reference from the same weights.
Each step starts the reference from the backend's own state and compares the loss, every
gradient (read back from the optimizer's state), every updated weight and optimizer slot,
within float32 tolerances; the first value that differs is named by its parameter and index.

Options:
  --seed <n>         seeds the parameters, the batch, the directions and dropout (default 0)
  --batch <n>        examples in the random batch (default 2; the interpreter is slow on conv)
  --directions <n>   random directions per parameter (default 3)
  --backends         also compare the compiled CPU and gpu.js training steps with the reference
  -h, --help         show this help

Exit status: 0 if every check passes, 1 if any fails or the model does not compile.
`;

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

function paramLine(p: ParamGradResult, nameWidth: number, shapeWidth: number): string {
  return `${p.name.padEnd(nameWidth)}  ${shapeText(p.shape).padEnd(shapeWidth)}  rel err ${p.relativeError.toExponential(2).padStart(9)}` +
    `  (|diff| ${p.absoluteError.toExponential(1)})  ${p.passed ? 'ok' : 'FAIL'}`;
}

export function formatModelGradReport(r: ModelGradReport, seconds: number): string {
  const nameWidth = Math.max(...r.params.map((p) => p.name.length));
  const shapeWidth = Math.max(...r.params.map((p) => shapeText(p.shape).length));
  const failed = r.params.filter((p) => !p.passed).length;
  const verdict = failed === 0
    ? `all ${r.params.length} parameters ok`
    : `FAIL: ${failed} of ${r.params.length} parameters disagree with finite differences`;
  return [
    `${r.model}: gradient check, batch ${r.batch}, seed ${r.seed}, ${r.directions} random directions per parameter, loss ${r.loss.toPrecision(6)}`,
    ...r.params.map((p) => paramLine(p, nameWidth, shapeWidth)),
    `${verdict} (${seconds.toFixed(1)} s)`,
  ].join('\n') + '\n';
}

export const command: Command = {
  name: 'check',
  get usage() { return usage(); },
  async run(args) {
    const p = parseCommandArgs(args, { seed: { type: 'string' }, batch: { type: 'string' }, directions: { type: 'string' }, backends: { type: 'boolean' } });
    if (p.values.help) { process.stdout.write(usage()); return 0; }
    const file = onePositional(p, 'model file');
    const opts = { seed: intOption(p, 'seed', { min: 0 }), batch: intOption(p, 'batch'), directions: intOption(p, 'directions') };
    const result = compileFile(file);
    if (!result.ok) {
      for (const d of result.diagnostics) process.stderr.write(d + '\n');
      return 1;
    }
    const started = Date.now();
    const report = checkCompiledGradients(result.model, opts);
    process.stdout.write(formatModelGradReport(report, (Date.now() - started) / 1000));
    if (p.values.backends !== true) return report.passed ? 0 : 1;
    const backends = await checkCompiledBackends(result.model, { seed: opts.seed, batch: opts.batch });
    process.stdout.write(formatBackendsReport(backends));
    return report.passed && backends.passed ? 0 : 1;
  },
};
