// (d) The seed models read to the specs the Keras tutorial describes, and to what running them gives.

import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { formatDiagnostic, parseModelFile } from '../../../compiler/dsl/frontend';
import type { InitializerSpec, LayerSpec, ModelSpec } from '../../../compiler/dsl/spec';
import prelu from '../../../models/mnist-prelu';
import preluZeros from '../../../models/mnist-prelu-zeros';
import relu from '../../../models/mnist-relu';

const MODELS = join(__dirname, '../../../models');

const weightDefaults = {
  useBias: true,
  kernelInitializer: { kind: 'glorotUniform' },
  biasInitializer: { kind: 'zeros' },
  kernelRegularizer: null,
  biasRegularizer: null,
  kernelConstraint: null,
  biasConstraint: null,
  name: null,
} as const;

function conv(filters: number, activation: 'linear' | 'relu'): LayerSpec {
  return { type: 'conv2d', filters, kernelSize: [3, 3], strides: [1, 1], padding: 'valid', activation, ...weightDefaults };
}
function dense(units: number, activation: 'linear' | 'relu' | 'softmax'): LayerSpec {
  return { type: 'dense', units, activation, ...weightDefaults };
}
function preluLayer(alphaInitializer: InitializerSpec): LayerSpec {
  return { type: 'prelu', alphaInitializer, alphaRegularizer: null, alphaConstraint: null, sharedAxes: [], name: null };
}
const pool: LayerSpec = { type: 'maxPool2d', poolSize: [2, 2], strides: [2, 2], padding: 'valid', name: null };
const drop: LayerSpec = { type: 'dropout', rate: 0.25, name: null };
const flat: LayerSpec = { type: 'flatten', name: null };

function seedModel(name: string, layers: LayerSpec[]): ModelSpec {
  return {
    name,
    input: [28, 28, 1],
    layers,
    loss: 'categoricalCrossentropy',
    optimizer: { kind: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    metrics: ['accuracy'],
    fit: { batchSize: 250, epochs: 25, validationSplit: 0.2, shuffle: true, seed: 1 },
    data: { kind: 'mnist' },
  };
}

function preluModel(name: string, alpha: InitializerSpec): ModelSpec {
  const a = preluLayer(alpha);
  return seedModel(name, [conv(32, 'linear'), a, pool, drop, conv(64, 'linear'), a, pool, drop, flat, dense(256, 'linear'), a, dense(10, 'softmax')]);
}

const EXPECTED: readonly [string, ModelSpec, unknown][] = [
  ['mnist-prelu.ts', preluModel('mnist-prelu', { kind: 'constant', value: 0.25 }), prelu],
  ['mnist-prelu-zeros.ts', preluModel('mnist-prelu-zeros', { kind: 'zeros' }), preluZeros],
  ['mnist-relu.ts', seedModel('mnist-relu', [conv(32, 'relu'), pool, drop, conv(64, 'relu'), pool, drop, flat, dense(256, 'relu'), dense(10, 'softmax')]), relu],
];

describe('seed models', () => {
  for (const [file, expected, imported] of EXPECTED) {
    it(`${file} reads to the expected spec, the same as running it`, () => {
      const result = parseModelFile(join(MODELS, file));
      assert.ok(result.ok, result.ok ? '' : result.diagnostics.map(formatDiagnostic).join('\n'));
      assert.deepStrictEqual(result.spec, expected);
      assert.deepStrictEqual(imported, expected);
    });
  }

  it('locates layers and options of mnist-prelu.ts where DESIGN.md writes them', () => {
    const path = join(MODELS, 'mnist-prelu.ts');
    const result = parseModelFile(path);
    if (!result.ok) return assert.fail('mnist-prelu.ts did not parse');
    assert.deepEqual(result.locate(['layers', 3]), { file: path, line: 10, column: 5 });
    assert.deepEqual(result.locate(['layers', 2, 'poolSize']), { file: path, line: 9, column: 17 });
    // Absent or normalised parts fall back to the nearest part the source spells out.
    assert.deepEqual(result.locate(['layers', 2, 'strides']), { file: path, line: 9, column: 5 });
    assert.deepEqual(result.locate(['layers', 0, 'kernelSize', 1]), { file: path, line: 7, column: 27 });
    assert.deepEqual(result.locate(['layers', 1, 'alphaInitializer', 'value']), { file: path, line: 8, column: 40 });
    assert.deepEqual(result.locate(['fit', 'shuffle']), { file: path, line: 23, column: 3 });
    assert.deepEqual(result.locate([]), { file: path, line: 3, column: 16 });
  });
});
