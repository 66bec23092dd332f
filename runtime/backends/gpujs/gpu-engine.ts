// The gpu.js Engine: runs a compiled model's GPU programs (one per mode and batch size,
// each a list of gpu.js kernels; see program.ts) in pipeline mode, so values stay textures
// between kernels and only the loss and the outputs come back each step. Parameters are
// updated on the GPU by the programs' double-buffered optimizer kernels (optimizer.ts). A program's
// kernels are compiled when it is first used. Dropout masks come from the same RNG
// sequence as every backend. Training needs a program of exactly the batch's size
// (EngineError otherwise); evaluate and predict split other sizes into the compiled ones.
// Platform-free: the caller opens the WebGL context (engine.ts in Node, runtime/web.ts in a page).

import type { GPU } from 'gpu.js';
import { stateOutput, type CompiledModelFiles, type GpuProgram, type Manifest, type ModelIO } from '../../../format/manifest';
import { EngineError, type BatchResult, type Engine, type TrainingState } from '../../engine';
import { initializeParams } from '../../params/init';
import { applyConstraint } from '../../params/constraints';
import { addScores, NO_SCORES, scoreBatch } from '../io-shapes';
import { GpuParam, updateScalars } from './optimizer';
import { optimizerSlotNames } from '../../../format/optimizer-slots';
import type { GpuContext } from './gpu-context';
import { readGpuValue, type GpuValue } from './kernels';
import { loadGpuProgram, type LoadedGpuProgram } from './program';

/** Why the manifest cannot make a gpu.js engine, or null. */
function checkManifest(m: Manifest): { reason: string } | null {
  if (m.gpu.length === 0) return { reason: m.gpuRefusal ?? 'the compiled model has no gpu.js programs' };
  if (!m.gpu.some((p) => p.mode === 'infer' && p.batch === 1)) return { reason: 'the compiled model has no batch-1 gpu.js inference program' };
  return null;
}

/** Splits `batch` rows into runs of the compiled sizes (descending), largest first; exact because size 1 is among them. */
function chunks(batch: number, sizes: readonly number[]): { start: number; size: number }[] {
  const out: { start: number; size: number }[] = [];
  for (let start = 0; start < batch;) {
    const size = sizes.find((b) => b <= batch - start) as number;
    out.push({ start, size });
    start += size;
  }
  return out;
}

const byBatch = (m: Manifest, mode: 'train' | 'infer'): Map<number, GpuProgram> =>
  new Map(m.gpu.filter((p) => p.mode === mode).map((p) => [p.batch, p]));

class GpuEngine implements Engine {
  readonly description: string;
  readonly inputSize: number;
  readonly labelSize: number;
  private readonly io: ModelIO;
  private readonly outputSize: number;
  private readonly programs: { readonly train: Map<number, GpuProgram>; readonly infer: Map<number, GpuProgram> };
  /** Inference batch sizes, largest first. */
  private readonly inferSizes: readonly number[];
  private readonly loaded = new Map<GpuProgram, LoadedGpuProgram>();
  private readonly names: readonly string[];
  private readonly params: readonly GpuParam[];
  private readonly paramOf: ReadonlyMap<string, GpuParam>;
  /** Optimizer slot names, in the order of each param's slot kernels. */
  private readonly slotNames: readonly string[];
  /** The state (manifest.state) on the host: small, and read back once per step from the state:<name> outputs. */
  private readonly stateOf: Map<string, Float32Array>;
  private step = 0;

  private get kind(): string {
    return this.model.manifest.optimizer.kind;
  }

  constructor(private readonly model: CompiledModelFiles, private readonly gpu: GPU, kernelClass: string, seed: number) {
    const m = model.manifest;
    this.description = `gpu (gpu.js, ${kernelClass})`;
    this.io = m.io;
    this.inputSize = m.io.inputSize;
    this.labelSize = m.io.labelSize;
    this.outputSize = m.io.outputShape.reduce((a, b) => a * b, 1);
    this.programs = { train: byBatch(m, 'train'), infer: byBatch(m, 'infer') };
    this.inferSizes = [...this.programs.infer.keys()].sort((a, b) => b - a);
    this.names = m.params.map((p) => p.name);
    const initial = initializeParams([...m.params, ...m.state], seed);
    this.slotNames = optimizerSlotNames(m.optimizer);
    this.params = initial.slice(0, m.params.length).map((p) => new GpuParam(p.shape, this.slotNames.length, p.data));
    this.paramOf = new Map(this.names.map((n, k) => [n, this.params[k]]));
    this.stateOf = new Map(initial.slice(m.params.length).map((s) => [s.name, s.data]));
  }

  private load(p: GpuProgram): LoadedGpuProgram {
    let l = this.loaded.get(p);
    if (!l) { l = loadGpuProgram(this.gpu, this.model, p); this.loaded.set(p, l); }
    return l;
  }

  private readonly param = (name: string): GpuValue => {
    const s = this.stateOf.get(name);
    if (s) return s;
    const p = this.paramOf.get(name);
    if (!p) throw new Error(`a gpu.js program reads param ${name}, which the model does not have`);
    return p.value;
  };

  private checkSizes(x: Float32Array, labels: Float32Array | null, batch: number): void {
    const io = this.io;
    if (!Number.isInteger(batch) || batch < 1) throw new EngineError(`gpu.js: batch ${batch} must be a whole number >= 1`);
    if (x.length < batch * io.inputSize) throw new EngineError(`gpu.js: ${x.length} input values for a batch of ${batch} (${io.inputSize} per example)`);
    if (labels && labels.length < batch * io.labelSize) throw new EngineError(`gpu.js: ${labels.length} label values for a batch of ${batch} (${io.labelSize} per example)`);
  }

  /** Runs `program` on the first `batch` rows of x and labels; returns its named outputs. */
  private run(program: GpuProgram, x: Float32Array, labels: Float32Array, batch: number, seed: number): ReadonlyMap<string, GpuValue> {
    const feeds = { x: x.subarray(0, batch * this.io.inputSize), labels: labels.subarray(0, batch * this.io.labelSize), param: this.param, seed };
    return this.load(program).run(feeds);
  }

  /** One run of the inference program of exactly `batch` rows: the mean loss and the outputs. */
  private infer(x: Float32Array, labels: Float32Array, batch: number): { loss: number; probs: Float32Array } {
    const out = this.run(this.programs.infer.get(batch) as GpuProgram, x, labels, batch, 0);
    return { loss: readGpuValue(out.get('loss') as GpuValue)[0], probs: readGpuValue(out.get('probs') as GpuValue) };
  }

  trainStep(x: Float32Array, labels: Float32Array, batch: number, stepSeed: number): BatchResult {
    this.checkSizes(x, labels, batch);
    const program = this.programs.train.get(batch);
    if (!program) {
      const have = [...this.programs.train.keys()].sort((a, b) => a - b).join(', ') || 'none';
      throw new EngineError(`gpu.js: no training program for batch ${batch} (compiled training batches: ${have})`);
    }
    const update = this.load(program).update;
    if (!update) throw new EngineError(`gpu.js: ${program.file} has no optimizer update`);
    const out = this.run(program, x, labels, batch, stepSeed);
    const result: BatchResult = {
      loss: readGpuValue(out.get('loss') as GpuValue)[0],
      ...scoreBatch(readGpuValue(out.get('probs') as GpuValue), labels, batch, this.io),
    };
    for (const name of this.stateOf.keys()) this.stateOf.set(name, readGpuValue(out.get(stateOutput(name)) as GpuValue));
    this.step += 1;
    const grads = this.names.map((n) => out.get(`grad:${n}`) as GpuValue);
    const scalars = updateScalars(this.model.manifest.optimizer, this.step, grads);
    this.params.forEach((p, k) => {
      p.update(update[k], grads[k], scalars[k]);
      const c = this.model.manifest.params[k].constraint;
      if (c) {
        const s = p.readState();
        applyConstraint(c, s.param, p.shape);
        p.setState(s);
      }
    });
    return result;
  }

  evaluate(x: Float32Array, labels: Float32Array, batch: number, outputs?: Float32Array): BatchResult {
    this.checkSizes(x, labels, batch);
    const io = this.io;
    // Rows are independent and the loss is a mean (plus batch-independent regularisation),
    // so a batch without a program of its own is the size-weighted mean of its chunks.
    let loss = 0;
    let scores = NO_SCORES;
    for (const { start, size } of chunks(batch, this.inferSizes)) {
      const r = this.infer(x.subarray(start * io.inputSize), labels.subarray(start * io.labelSize), size);
      loss += r.loss * size;
      outputs?.set(r.probs.subarray(0, size * this.outputSize), start * this.outputSize);
      scores = addScores(scores, scoreBatch(r.probs, labels.subarray(start * io.labelSize), size, io));
    }
    return { loss: loss / batch, ...scores };
  }

  predict(x: Float32Array, batch: number): Float32Array {
    this.checkSizes(x, null, batch);
    const { io, outputSize, inferSizes } = this;
    const out = new Float32Array(batch * outputSize);
    for (let start = 0; start < batch; start += inferSizes[0]) {
      const rows = Math.min(inferSizes[0], batch - start);
      // A remainder runs in the smallest program that holds it, zero-padded (rows are independent).
      const size = [...inferSizes].reverse().find((b) => b >= rows) as number;
      const xs = new Float32Array(size * io.inputSize);
      xs.set(x.subarray(start * io.inputSize, (start + rows) * io.inputSize));
      out.set(this.infer(xs, new Float32Array(size * io.labelSize), size).probs.subarray(0, rows * outputSize), start * outputSize);
    }
    return out;
  }

  getState(): TrainingState {
    const states = this.params.map((p) => p.readState());
    const tensor = (k: number, prefix: string, data: Float32Array) => ({ name: `${prefix}${this.names[k]}`, shape: this.params[k].shape, data });
    return {
      params: [
        ...states.map((s, k) => tensor(k, '', s.param)),
        ...this.model.manifest.state.map((s) => ({ name: s.name, shape: s.shape, data: (this.stateOf.get(s.name) as Float32Array).slice() })),
      ],
      slots: this.slotNames.flatMap((slot, i) => states.map((s, k) => tensor(k, `${this.kind}.${slot}:`, s.slots[i]))),
      step: this.step,
    };
  }

  setState(s: TrainingState): void {
    const find = (name: string): Float32Array | undefined => [...s.params, ...s.slots].find((t) => t.name === name)?.data;
    this.params.forEach((p, k) => {
      const name = this.names[k];
      const value = find(name);
      if (!value) throw new Error(`state has no parameter ${name}`);
      p.setState({ param: value, slots: this.slotNames.map((slot) => find(`${this.kind}.${slot}:${name}`) ?? new Float32Array(value.length)) });
    });
    for (const name of this.stateOf.keys()) {
      const value = find(name);
      if (!value) throw new Error(`state has no parameter ${name}`);
      this.stateOf.set(name, value.slice());
    }
    this.step = s.step;
  }

  dispose(): void {
    for (const l of this.loaded.values()) l.destroy();
    this.loaded.clear();
    this.gpu.destroy();
  }
}

/** An Engine running `model`'s gpu.js programs on the context `open` makes, or why there can be none (one line). */
export function openGpuEngine(model: CompiledModelFiles, seed: number, open: () => GpuContext): Engine | { reason: string } {
  const refusal = checkManifest(model.manifest);
  if (refusal) return refusal;
  const ctx = open();
  if (!ctx.ok) return { reason: ctx.reason };
  return new GpuEngine(model, ctx.gpu, ctx.kernelClass, seed);
}
