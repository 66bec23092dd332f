import { strict as assert } from 'node:assert';
import { paramInfo } from '../../compiler/package/model-info';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GraphBuilder } from '../../compiler/ir/builder';
import { getOp } from '../../compiler/ops/index';
import type { OpDef } from '../../compiler/ops/op';
import { compileFile, type CompiledModel } from '../../compiler/pipeline';
import { checkCompiledGradients, checkModelGradients, ModelCompileError } from '../../testing/check-model';
import { modelFile } from '../compiler/lower/seed-models';
import { nnc } from './train-cli';

/** A small conv model touching every layer kind the seed uses, plus a regulariser and shared alpha axes. */
const TINY = `import { model, conv2d, prelu, maxPool2d, dropout, flatten, dense, constant, l2, adam, mnist } from 'nnc';

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
  optimizer: adam(),
  data: mnist(),
});
`;

function writeModel(name: string, source: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'nnc-check-')), name);
  writeFileSync(file, source);
  return file;
}

function compiled(file: string): CompiledModel {
  const r = compileFile(file);
  if (!r.ok) throw new Error(r.diagnostics.join('\n'));
  return r.model;
}

const PARAM_LINE = /^(\S+) +\[[\d,]*\] +rel err +\S+ +\(\|diff\| \S+\) +(ok|FAIL)$/;

function verdicts(stdout: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const hit = PARAM_LINE.exec(line);
    if (hit) m.set(hit[1], hit[2]);
  }
  return m;
}

describe('nnc check', () => {
  let tiny: string;
  before(() => { tiny = writeModel('tiny.ts', TINY); });

  it('passes the seed model: one ok line per parameter, exit 0', async function () {
    this.timeout(180_000);
    const r = await nnc('check', modelFile('mnist-prelu'));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^mnist-prelu: gradient check, batch 2, seed 0, 3 random directions per parameter, loss \S+\n/);
    const v = verdicts(r.stdout);
    assert.deepEqual([...v.keys()], [
      'conv2d_1.kernel', 'conv2d_1.bias', 'prelu_1.alpha', 'conv2d_2.kernel', 'conv2d_2.bias', 'prelu_2.alpha',
      'dense_1.kernel', 'dense_1.bias', 'prelu_3.alpha', 'dense_2.kernel', 'dense_2.bias',
    ]);
    assert.ok([...v.values()].every((x) => x === 'ok'), r.stdout);
    assert.match(r.stdout, /^all 11 parameters ok \(\d+\.\d s\)$/m);
  });

  it('passes a tiny model, with --seed and --batch', async () => {
    const r = await nnc('check', tiny, '--seed', '7', '--batch', '3', '--directions', '2');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^tiny-conv: gradient check, batch 3, seed 7, 2 random directions per parameter/);
    const v = verdicts(r.stdout);
    assert.equal(v.size, 8);
    assert.equal(v.get('prelu_1.alpha'), 'ok');
    assert.match(r.stdout, /^prelu_1\.alpha +\[1,1,3\] /m);
  });

  it('fails, exit 1, when a gradient rule is wrong (PReLU\'s dalpha summed over x > 0)', async () => {
    const def = getOp('prelu') as { grad?: OpDef['grad'] };
    const original = def.grad;
    def.grad = ({ b, node, dy }) => {
      const [x, alpha] = node.inputs;
      const zero = b.emit('constant', [], { value: 0, shape: [] });
      const dx = b.emit('where', [b.emit('greater', [x, zero]), dy, b.emit('mul', [dy, alpha])]);
      return [dx, b.emit('sumTo', [b.emit('mul', [dy, b.emit('maximum', [x, zero])])], { shape: b.type(alpha).shape })];
    };
    let r;
    try {
      r = await nnc('check', tiny);
    } finally {
      def.grad = original;
    }
    assert.equal(r.code, 1, r.stdout);
    const v = verdicts(r.stdout);
    assert.equal(v.get('prelu_1.alpha'), 'FAIL');
    assert.equal(v.get('prelu_2.alpha'), 'FAIL');
    assert.equal(v.get('dense_2.bias'), 'ok');
    assert.match(r.stdout, /^FAIL: 2 of 8 parameters disagree with finite differences/m);
  });

  it('prints compile errors as file:line:col diagnostics, exit 1', async () => {
    const bad = writeModel('bad.ts', TINY.replace("kernelSize: 3, kernelRegularizer", "kernelSize: 'three', kernelRegularizer"));
    const r = await nnc('check', bad);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7:\\d+: .*kernelSize.*\n$`));
    assert.doesNotMatch(r.stderr, /^\s+at /m);
  });

  it('rejects bad options in one line', async () => {
    assert.equal((await nnc('check')).stderr, 'nnc check: expected one model file, got none\n');
    const batch = await nnc('check', tiny, '--batch', 'two');
    assert.equal(batch.code, 1);
    assert.equal(batch.stderr, "nnc check: --batch must be an integer >= 1, got 'two'\n");
    const seed = await nnc('check', tiny, '--seed', '-1');
    assert.equal(seed.code, 1);
    assert.match(seed.stderr, /^nnc check: .*seed.*\n$/);
    const help = await nnc('check', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: nnc check <model\.ts> \[options\]/);
  });
});

describe('checkModelGradients', () => {
  let tiny: string;
  before(() => { tiny = writeModel('tiny.ts', TINY); });

  it('reports every parameter, deterministically for a seed', () => {
    const a = checkModelGradients(tiny, { seed: 4, directions: 2 });
    const b = checkModelGradients(tiny, { seed: 4, directions: 2 });
    assert.ok(a.passed, JSON.stringify(a.params));
    assert.deepEqual(a, b);
    assert.deepEqual(a.params.map((p) => p.name), ['conv2d_1.kernel', 'conv2d_1.bias', 'prelu_1.alpha', 'dense_1.kernel', 'dense_1.bias', 'prelu_2.alpha', 'dense_2.kernel', 'dense_2.bias']);
    for (const p of a.params) assert.ok(p.relativeError < 1e-4 || p.absoluteError < 1e-9, `${p.name}: ${p.relativeError}`);
  });

  it('catches gradients swapped between two parameters of the same shape', () => {
    const m = compiled(tiny);
    const outputs = { ...m.training.outputs, 'grad:dense_1.bias': m.training.outputs['grad:prelu_2.alpha'], 'grad:prelu_2.alpha': m.training.outputs['grad:dense_1.bias'] };
    const report = checkCompiledGradients({ ...m, training: { ...m.training, outputs } }, { directions: 2 });
    assert.equal(report.passed, false);
    assert.deepEqual(report.params.filter((p) => !p.passed).map((p) => p.name), ['dense_1.bias', 'prelu_2.alpha']);
  });

  it('catches a gradient off by one percent', () => {
    const m = compiled(tiny);
    const id = m.training.outputs['grad:conv2d_1.kernel'];
    const b = GraphBuilder.from(m.training);
    b.output('grad:conv2d_1.kernel', b.emit('mul', [id, b.emit('constant', [], { value: 1.01, shape: [] })]));
    const training = b.build();
    const report = checkCompiledGradients({ ...m, training }, { directions: 2 });
    assert.deepEqual(report.params.filter((p) => !p.passed).map((p) => p.name), ['conv2d_1.kernel']);
    const bad = report.params.find((p) => p.name === 'conv2d_1.kernel');
    assert.ok(bad && Math.abs(bad.relativeError - 0.01 / 1.01) < 1e-4, `relative error ${bad?.relativeError}`);
  });

  it('gives a param the loss does not depend on a zero gradient, and passes it', () => {
    const m = compiled(tiny);
    const b = GraphBuilder.from(m.training);
    const unused = b.param('unused.w', { shape: [3], dtype: 'f32' }, { init: { kind: 'ones' } });
    b.output('grad:unused.w', b.emit('constant', [], { value: 0, shape: [3] }));
    const training = b.build();
    const report = checkCompiledGradients({ ...m, training, params: [...m.params, b.node(unused)], paramInfo: [...m.paramInfo, paramInfo(b.node(unused))] }, { directions: 1 });
    const entry = report.params.find((p) => p.name === 'unused.w');
    assert.deepEqual(entry && [entry.analytic, entry.numeric, entry.passed], [0, 0, true]);
  });

  it('throws ModelCompileError with the diagnostics for a model that does not compile', () => {
    const missing = path.join(os.tmpdir(), 'nnc-no-such-model.ts');
    assert.throws(() => checkModelGradients(missing), (e: unknown) => {
      assert.ok(e instanceof ModelCompileError);
      assert.deepEqual(e.diagnostics, [`${missing}:1:1: cannot read model file '${missing}': no such file`]);
      return true;
    });
  });
});
