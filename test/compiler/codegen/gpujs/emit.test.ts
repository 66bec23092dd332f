import { strict as assert } from 'assert';
import fc from 'fast-check';
import { emitGpuKernel, gpuKernelRefusal } from '../../../../compiler/codegen/gpujs/emit';
import type { GpuEpilogue } from '../../../../compiler/codegen/gpujs/kernel';
import { substitute, S } from '../../../../compiler/ir/scalar';
import type { Node } from '../../../../compiler/ir/types';
import { getOp } from '../../../../compiler/ops/index';
import { useGpu } from '../../../support/webgl';
import { mismatch, reference, runOnGpu } from './check-kernel';
import { tensorOf } from './arbitraries';

function node(op: string, shape: (number | 'N')[], attrs: Node['attrs'] = {}): Node {
  return { id: 7, op, inputs: [3], attrs, type: { shape, dtype: 'f32' } };
}

describe('emitGpuKernel', () => {
  it('binds the batch axis and lays the output out 1-D', () => {
    const k = emitGpuKernel(node('relu', ['N', 3, 2]), [{ shape: ['N', 3, 2], dtype: 'f32' }], 5);
    assert.equal(k.kind, 'kernel');
    if (k.kind !== 'kernel') return;
    assert.deepEqual(k.shape, [5, 3, 2]);
    assert.deepEqual(k.output, [30]);
    assert.deepEqual(k.args, [{ name: 'x0', shape: [5, 3, 2] }]);
    assert.match(k.source, /^function \(x0\) \{/);
  });

  it('makes reshape an alias of its input (no kernel), and refuses an epilogue on it', () => {
    const reshape = node('reshape', ['N', 6], { shape: ['N', 6] });
    const input = [{ shape: ['N', 3, 2] as (number | 'N')[], dtype: 'f32' as const }];
    assert.deepEqual(emitGpuKernel(reshape, input, 4), { kind: 'alias', label: '%7 = reshape : f32[N,6]', input: 0, shape: [4, 6] });
    assert.throws(() => emitGpuKernel(reshape, input, 4, { expr: S.arg(0), inputs: [] }), /moves no data/);
  });

  it('says why sources get no kernel, and gives every other op one', () => {
    assert.match(gpuKernelRefusal('input') ?? '', /source: the runtime provides its value/);
    assert.match(gpuKernelRefusal('dropoutMask') ?? '', /source/);
    for (const op of ['conv2d', 'add', 'reshape', 'softmaxCrossEntropy', 'constant', 'shapeCount']) assert.equal(gpuKernelRefusal(op), null, op);
  });

  it('never splices attribute strings into the source', () => {
    const evil = 'evil"); while (true) {} //';
    const x = { shape: [1, 4, 4, 1], dtype: 'f32' as const };
    const w = { shape: [3, 3, 1, 2], dtype: 'f32' as const };
    const attrs = { strides: [1, 1], padding: 'same', name: evil };
    const type = getOp('conv2d').inferType([x, w], attrs);
    const k = emitGpuKernel({ id: 1, op: 'conv2d', inputs: [2, 3], attrs, type }, [x, w], 1);
    assert.ok(k.kind === 'kernel' && !k.source.includes('evil') && !k.label.includes('evil'));
  });

  it('rejects a tensor too large for float32 indices, in one line', () => {
    assert.throws(() => emitGpuKernel(node('relu', ['N', 4096, 4096]), [{ shape: ['N', 4096, 4096], dtype: 'f32' }], 2), /more than the 16777216/);
  });
});

describe('gpu.js kernels with an epilogue', () => {
  const gpu = useGpu();

  // prelu(acc + bias, alpha), composed from the ops' own scalar expressions as fusion does.
  const add = getOp('add').scalar?.({});
  const prelu = getOp('prelu').scalar?.({});

  it('conv2d + bias + PReLU in one kernel equals the three reference ops in a row', () => {
    assert.ok(add && prelu);
    const epilogueExpr = substitute(prelu, [substitute(add, [S.arg(0), S.arg(1)]), S.arg(2)]);
    const arb = fc.record({ h: fc.integer({ min: 3, max: 5 }), cout: fc.integer({ min: 1, max: 3 }) }).chain(({ h, cout }) => fc.tuple(
      tensorOf([2, h, h, 2]), tensorOf([3, 3, 2, cout]), tensorOf([cout]), tensorOf([h - 2, h - 2, cout]),
    ));
    fc.assert(fc.property(arb, ([x, w, bias, alpha]) => {
      const conv = { op: 'conv2d', attrs: { strides: [1, 1], padding: 'valid' }, inputs: [x, w] };
      const epilogue: GpuEpilogue = { expr: epilogueExpr, inputs: [bias.shape, alpha.shape] };
      const fused = runOnGpu(gpu(), conv, epilogue, [bias, alpha]);
      const z = reference({ op: 'add', inputs: [reference(conv), bias] });
      const expected = reference({ op: 'prelu', inputs: [z, alpha] });
      const bad = mismatch(fused, expected);
      if (bad) throw new Error(bad);
    }), { numRuns: 4 });
  });

  it('matmul + bias + ReLU (a dense layer) in one kernel equals the reference ops in a row', () => {
    const relu = getOp('relu').scalar?.({});
    assert.ok(add && relu);
    const arb = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })).chain(([m, n]) =>
      fc.tuple(tensorOf([m, 5]), tensorOf([5, n]), tensorOf([n])));
    fc.assert(fc.property(arb, ([a, b, bias]) => {
      const mm = { op: 'matmul', inputs: [a, b] };
      const epilogue: GpuEpilogue = { expr: substitute(relu, [substitute(add, [S.arg(0), S.arg(1)])]), inputs: [bias.shape] };
      const expected = reference({ op: 'relu', inputs: [reference({ op: 'add', inputs: [reference(mm), bias] })] });
      const bad = mismatch(runOnGpu(gpu(), mm, epilogue, [bias]), expected);
      if (bad) throw new Error(bad);
    }), { numRuns: 3 });
  });
});
