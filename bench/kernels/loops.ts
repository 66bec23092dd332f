// Throughput of the fused PReLU backward row loop (dx, dalpha, dbias in one pass over dy)
// on the seed model's first layer: rows = 250*26*26, cols = 32, element-wise alpha.
// Compared with a plain JavaScript loop doing the same work. Not a test: prints GB/s.
//   npx tsx bench/kernels/loops.ts [--threads N] [--reps R]

import { Worker } from 'node:worker_threads';
import { S } from '../../compiler/ir/scalar';
import { assembleWat, moduleText, sharedMemory } from '../../compiler/codegen/cpu/wat/module';
import { withMathHelpers } from '../../compiler/codegen/cpu/wat/math';
import { emitReductionCombine, emitRowLoop, reductionScratchBytes, type RowLoopParams } from '../../compiler/codegen/cpu/wat/loop';

const BATCH = 250, HW = 26 * 26, C = 32;
const ROWS = BATCH * HW, SIZE = ROWS * C;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function layout() {
  const dy = 0, z = SIZE * 4, alpha = 2 * SIZE * 4, dx = alpha + HW * C * 4, dalpha = dx + SIZE * 4, dbias = dalpha + HW * C * 4;
  const alphaAt = { rowPeriod: HW, rowStride: C, colStride: 1 };
  const p: RowLoopParams = {
    name: 'prelu_backward', rows: ROWS, cols: C,
    operands: [{ offset: dy, rowStride: C, colStride: 1 }, { offset: z, rowStride: C, colStride: 1 }, { offset: alpha, ...alphaAt }],
    lets: [S.select(S.bin('gt', S.arg(1), S.c(0)), S.arg(0), S.bin('mul', S.arg(2), S.arg(0)))],
    stores: [{ expr: S.arg(3), offset: dx, rowStride: C }],
    reductions: [
      { expr: S.bin('mul', S.arg(0), S.bin('min', S.arg(1), S.c(0))), target: { offset: dalpha, ...alphaAt } },
      { expr: S.arg(3), target: { offset: dbias, rowStride: 0, colStride: 1 } },
    ],
    partialOffset: dbias + C * 4,
  };
  return { p, at: { dy, z, alpha, dx, dalpha, dbias }, bytes: p.partialOffset! + reductionScratchBytes(p) + 64 };
}

/** The same computation as a straightforward JavaScript loop over Float32Arrays. */
function jsPreluBackward(dy: Float32Array, z: Float32Array, alpha: Float32Array, dx: Float32Array, dalpha: Float32Array, dbias: Float32Array): void {
  dalpha.fill(0);
  dbias.fill(0);
  for (let r = 0; r < ROWS; r++) {
    const a0 = (r % HW) * C, e0 = r * C;
    for (let c = 0; c < C; c++) {
      const g = dy[e0 + c], v = z[e0 + c];
      const d = v > 0 ? g : alpha[a0 + c] * g;
      dx[e0 + c] = d;
      if (v <= 0) dalpha[a0 + c] += g * v;
      dbias[c] += d;
    }
  }
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { bytes, memory, control, tid, nth } = workerData;
const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
const ctl = new Int32Array(control);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, 0, seen);
  seen = Atomics.load(ctl, 0);
  if (seen < 0) break;
  ex[ctl[1] === 0 ? 'prelu_backward' : 'prelu_backward_combine'](tid, nth);
  if (Atomics.add(ctl, 2, 1) === nth - 2) Atomics.notify(ctl, 2);
}
`;

/** Runs one phase on the main thread (tid 0) and nth-1 persistent workers, then waits for all. */
function makeRunner(exports: WebAssembly.Exports, bytes: Uint8Array, memory: WebAssembly.Memory, nth: number) {
  const control = new SharedArrayBuffer(16);
  const ctl = new Int32Array(control);
  const workers = Array.from({ length: nth - 1 }, (_, i) => new Worker(WORKER, { eval: true, workerData: { bytes, memory, control, tid: i + 1, nth } }));
  const phase = (which: number): void => {
    ctl[1] = which;
    Atomics.store(ctl, 2, 0);
    Atomics.add(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    (exports[which === 0 ? 'prelu_backward' : 'prelu_backward_combine'] as (t: number, n: number) => void)(0, nth);
    while (Atomics.load(ctl, 2) < nth - 1) Atomics.wait(ctl, 2, Atomics.load(ctl, 2), 1);
  };
  const stop = (): void => { Atomics.store(ctl, 0, -1); Atomics.notify(ctl, 0); void Promise.all(workers.map((w) => w.terminate())); };
  return { phase, stop };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const threads = arg('threads', 1), reps = arg('reps', 10);
  const { p, at, bytes } = layout();
  const pages = Math.ceil(bytes / 65536);
  const wasm = await assembleWat(moduleText({ functions: withMathHelpers([emitRowLoop(p), emitReductionCombine(p)]), pages }));
  const memory = sharedMemory(pages);
  const { exports } = await WebAssembly.instantiate(await WebAssembly.compile(wasm), { env: { memory } });
  const f32 = (off: number, n: number): Float32Array => new Float32Array(memory.buffer, off, n);
  const dy = f32(at.dy, SIZE), z = f32(at.z, SIZE), alpha = f32(at.alpha, HW * C);
  for (let i = 0; i < SIZE; i++) { dy[i] = Math.sin(i) * 0.1; z[i] = Math.cos(i * 0.7); }
  alpha.fill(0.25);
  const runner = makeRunner(exports, wasm, memory, threads);
  const wasmTimes: number[] = [];
  for (let i = 0; i < reps + 2; i++) {
    const t0 = process.hrtime.bigint();
    runner.phase(0);
    runner.phase(1);
    if (i >= 2) wasmTimes.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  runner.stop();
  const dxJs = new Float32Array(SIZE), dalphaJs = new Float32Array(HW * C), dbiasJs = new Float32Array(C);
  const jsTimes: number[] = [];
  for (let i = 0; i < Math.max(3, reps / 2) + 1; i++) {
    const t0 = process.hrtime.bigint();
    jsPreluBackward(dy, z, alpha, dxJs, dalphaJs, dbiasJs);
    if (i >= 1) jsTimes.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]) / (1 + Math.abs(b[i]))), 0);
  const traffic = 3 * SIZE * 4; // dy and z read, dx written; alpha and partials stay in cache
  const tw = median(wasmTimes), tj = median(jsTimes);
  console.log(`fused PReLU backward, rows ${ROWS} x cols ${C} (${(traffic / 1e6).toFixed(1)} MB moved per pass)`);
  console.log(`  wasm simd, ${threads} thread(s): ${(tw * 1e3).toFixed(2)} ms  ${(traffic / tw / 1e9).toFixed(2)} GB/s`);
  console.log(`  plain JS,  1 thread:   ${(tj * 1e3).toFixed(2)} ms  ${(traffic / tj / 1e9).toFixed(2)} GB/s`);
  console.log(`  speed-up ${(tj / tw).toFixed(2)}x; max relative difference dx ${maxDiff(f32(at.dx, SIZE), dxJs).toExponential(1)}, ` +
    `dalpha ${maxDiff(f32(at.dalpha, HW * C), dalphaJs).toExponential(1)}, dbias ${maxDiff(f32(at.dbias, C), dbiasJs).toExponential(1)}`);
}

main().catch((e: unknown) => { console.error(e instanceof Error ? e.message : String(e)); process.exit(1); });
