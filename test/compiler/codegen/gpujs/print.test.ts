import { strict as assert } from 'assert';
import { printGpuKernels } from '../../../../compiler/codegen/gpujs/print';
import { GraphBuilder } from '../../../../compiler/ir/builder';
import type { Graph } from '../../../../compiler/ir/types';

/** A conv layer, PReLU, flatten and dense: every kind of line the printer writes. */
function smallModel(layerName: string): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', { shape: ['N', 5, 5, 1], dtype: 'f32' });
  const w = b.param(`${layerName}.kernel`, { shape: [3, 3, 1, 2], dtype: 'f32' });
  const alpha = b.param(`${layerName}.alpha`, { shape: [3, 3, 2], dtype: 'f32' });
  const conv = b.emit('conv2d', [x, w], { strides: [1, 1], padding: 'valid' });
  const act = b.emit('prelu', [conv, alpha]);
  const flat = b.emit('reshape', [act], { shape: ['N', 18] });
  const dense = b.param('dense.kernel', { shape: [18, 4], dtype: 'f32' });
  b.output('probs', b.emit('softmax', [b.emit('matmul', [flat, dense])], { axis: -1 }));
  return b.build();
}

describe('printGpuKernels', () => {
  const text = printGpuKernels(smallModel('conv1'), 3);

  it('prints one entry per node: a kernel with its source, or why there is none', () => {
    assert.match(text, /\/\/ %0 = input\(\) : f32\[N,5,5,1\]\n\/\/   no kernel: 'input' is a source/);
    assert.match(text, /\/\/ %3 = conv2d\(%0, %1\) : f32\[N,3,3,2\]\n\/\/   x0 = %0 \[3,5,5,1\], x1 = %1 \[3,3,1,2\]; output \[54\] = \[3,3,3,2\] row-major\nfunction \(x0, x1\) \{/);
    assert.match(text, /\/\/ %5 = reshape\(%4\) : f32\[N,18\]\n\/\/   no kernel: the same data as %4/);
    assert.equal(text.match(/^function \(/gm)?.length, 4, 'conv2d, prelu, matmul and softmax have kernels');
  });

  it('binds the batch size it is given', () => {
    assert.match(printGpuKernels(smallModel('conv1'), 7), /output \[126\] = \[7,3,3,2\]/);
  });

  it('prints no user string: layer names never reach the output', () => {
    const evil = 'x"); while (true) {} //';
    assert.ok(!printGpuKernels(smallModel(evil), 2).includes('while'));
  });
});
