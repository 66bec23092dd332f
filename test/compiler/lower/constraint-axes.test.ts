// A norm constraint's axes must be axes of the weight it constrains: Keras fails on any
// other, and nnc used to accept them silently (the norm of each element alone, a different
// constraint). The rule holds for every weight of every layer and both norm constraints.

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { adam, conv2d, dense, flatten, maxNorm, minMaxNorm, mnist, prelu, type ConstraintSpec, type LayerSpec, type ModelSpec } from '../../../compiler/dsl/index';
import { LowerError } from '../../../compiler/lower/lower';
import { compileSource, compileSpec } from '../../../compiler/pipeline';
import { printModelSource } from '../../../testing/arbitraries/spec';

/** Each weight as a layer on a [5, 5, 2] input, with its option name, param name and rank. */
const WEIGHTS: readonly { option: string; param: string; rank: number; layers: (c: ConstraintSpec) => LayerSpec[] }[] = [
  { option: 'kernelConstraint', param: 'conv2d_1.kernel', rank: 4, layers: (c) => [conv2d({ filters: 2, kernelSize: 3, kernelConstraint: c }), flatten()] },
  { option: 'biasConstraint', param: 'conv2d_1.bias', rank: 1, layers: (c) => [conv2d({ filters: 2, kernelSize: 3, biasConstraint: c }), flatten()] },
  { option: 'kernelConstraint', param: 'dense_1.kernel', rank: 2, layers: (c) => [flatten(), dense({ units: 3, kernelConstraint: c })] },
  { option: 'biasConstraint', param: 'dense_1.bias', rank: 1, layers: (c) => [flatten(), dense({ units: 3, biasConstraint: c })] },
  { option: 'alphaConstraint', param: 'prelu_1.alpha', rank: 3, layers: (c) => [prelu({ sharedAxes: [1], alphaConstraint: c }), flatten()] },
  { option: 'alphaConstraint', param: 'prelu_1.alpha', rank: 1, layers: (c) => [flatten(), prelu({ alphaConstraint: c })] },
];

function spec(layers: LayerSpec[]): ModelSpec {
  return {
    name: 'axes', input: [5, 5, 2], layers: [...layers, dense({ units: 2, activation: 'softmax' })], loss: 'categoricalCrossentropy',
    optimizer: adam(), metrics: [], fit: { batchSize: 2, epochs: 1, validationSplit: 0, shuffle: false, seed: 0 }, data: mnist(),
  };
}

describe('lower: constraint axes', () => {
  it('accepts the axes of the weight and refuses any other, naming the option, the axis and the weight', () => {
    const axes = fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }).map((a) => [...a].sort((x, y) => x - y));
    const constraint = fc.oneof(axes.map((axis) => maxNorm({ axis })), axes.map((axis) => minMaxNorm({ axis })));
    fc.assert(fc.property(fc.constantFrom(...WEIGHTS), constraint, (w, c) => {
      const axis = 'axis' in c ? c.axis : [];
      const outside = axis.filter((a) => a >= w.rank);
      const lower = (): unknown => compileSpec(spec(w.layers(c)));
      if (outside.length === 0) { lower(); return; }
      assert.throws(lower, (e: unknown) => e instanceof LowerError
        && e.message.includes(`${w.option} ${c.kind}: axis ${outside[0]} is not an axis of ${w.param}`)
        && e.message.startsWith('layer '));
    }), { numRuns: 200, seed: 13 });
  });

  it('points a model file\'s diagnostic at the layer, in one line', () => {
    const source = printModelSource(spec([flatten(), dense({ units: 3, kernelConstraint: maxNorm({ axis: [0, 2] }) })]));
    const r = compileSource(source, 'axes.ts');
    assert.ok(!r.ok);
    const line = source.split('\n').findIndex((l) => l.includes('kernelConstraint')) + 1;
    assert.deepEqual(r.diagnostics.length, 1);
    assert.match(r.diagnostics[0], new RegExp(`^axes\\.ts:${line}:\\d+: layer 2 \\(dense\\): kernelConstraint maxNorm: axis 2 is not an axis of dense_1\\.kernel \\[50,3\\] \\(axes 0 to 1\\)$`));
  });
});
