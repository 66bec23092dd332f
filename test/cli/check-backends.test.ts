// nnc check --backends: after the gradient check, the compiled CPU step (and the gpu.js
// step where WebGL is available, a line saying why where it is not) against the float64
// reference. A fault in code generation only (the reference never runs it) must fail it,
// exit 1, naming the parameter and element that differ first.

import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { S } from '../../compiler/ir/scalar';
import { getOp } from '../../compiler/ops/index';
import type { OpDef } from '../../compiler/ops/op';
import { nnc } from './train-cli';

const TINY = (optimizer: string): string => `import { model, conv2d, prelu, maxPool2d, dropout, flatten, dense, constant, l2, adam, sgd, mnist } from 'nnc';

export default model({
  name: 'tiny-conv',
  input: [6, 6, 2],
  layers: [
    conv2d({ filters: 3, kernelSize: 3, kernelRegularizer: l2(0.01) }),
    prelu({ alphaInitializer: constant(0.25), sharedAxes: [1, 2] }),
    maxPool2d({ poolSize: 2 }),
    dropout({ rate: 0.3 }),
    flatten(),
    dense({ units: 5 }),
    prelu({ alphaInitializer: constant(0.1) }),
    dense({ units: 4, activation: 'softmax' }),
  ],
  loss: 'categoricalCrossentropy',
  optimizer: ${optimizer},
  data: mnist(),
});
`;

function writeModel(source: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'nnc-check-backends-')), 'tiny.ts');
  writeFileSync(file, source);
  return file;
}

/** Every line after the gradient check's verdict. */
function backendLines(stdout: string): string[] {
  const lines = stdout.trimEnd().split('\n');
  return lines.slice(lines.findIndex((l) => /^all \d+ parameters ok/.test(l)) + 1);
}

// Adam over two steps: 8 params, each with a gradient, a weight and two slots per step;
// 4 losses (2 steps, 2 evaluations); outputs of 4 classes at batches 2 and 4.
const OK_COUNTS = 'ok (4 losses, 16 gradients, 16 weights, 32 optimizer slots, 24 outputs)';
const GPU_LINE = new RegExp(`^(gpu \\(gpu\\.js, \\w+\\): ${OK_COUNTS.replace(/[()]/g, '\\$&')}|gpu\\.js: not checked: .+)$`);

describe('nnc check --backends', function () {
  this.timeout(300_000);

  it('compares the CPU (and, with WebGL, the gpu.js) step with the reference, exit 0', async () => {
    const r = await nnc('check', writeModel(TINY('adam()')), '--backends');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const [title, cpu, gpu, verdict, ...rest] = backendLines(r.stdout);
    assert.equal(title, 'tiny-conv: compiled backends against the float64 reference, batch 2, seed 0, 2 training steps, then evaluate and predict');
    assert.match(cpu, new RegExp(`^cpu \\(WebAssembly SIMD, \\d+ threads?\\): ${OK_COUNTS.replace(/[()]/g, '\\$&')}$`));
    assert.match(gpu, GPU_LINE);
    // In CI WebGL is there (xvfb), so gpu.js must have been checked.
    if (process.env.CI) assert.match(gpu, /^gpu \(gpu\.js/);
    assert.equal(verdict, gpu.startsWith('gpu.js: not checked') ? '1 backend ok' : '2 backends ok');
    assert.deepEqual(rest, []);
  });

  it('checks an SGD model with momentum on the CPU and (with WebGL) on gpu.js too', async () => {
    const r = await nnc('check', writeModel(TINY('sgd({ momentum: 0.9, nesterov: true })')), '--backends', '--seed', '2', '--batch', '3');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const [title, cpu, gpu] = backendLines(r.stdout);
    assert.match(title, /batch 3, seed 2,/);
    assert.match(cpu, /^cpu \(.*\): ok \(4 losses, 16 gradients, 16 weights, 16 optimizer slots, 32 outputs\)$/);
    assert.match(gpu, /^(gpu \(gpu\.js, \w+\): ok \(4 losses, 16 gradients, 16 weights, 16 optimizer slots, 32 outputs\)|gpu\.js: not checked: .+)$/);
    if (process.env.CI) assert.match(gpu, /^gpu \(gpu\.js/);
  });

  it('fails, exit 1, naming the first gradient that differs, when generated code computes a select wrongly', async () => {
    // where() selects in the backward loops (PReLU's gradient): the reference evaluates it
    // from its own rule, the CPU and gpu.js kernels inline this scalar form.
    const def = getOp('where') as { scalar?: OpDef['scalar'] };
    const original = def.scalar;
    def.scalar = () => S.select(S.arg(0), S.arg(1), S.bin('mul', S.arg(2), S.c(1.5)));
    let r;
    try {
      r = await nnc('check', writeModel(TINY('adam()')), '--backends');
    } finally {
      def.scalar = original;
    }
    assert.equal(r.code, 1, r.stdout);
    const [, cpu, , verdict] = backendLines(r.stdout);
    assert.match(cpu, /^cpu \(.*\): FAIL at step 1: gradient conv2d_1\.kernel\[\d,\d,\d,\d\]: \S+ where the reference has \S+ \(tolerance \S+\)$/);
    assert.match(verdict, /^FAIL: \d of \d backends differ from the reference$/);
  });
});
