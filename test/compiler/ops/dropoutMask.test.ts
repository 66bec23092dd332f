import { strict as assert } from 'node:assert';
import { GraphBuilder } from '../../../compiler/ir/builder';
import { interpret } from '../../../compiler/ir/interpret';
import type { Tensor } from '../../../compiler/ir/tensor';
import { tensor } from '../../../compiler/ir/tensor';
import { assertShapeError } from './support/properties';

function mask(rate: number, batch: number, seed: number): Tensor {
  const b = new GraphBuilder();
  b.input('x', { shape: ['N', 50], dtype: 'f32' });
  b.output('m', b.emit('dropoutMask', [], { rate, shape: ['N', 50] }));
  return interpret(b.build(), { x: tensor([batch, 50]) }, { seed }).outputs.m;
}

describe('ops/dropoutMask', () => {
  it('is 0 with probability rate, else 1/(1-rate), so its mean is about 1', () => {
    const m = mask(0.25, 40, 7);
    assert.deepEqual(m.shape, [40, 50]);
    const zeros = m.data.filter((v) => v === 0).length;
    assert.ok(m.data.every((v) => v === 0 || v === 1 / 0.75), 'values other than 0 and 1/(1-rate)');
    // 2000 Bernoulli(0.25) draws: 500 expected, standard deviation about 19.
    assert.ok(Math.abs(zeros - 500) < 100, `${zeros} zeros`);
  });

  it('draws the same mask for the same seed and a different one for another', () => {
    assert.deepEqual([...mask(0.5, 2, 1).data], [...mask(0.5, 2, 1).data]);
    assert.notDeepEqual([...mask(0.5, 2, 1).data], [...mask(0.5, 2, 2).data]);
  });

  it('is all ones at rate 0 and rejects a rate outside [0, 1)', () => {
    assert.ok(mask(0, 1, 3).data.every((v) => v === 1));
    assertShapeError('dropoutMask', [], { rate: 1, shape: [2] }, /^dropoutMask: rate 1 is not in \[0, 1\)$/);
  });
});
