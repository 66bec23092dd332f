// Global pooling, reshape and the activation layer lowered and run on the float64
// interpreter, against values computed here by plain loops and formulas; their summaries
// (Keras' class names and shapes); and their mistakes, one located line each.

import { strict as assert } from 'node:assert';
import {
  activation, adam, conv2d, dense, flatten, globalAveragePooling2d, globalMaxPooling2d, maxPool2d, mnist, model, reshape,
  type ActivationName, type LayerSpec, type ModelSpec,
} from '../../../compiler/dsl/index';
import { interpret } from '../../../compiler/ir/interpret';
import { tensor } from '../../../compiler/ir/tensor';
import { lowerModel, LowerError } from '../../../compiler/lower/lower';
import { compileSource } from '../../../compiler/pipeline';
import { printModelSource } from '../../../testing/arbitraries/spec';

function spec(input: readonly number[], layers: readonly LayerSpec[]): ModelSpec {
  return model({ name: 'shaping', input, layers, loss: 'meanSquaredError', optimizer: adam(), data: mnist() });
}

/** The model's output for `x` (no params), and its shape. */
function run(s: ModelSpec, x: number[]): { shape: number[]; data: number[] } {
  const g = lowerModel(s, 'infer').graph;
  const out = g.nodes.find((n) => n.id === g.outputs.probs);
  assert.ok(out);
  const batch = x.length / s.input.reduce((a, b) => a * b, 1);
  const outShape = out.type.shape.map((d) => (d === 'N' ? batch : d));
  const r = interpret(g, { x: tensor([batch, ...s.input], x), labels: tensor(outShape) }).outputs.probs;
  return { shape: [...r.shape], data: [...r.data] };
}

// Two examples of 2x3 maps with 2 channels, NHWC.
const X = Array.from({ length: 2 * 2 * 3 * 2 }, (_, i) => ((i * 7) % 11) - 5 + i / 100);

/** Mean or max of channel c of example n over its 2x3 map, by a plain loop. */
function pooled(n: number, c: number, how: 'mean' | 'max'): number {
  const cells: number[] = [];
  for (let h = 0; h < 2; h++) for (let w = 0; w < 3; w++) cells.push(X[((n * 2 + h) * 3 + w) * 2 + c]);
  return how === 'mean' ? cells.reduce((a, b) => a + b, 0) / cells.length : Math.max(...cells);
}

function lowerError(s: ModelSpec): LowerError {
  try {
    lowerModel(s, 'train');
  } catch (e) {
    assert.ok(e instanceof LowerError, `expected a LowerError, got ${String(e)}`);
    return e;
  }
  return assert.fail('lowered without an error');
}

describe('lowering: global pooling, reshape and activation layers', () => {
  it('global pooling takes each channel\'s mean or maximum over H and W: [N,C], or [N,1,1,C] with keepDims', () => {
    for (const [layer, how] of [[globalAveragePooling2d, 'mean'], [globalMaxPooling2d, 'max']] as const) {
      const want = [0, 1].flatMap((n) => [0, 1].map((c) => pooled(n, c, how)));
      const flat = run(spec([2, 3, 2], [layer()]), X);
      assert.deepEqual(flat.shape, [2, 2]);
      flat.data.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-12, `${how} [${i}]: ${v} vs ${want[i]}`));
      const kept = run(spec([2, 3, 2], [layer({ keepDims: true })]), X);
      assert.deepEqual(kept.shape, [2, 1, 1, 2]);
      assert.deepEqual(kept.data, flat.data);
    }
  });

  it('reshape keeps the row-major order of each example and infers its -1', () => {
    const r = run(spec([2, 3, 2], [reshape({ targetShape: [-1, 4] })]), X);
    assert.deepEqual(r.shape, [2, 3, 4]);
    assert.deepEqual(r.data, X);
  });

  it('activation applies the named function alone', () => {
    const x = [-2, -0.5, 0, 0.75, 3, 1.5];
    const softmaxRow = (row: number[]): number[] => { const e = row.map(Math.exp); const s = e.reduce((a, b) => a + b, 0); return e.map((v) => v / s); };
    const want: Record<ActivationName, number[]> = {
      linear: x,
      relu: x.map((v) => Math.max(v, 0)),
      sigmoid: x.map((v) => 1 / (1 + Math.exp(-v))),
      tanh: x.map(Math.tanh),
      elu: x.map((v) => (v > 0 ? v : Math.exp(v) - 1)),
      softmax: [...softmaxRow(x.slice(0, 3)), ...softmaxRow(x.slice(3))],
    };
    for (const [name, values] of Object.entries(want) as [ActivationName, number[]][]) {
      const got = run(spec([3], [activation({ activation: name })]), x).data;
      got.forEach((v, i) => assert.ok(Math.abs(v - values[i]) < 1e-12, `${name} [${i}]: ${v} vs ${values[i]}`));
    }
  });

  it('summarises as Keras does: class names, automatic names, output shapes, no params', () => {
    const lowered = lowerModel(spec([28, 28, 1], [
      conv2d({ filters: 4, kernelSize: 3 }), activation({ activation: 'relu' }), globalMaxPooling2d({ keepDims: true }),
      reshape({ targetShape: [2, 2, 1] }), conv2d({ filters: 3, kernelSize: 1 }), globalAveragePooling2d(), reshape({ targetShape: [-1] }),
      dense({ units: 2 }),
    ]), 'infer');
    assert.deepEqual(lowered.layers.map((l) => [l.name, l.className, l.outputShape, l.params]), [
      ['conv2d_1', 'Conv2D', ['N', 26, 26, 4], 40], ['activation_1', 'Activation', ['N', 26, 26, 4], 0],
      ['global_max_pooling2d_1', 'GlobalMaxPooling2D', ['N', 1, 1, 4], 0], ['reshape_1', 'Reshape', ['N', 2, 2, 1], 0],
      ['conv2d_2', 'Conv2D', ['N', 2, 2, 3], 6], ['global_average_pooling2d_1', 'GlobalAveragePooling2D', ['N', 3], 0],
      ['reshape_2', 'Reshape', ['N', 3], 0], ['dense_1', 'Dense', ['N', 2], 8],
    ]);
  });

  it('a reshape to rank 3 feeds conv2d and pooling, and one to rank 1 feeds dense', () => {
    const lowered = lowerModel(spec([12], [
      reshape({ targetShape: [2, -1, 2] }), conv2d({ filters: 2, kernelSize: 2, padding: 'same' }), maxPool2d({ poolSize: [1, 3] }),
      reshape({ targetShape: [-1] }), dense({ units: 2 }),
    ]), 'train');
    assert.deepEqual(lowered.layers.map((l) => l.outputShape), [['N', 2, 3, 2], ['N', 2, 3, 2], ['N', 2, 1, 2], ['N', 4], ['N', 2]]);
  });

  it('refuses a reshape whose sizes do not fit, naming the layer and both shapes', () => {
    const e = lowerError(spec([28, 28, 1], [conv2d({ filters: 2, kernelSize: 3 }), reshape({ targetShape: [5, -1] }), flatten(), dense({ units: 2 })]));
    assert.deepEqual(e.path, ['layers', 1]);
    assert.equal(e.message, 'layer 2 (reshape): reshape_1: cannot reshape [26,26,2] (1352 values per example) to [5,-1]: 1352 is not a multiple of 5');
    const fixed = lowerError(spec([4, 4, 1], [reshape({ targetShape: [3, 5], name: 'rows' }), flatten(), dense({ units: 2 })]));
    assert.equal(fixed.message, 'layer 1 (reshape): rows: cannot reshape [4,4,1] (16 values per example) to [3,5] (15 values)');
  });

  it('refuses a rank-2 example (a reshape to [h, w]) where a later layer needs an image or features, naming the shape', () => {
    const cases: [LayerSpec, RegExp][] = [
      [conv2d({ filters: 2, kernelSize: 1 }), /^layer 2 \(conv2d\): conv2d needs an input of rank 4 \[N,H,W,C\], got \[N,4,4\]$/],
      [dense({ units: 2 }), /^layer 2 \(dense\): dense needs a flat input \[N,features\], got \[N,4,4\]: add flatten\(\) before it$/],
      [globalAveragePooling2d(), /^layer 2 \(globalAveragePooling2d\): globalAveragePooling2d needs an input of rank 4 \[N,H,W,C\], got \[N,4,4\]$/],
      [globalMaxPooling2d(), /^layer 2 \(globalMaxPooling2d\): globalMaxPooling2d needs an input of rank 4 \[N,H,W,C\], got \[N,4,4\]$/],
      [maxPool2d(), /^layer 2 \(maxPool2d\): .*must have rank 4, got \[N,4,4\]$/],
    ];
    for (const [layer, message] of cases) {
      const e = lowerError(spec([16], [reshape({ targetShape: [4, 4] }), layer, flatten(), dense({ units: 2 })]));
      assert.deepEqual(e.path, ['layers', 1]);
      assert.match(e.message, message);
    }
  });

  it('points a model file\'s diagnostic at the reshape, in one line', () => {
    const source = printModelSource(spec([4, 4, 1], [reshape({ targetShape: [3, -1] }), dense({ units: 2 })]));
    const r = compileSource(source, 'shaped.ts');
    assert.ok(!r.ok);
    const line = source.split('\n').findIndex((l) => l.includes('reshape({')) + 1;
    assert.deepEqual(r.diagnostics, [`shaped.ts:${line}:5: layer 1 (reshape): reshape_1: cannot reshape [4,4,1] (16 values per example) to [3,-1]: 16 is not a multiple of 3`]);
  });
});
