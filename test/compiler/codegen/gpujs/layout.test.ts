import { strict as assert } from 'assert';
import fc from 'fast-check';
import { assembleKernel } from '../../../../compiler/codegen/gpujs/kernel';
import { broadcastIndex, decodeFlatIndex, gpuOutputDims, MAX_GPU_TENSOR_SIZE } from '../../../../compiler/codegen/gpujs/layout';
import { SourceWriter } from '../../../../compiler/codegen/gpujs/writer';
import { broadcastIndex as referenceBroadcastIndex, strides } from '../../../../compiler/ir/tensor';
import { compileGpuKernel, readGpuValue } from '../../../../runtime/backends/gpujs/kernels';
import { useGpu } from '../../../support/webgl';
import { broadcastShapes, shapeOf } from './arbitraries';

/** The generated decoding lines as a JS function; `divide` stands in for the GPU's division. */
function decoder(shape: readonly number[], divide: (a: number, b: number) => number = (a, b) => a / b): (i: number) => number[] {
  const w = new SourceWriter();
  const names = shape.map((_, d) => `c${d}`);
  decodeFlatIndex(w, 'i', shape, names);
  const body = w.text().replace(/Math\.floor\((\w+) \/ (\d+)\)/g, 'Math.floor(divide($1, $2))');
  return new Function('i', 'divide', `${body}\nreturn [${names.join(', ')}];`).bind(null) as never as (i: number) => number[];
}

function rowMajorCoords(shape: readonly number[], flat: number): number[] {
  const s = strides(shape);
  return shape.map((d, k) => Math.floor(flat / s[k]) % d);
}

const shapeAndIndex = shapeOf(0, 5, 9).chain((shape) => {
  const size = shape.reduce((a, b) => a * b, 1);
  return fc.tuple(fc.constant(shape), fc.integer({ min: 0, max: size - 1 }));
});

describe('gpu.js layout: 1-D outputs in row-major order', () => {
  it('decodes a flat index into row-major coordinates', () => {
    fc.assert(fc.property(shapeAndIndex, ([shape, i]) => {
      const decode = decoder(shape);
      assert.deepEqual((decode as (i: number, d?: unknown) => number[])(i, (a: number, b: number) => a / b), rowMajorCoords(shape, i));
    }), { numRuns: 200 });
  });

  it('decodes up to 2^24 elements when the division is 2.5 float32 ulps off either way', () => {
    // GLSL ES allows a / b to be 2.5 ulp off; model the worst case in both directions.
    const ulp32 = (q: number): number => 2 ** (Math.floor(Math.log2(q)) - 23);
    const sloppy = (ulps: number) => (a: number, b: number): number => (a === 0 ? 0 : a / b + ulps * ulp32(a / b));
    const large = shapeOf(1, 4, 600).filter((s) => s.reduce((a, b) => a * b, 1) <= MAX_GPU_TENSOR_SIZE).chain((shape) =>
      fc.tuple(fc.constant(shape), fc.integer({ min: 0, max: shape.reduce((a, b) => a * b, 1) - 1 })));
    fc.assert(fc.property(large, fc.constantFrom(-2.5, 2.5), ([shape, i], ulps) => {
      const decode = decoder(shape) as (i: number, d: (a: number, b: number) => number) => number[];
      assert.deepEqual(decode(i, sloppy(ulps)), rowMajorCoords(shape, i));
    }), {
      numRuns: 300,
      // The worst cases: quotients just below 2^23, where 2.5 ulp is 1.25.
      examples: [[[[2 ** 22, 4], 2 ** 24 - 1], 2.5], [[[2 ** 22, 4], 2 ** 24 - 4], -2.5], [[[2 ** 23, 2], 2 ** 24 - 2], -2.5]],
    });
  });

  it('indexes broadcast inputs like the reference interpreter', () => {
    fc.assert(fc.property(broadcastShapes(1), ({ out, inputs: [inShape] }) => {
      const names = out.map((_, d) => `c${d}`);
      const index = new Function(...names, `return ${broadcastIndex(names, inShape)};`) as (...c: number[]) => number;
      const expected = referenceBroadcastIndex(inShape, out);
      for (let flat = 0; flat < expected.length; flat++) assert.equal(index(...rowMajorCoords(out, flat)), expected[flat]);
    }), { numRuns: 50 });
  });

  it('gives a 1-D gpu.js output, and refuses empty or too large tensors in one line', () => {
    assert.deepEqual(gpuOutputDims([250, 26, 26, 32]), [250 * 26 * 26 * 32]);
    assert.deepEqual(gpuOutputDims([]), [1]);
    assert.throws(() => gpuOutputDims([3, 0]), /empty tensor \[3,0\]/);
    assert.throws(() => gpuOutputDims([MAX_GPU_TENSOR_SIZE + 1]), /more than the 16777216/);
  });
});

describe('gpu.js layout on WebGL', () => {
  const gpu = useGpu();

  it('decodes every coordinate of a 640 thousand element tensor exactly', () => {
    const shape = [3, 419, 509];
    const kernel = compileGpuKernel(gpu(), assembleKernel({
      label: 'coordinates', out: shape, inputs: [], attrs: {},
      emit: ({ coords: [a, b, c] }) => `${a} * 1048576 + ${b} * 1024 + ${c}`,
    }));
    try {
      const out = readGpuValue(kernel.run([]));
      let bad = -1;
      for (let i = 0; i < out.length && bad < 0; i++) {
        const [a, b, c] = rowMajorCoords(shape, i);
        if (out[i] !== a * 1048576 + b * 1024 + c) bad = i;
      }
      assert.equal(bad, -1, `element ${bad} decoded to ${out[bad]}`);
    } finally {
      kernel.destroy();
    }
  });
});
