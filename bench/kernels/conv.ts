// Convolution kernels of the seed model (batch 250), 1 and 2 threads, phases chained by
// a step function with barriers (one pool.run per convolution, as in a training step).
// Run: npx tsx bench/kernels/conv.ts [runs]
// GFLOP/s count the forward convolution's 2·M·N·K for every kernel (dX does more work:
// its padded windows). Wall clock (best of runs) | CPU time (see timing.ts).

import { S } from '../../compiler/ir/scalar';
import { BARRIER_BYTES, barrierAbortAddress, emitBarrier, emitStep, phaseCalls } from '../../compiler/codegen/cpu/wat/barrier';
import { conv2dBackpropFilterScratchBytes, emitConv2dBackpropFilter } from '../../compiler/codegen/cpu/wat/conv-backprop-filter';
import { conv2dBackpropInputScratchBytes, emitConv2dBackpropInput } from '../../compiler/codegen/cpu/wat/conv-backprop-input';
import { conv2dScratchBytes, emitConv2d } from '../../compiler/codegen/cpu/wat/conv-forward';
import { convFlops, convShape, type Conv2dGeometry } from '../../compiler/codegen/cpu/wat/conv-geometry';
import type { Epilogue } from '../../compiler/codegen/cpu/wat/epilogue';
import { assembleWat, moduleText, sharedMemory, type WatFunction } from '../../compiler/codegen/cpu/wat/module';
import { ThreadPool } from '../../runtime/backends/cpu/threads';
import { gflops, timeRuns, type Timing } from './timing';

const B = 250;
const layer = { batch: B, kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, padding: 'valid' as const };
const CONV1: Conv2dGeometry = { ...layer, height: 28, width: 28, channels: 1, filters: 32 };
const CONV2: Conv2dGeometry = { ...layer, height: 13, width: 13, channels: 32, filters: 64 };

type Kind = 'fwd' | 'dW' | 'dX';

/** Bump allocator of 16-byte aligned regions. */
class Arena {
  size = 0;
  take(bytes: number): number { const at = this.size; this.size += Math.ceil(bytes / 16) * 16 + 64; return at; }
}

/** z = acc + bias and y = prelu(z, alpha[H,W,C]): the fused forward epilogue of the seed. */
function preluEpilogue(g: Conv2dGeometry, a: Arena, zOffset: number): Epilogue {
  const s = convShape(g);
  const bias = a.take(4 * g.filters), alpha = a.take(4 * s.outHeight * s.outWidth * g.filters), y = a.take(4 * g.batch * s.outHeight * s.outWidth * g.filters);
  const z = S.bin('add', S.arg(0), S.arg(1));
  return {
    operands: [{ offset: bias, rowPeriod: 0, rowStride: 0, colStride: 1 }, { offset: alpha, rowPeriod: s.outHeight * s.outWidth, rowStride: g.filters, colStride: 1 }],
    stores: [{ expr: z, offset: zOffset, ld: g.filters }, { expr: S.select(S.bin('gt', z, S.c(0)), z, S.bin('mul', S.arg(2), z)), offset: y, ld: g.filters }],
  };
}

function phases(g: Conv2dGeometry, kind: Kind, a: Arena): WatFunction[] {
  const s = convShape(g);
  const x = a.take(4 * g.batch * g.height * g.width * g.channels);
  const w = a.take(4 * g.kernelHeight * g.kernelWidth * g.channels * g.filters);
  const y = a.take(4 * g.batch * s.outHeight * s.outWidth * g.filters);
  if (kind === 'fwd') {
    return emitConv2d({ ...g, name: 'conv', xOffset: x, kernelOffset: w, yOffset: y, epilogue: preluEpilogue(g, a, y), scratchOffset: a.take(conv2dScratchBytes(g)) });
  }
  if (kind === 'dW') {
    return emitConv2dBackpropFilter({ ...g, name: 'conv', xOffset: x, dyOffset: y, dwOffset: w, scratchOffset: a.take(conv2dBackpropFilterScratchBytes(g)) });
  }
  return emitConv2dBackpropInput({ ...g, name: 'conv', dyOffset: y, kernelOffset: w, dxOffset: x, scratchOffset: a.take(conv2dBackpropInputScratchBytes(g)) });
}

async function measure(g: Conv2dGeometry, kind: Kind, threads: readonly number[], runs: number): Promise<Timing[]> {
  const a = new Arena();
  const barrierAt = a.take(BARRIER_BYTES);
  const fns = phases(g, kind, a);
  const all = [...fns, emitBarrier('barrier', barrierAt), emitStep('step', phaseCalls(fns), 'barrier')];
  const pages = Math.ceil(a.size / 65536) + 1;
  const memory = sharedMemory(pages);
  const module = await WebAssembly.compile(await assembleWat(moduleText({ functions: all, pages })));
  const f32 = new Float32Array(memory.buffer);
  for (let i = barrierAt / 4 + 4; i < f32.length; i++) f32[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  const times: Timing[] = [];
  for (const t of threads) {
    const pool = await ThreadPool.create(module, memory, t, { abortAddress: barrierAbortAddress(barrierAt) });
    times.push(timeRuns(() => pool.run('step'), runs));
    pool.dispose();
  }
  return times;
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const threads = [1, 2];
  console.log(`Convolutions of the seed model, batch ${B}, best of ${runs} runs`);
  console.log('ms by wall clock, then GFLOP/s by wall clock | by CPU time');
  console.log(`${'kernel'.padEnd(11)}${threads.map((t) => `${t} thread${t > 1 ? 's' : ''}`.padStart(24)).join('')}`);
  let total = 0;
  const cases: [string, Conv2dGeometry, Kind][] = [
    ['conv1 fwd', CONV1, 'fwd'], ['conv1 dW', CONV1, 'dW'], ['conv2 fwd', CONV2, 'fwd'], ['conv2 dW', CONV2, 'dW'], ['conv2 dX', CONV2, 'dX'],
  ];
  for (const [label, g, kind] of cases) {
    const ts = await measure(g, kind, threads, runs);
    total += ts[ts.length - 1].bestWallMs;
    const f = convFlops(g);
    const cells = ts.map((t) => `${t.bestWallMs.toFixed(1)}  ${gflops(f, t.bestWallMs).toFixed(1)} | ${gflops(f, t.meanCpuMs).toFixed(1)}`.padStart(24));
    console.log(`${label.padEnd(11)}${cells.join('')}`);
  }
  console.log(`sum of best times on ${threads[threads.length - 1]} threads: ${total.toFixed(1)} ms`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
