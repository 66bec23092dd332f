import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { compileFile, compileSource, compileSpec, type CompileResult, type CompiledModel } from '../../compiler/pipeline';
import { model, dense, prelu, adam, mnist } from '../../compiler/dsl/index';
import { checkGraph } from '../../compiler/ir/check';
import { interpret } from '../../compiler/ir/interpret';
import { nodesOf } from '../../compiler/ir/graph';
import { modelFeeds } from '../../testing/check-model';
import { compiledModel, modelFile } from './lower/seed-models';

const SEED_SOURCE = readFileSync(modelFile('mnist-prelu'), 'utf8');

function diagnostics(r: CompileResult): readonly string[] {
  assert.ok(!r.ok, 'compiled without diagnostics');
  return r.diagnostics;
}

function ok(r: CompileResult): CompiledModel {
  assert.ok(r.ok, r.ok ? '' : r.diagnostics.join('\n'));
  return r.model;
}

/** The seed source with its layer list replaced. */
const withLayers = (layers: string): string => SEED_SOURCE.replace(/layers: \[[\s\S]*?\n {2}\],/, `layers: [\n${layers}\n  ],`);

describe('pipeline', () => {
  it('compiles the seed file: spec, summary layers, both graphs, params in graph order', () => {
    const m = compiledModel('mnist-prelu');
    assert.equal(m.spec.name, 'mnist-prelu');
    assert.equal(m.file, modelFile('mnist-prelu'));
    assert.equal(m.layers.length, 12);
    assert.deepEqual(m.params.map((p) => p.attrs.name), nodesOf(m.training, 'param').map((p) => p.attrs.name));
    assert.deepEqual(m.params.map((p) => p.attrs.name), nodesOf(m.forward, 'param').map((p) => p.attrs.name));
    assert.deepEqual(Object.keys(m.training.outputs), ['probs', 'loss', ...m.params.map((p) => `grad:${String(p.attrs.name)}`)]);
    assert.deepEqual(Object.keys(m.forward.outputs), ['probs', 'loss']);
    checkGraph(m.forward);
    checkGraph(m.training);
  });

  it('compileSource and compileFile agree', () => {
    const fromSource = ok(compileSource(SEED_SOURCE, modelFile('mnist-prelu')));
    const fromFile = compiledModel('mnist-prelu');
    assert.deepEqual(fromSource.forward, fromFile.forward);
    assert.deepEqual(fromSource.training, fromFile.training);
  });

  it('without dropout, the training graph\'s loss is the forward graph\'s loss', () => {
    const spec = model({
      name: 'no-dropout', input: [5], layers: [dense({ units: 4 }), prelu(), dense({ units: 3, activation: 'softmax' })],
      loss: 'categoricalCrossentropy', optimizer: adam(), data: mnist(),
    });
    const m = compileSpec(spec);
    const feeds = modelFeeds(m, 3, 1);
    const train = interpret(m.training, feeds).outputs;
    const infer = interpret(m.forward, feeds).outputs;
    assert.equal(train.loss.data[0], infer.loss.data[0]);
    assert.deepEqual([...train.probs.data], [...infer.probs.data]);
  });

  describe('diagnostics are file:line:col: message', () => {
    it('for a lowering error, at the layer that caused it', () => {
      const src = withLayers('    conv2d({ filters: 32, kernelSize: 3 }),\n    dense({ units: 10, activation: \'softmax\' }),');
      const d = diagnostics(compileSource(src, 'models/x.ts'));
      assert.equal(d.length, 1);
      assert.match(d[0], /^models\/x\.ts:8:5: layer 2 \(dense\): dense needs a flat input \[N,features\], got \[N,26,26,32\]: add flatten\(\) before it$/);
    });

    it('for a pool window larger than its input', () => {
      const src = withLayers([
        '    conv2d({ filters: 4, kernelSize: 26 }),',
        '    conv2d({ filters: 4, kernelSize: 3 }),',
        '    maxPool2d({ poolSize: 2 }),',
        '    flatten(),',
        '    dense({ units: 10, activation: \'softmax\' }),',
      ].join('\n'));
      const d = diagnostics(compileSource(src, 'm.ts'));
      assert.match(d[0], /^m\.ts:9:5: layer 3 \(maxPool2d\): /);
    });

    it('for a syntax error and for a repeated layer name (front end)', () => {
      assert.match(diagnostics(compileSource(SEED_SOURCE.replace('flatten(),', 'flatten(,'), 'm.ts'))[0], /^m\.ts:15:\d+: /);
      const src = withLayers("    dense({ units: 4, name: 'a' }),\n    dense({ units: 10, activation: 'softmax', name: 'a' }),");
      assert.match(diagnostics(compileSource(src, 'm.ts'))[0], /^m\.ts:8:\d+: .*'a'/);
    });

    it('for a missing file', () => {
      assert.deepEqual(diagnostics(compileFile('/no/such/model.ts')), ["/no/such/model.ts:1:1: cannot read model file '/no/such/model.ts': no such file"]);
    });
  });
});
