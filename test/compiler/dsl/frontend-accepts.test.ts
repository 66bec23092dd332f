// Every construct the front end accepts, in one file: it reads to the spec that running the file gives.

import { strict as assert } from 'node:assert';
import { formatDiagnostic, parseModelSource } from '../../../compiler/dsl/frontend';
import { runModelSource } from './run-model';

const SOURCE = `
import { model, conv2d as conv, prelu, maxPool2d, flatten, dense, constant, l2, maxNorm, sgd, idx } from 'nnc';
import type { LayerSpec } from 'nnc';
import { type FitOptions, ModelSpec } from 'nnc';
import 'nnc';

const filters = 0x10;
const alpha = constant(-0.25);
const block: LayerSpec[] = [conv({ filters, kernelSize: [3, 3] as const, padding: 'same' }), prelu({ alphaInitializer: alpha, sharedAxes: [1, 2] })];
const common = { kernelRegularizer: l2(), kernelConstraint: maxNorm({ axis: 0b1 }) };
export const fit: FitOptions = { batchSize: 1_000, epochs: 2, validationSplit: .1, shuffle: false, seed: - -7 };
const name = \`toy\`;;

export default model({
  name,
  input: [8, 8, (3)],
  layers: [...block, ...[maxPool2d()], flatten({ name: "flat" }), dense({ ...common, units: <number>10, 'activation': 'softmax' })],
  loss: 'sparseCategoricalCrossentropy',
  optimizer: sgd({ learningRate: 1e-2, momentum: 0.9!, nesterov: true }) satisfies ModelSpec['optimizer'],
  metrics: ['accuracy'],
  fit: { ...fit, epochs: 3 },
  data: idx('data/toy'),
});
`;

describe('frontend accepted subset', () => {
  it('reads aliases, type imports, consts, spreads, shorthand, numeric forms and erased type syntax', () => {
    const result = parseModelSource(SOURCE, 'all.ts');
    assert.ok(result.ok, result.ok ? '' : result.diagnostics.map(formatDiagnostic).join('\n'));
    assert.deepStrictEqual(result.spec, runModelSource(SOURCE));
    assert.equal(result.spec.name, 'toy');
    assert.deepStrictEqual(result.spec.fit, { batchSize: 1000, epochs: 3, validationSplit: 0.1, shuffle: false, seed: 7 });
    assert.equal(result.spec.layers.length, 5);
    assert.deepStrictEqual(result.spec.layers[1], {
      type: 'prelu', alphaInitializer: { kind: 'constant', value: -0.25 }, alphaRegularizer: null, alphaConstraint: null, sharedAxes: [1, 2], name: null,
    });
  });

  it('locates through const references and spreads to where the value is written', () => {
    const result = parseModelSource(SOURCE, 'all.ts');
    if (!result.ok) return assert.fail('did not parse');
    const lines = SOURCE.split('\n');
    const textAt = (path: (string | number)[]): string => {
      const at = result.locate(path);
      return lines[at.line - 1].slice(at.column - 1);
    };
    assert.ok(textAt(['layers', 0]).startsWith('conv({ filters,'));
    assert.ok(textAt(['layers', 0, 'filters']).startsWith('filters, kernelSize'));
    assert.ok(textAt(['layers', 1, 'alphaInitializer']).startsWith('alphaInitializer: alpha'));
    assert.ok(textAt(['layers', 1, 'alphaInitializer', 'value']).startsWith('-0.25'));
    assert.ok(textAt(['layers', 2]).startsWith('maxPool2d()'));
    assert.ok(textAt(['layers', 4, 'kernelRegularizer']).startsWith('kernelRegularizer: l2()'));
    assert.ok(textAt(['fit', 'batchSize']).startsWith('batchSize: 1_000'));
    assert.ok(textAt(['fit', 'epochs']).startsWith('epochs: 3'));
  });
});
