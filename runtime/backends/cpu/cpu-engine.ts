// The CPU Engine over a compiled model: its WebAssembly programs (the training step with the
// optimizer update, and inference), one per compiled batch size, instantiated when first
// used. Nothing is compiled here. The training state lives in the memory of the training
// program that ran last; switching programs (a partial last batch, evaluation) copies it,
// which happens a few times per epoch. Platform-free: threads come from a PoolProvider
// (engine.ts starts Node's worker_threads, runtime/web.ts a browser's Web Workers).

import { stateOutput, type CompiledModelFiles, type Manifest } from '../../../format/manifest';
import type { ConstraintSpec } from '../../../format/spec';
import { EngineError, type BatchResult, type Engine, type NamedTensor, type TrainingState } from '../../engine';
import { initializeParams } from '../../params/init';
import { applyConstraint } from '../../params/constraints';
import { applyUpdate, slotNames } from '../../params/optimizer';
import { learningRateAt } from '../../params/schedule';
import { addScores, NO_SCORES, scoreBatch } from '../io-shapes';
import { requireHostOps, type HostOps } from './host-ops';
import type { PoolProvider } from './pool';
import type { ProgramRunner } from './program-runner';
import { inferencePlan, modelLabel, ProgramSet } from './programs';
import { runsFused, type FmaChoice } from './multiply-add';
import { TrainingMemory } from './training-memory';

export interface CpuEngineSetup {
  /** Seeds the initial weights. */
  readonly seed: number;
  /** Threads per program. */
  readonly threads: number;
  /** Runs the programs' host steps; required when a program has any. */
  readonly hostOps?: HostOps;
  /** Starts a program's threads when it runs on more than one; disposed with the engine. */
  readonly pools: PoolProvider;
  /** The programs' multiply-add form (default 'auto'). */
  readonly fma?: FmaChoice;
}

/** The CPU engine on `setup.threads` threads; the provider is disposed if the engine cannot start. */
export function openCpuEngine(model: CompiledModelFiles, setup: CpuEngineSetup): Engine {
  try {
    if (!Number.isInteger(setup.threads) || setup.threads < 1) throw new EngineError(`the CPU backend needs a positive whole number of threads, got ${setup.threads}`);
    requireHostOps(model.manifest.cpu, setup.hostOps);
    const fused = runsFused(model, setup.fma ?? 'auto');
    return new CpuEngine(model, setup.threads, new ProgramSet(model, { threads: setup.threads, hostOps: setup.hostOps, pools: setup.pools }, fused), setup.seed);
  } catch (e) {
    setup.pools.dispose();
    throw e;
  }
}

class CpuEngine implements Engine {
  readonly description: string;
  readonly inputSize: number;
  readonly labelSize: number;
  private readonly manifest: Manifest;
  /** The trainable params' names, then all weights' (the params', then the state's). */
  private readonly names: readonly string[];
  private readonly weights: readonly string[];
  private readonly stateNames: readonly string[];
  private readonly constraints: readonly (ConstraintSpec | null)[];
  private readonly state: TrainingMemory;
  /** Values per example of the model's output. */
  private readonly outputSize: number;

  constructor(private readonly model: CompiledModelFiles, threads: number, private readonly programs: ProgramSet, seed: number) {
    const m = model.manifest;
    this.manifest = m;
    this.description = `cpu (WebAssembly SIMD${programs.fused ? ' with FMA' : ''}, ${threads} thread${threads > 1 ? 's' : ''})`;
    this.inputSize = m.io.inputSize;
    this.labelSize = m.io.labelSize;
    this.outputSize = m.io.outputShape.reduce((a, b) => a * b, 1);
    this.names = m.params.map((p) => p.name);
    this.stateNames = m.state.map((p) => p.name);
    this.weights = [...this.names, ...this.stateNames];
    this.constraints = m.params.map((p) => p.constraint);
    this.state = new TrainingMemory(initializeParams([...m.params, ...m.state], seed), slotNames(m.optimizer), m.params.length);
  }

  trainStep(x: Float32Array, labels: Float32Array, batch: number, seed: number): BatchResult {
    const program = this.programs.find('train', batch);
    if (!program) {
      throw new EngineError(`${modelLabel(this.model)} has no training program for batch size ${batch} (compiled: ${this.compiled('train')}); rebuild it with nnc build --train-batches ${batch}`);
    }
    const r = this.programs.runner(program);
    const { state, names } = this;
    state.moveTo(r, this.weights);
    this.loadInputs(r, x, labels, batch);
    state.step += 1;
    const update = program.update;
    if (update) {
      r.writeF32(update.lrSlot, learningRateAt(this.manifest.optimizer.learningRate, state.step - 1));
      r.writeI32(update.stepSlot, state.step);
    }
    r.run(seed);
    for (const n of this.stateNames) r.param(n).set(r.output(stateOutput(n)));
    if (!update) {
      // No single-region layout (an unusual graph): update the buffers in place from JS.
      applyUpdate(this.manifest.optimizer, state.paramViews(r, names), names.map((n) => r.output(`grad:${n}`)), state.slotViews(r), state.step);
    }
    if (this.constraints.some((c) => c !== null)) {
      state.paramViews(r, names).forEach((v, k) => { const c = this.constraints[k]; if (c) applyConstraint(c, v, state.shapes[k]); });
    }
    return this.result(r, labels, batch);
  }

  /**
   * Loss and correct count in inference mode. A batch size without a program runs one example
   * at a time through the batch-1 program: the mean of their losses (regularisation terms
   * included in each) is the batch's loss.
   */
  evaluate(x: Float32Array, labels: Float32Array, batch: number, outputs?: Float32Array): BatchResult {
    const program = this.programs.find('infer', batch);
    if (program) {
      const r = this.infer(this.programs.runner(program), x, labels, batch);
      outputs?.set(r.output('probs').subarray(0, batch * this.outputSize));
      return this.result(r, labels, batch);
    }
    const one = this.programs.find('infer', 1);
    if (!one) {
      throw new EngineError(`${modelLabel(this.model)} has no inference program for batch size ${batch} or 1 (compiled: ${this.compiled('infer')}); rebuild it with nnc build --infer-batches ${batch}`);
    }
    const r = this.programs.runner(one);
    this.state.showParams(r, this.weights);
    let loss = 0, scores = NO_SCORES;
    for (let i = 0; i < batch; i++) {
      const row = labels.subarray(i * this.labelSize, (i + 1) * this.labelSize);
      this.loadInputs(r, x.subarray(i * this.inputSize), row, 1);
      r.run(0);
      loss += r.output('loss')[0];
      outputs?.set(r.output('probs').subarray(0, this.outputSize), i * this.outputSize);
      scores = addScores(scores, scoreBatch(r.output('probs'), row, 1, this.manifest.io));
    }
    return { loss: loss / batch, ...scores };
  }

  /** Outputs for `batch` rows, in chunks of the compiled batch sizes when there is no program for `batch`. */
  predict(x: Float32Array, batch: number): Float32Array {
    const plan = inferencePlan(this.programs.batches('infer'), batch);
    if (!plan) throw new EngineError(`${modelLabel(this.model)} has no inference programs; rebuild it with nnc build`);
    const out = new Float32Array(batch * this.outputSize);
    const shown = new Set<ProgramRunner>();
    for (const c of plan) {
      const r = this.inferRunner(c.batch);
      if (!shown.has(r)) { this.state.showParams(r, this.weights); shown.add(r); }
      const input = r.input('x');
      input.set(x.subarray(c.start * this.inputSize, (c.start + c.count) * this.inputSize));
      input.fill(0, c.count * this.inputSize);
      r.input('labels').fill(0);
      r.run(0);
      out.set(r.output('probs').subarray(0, c.count * this.outputSize), c.start * this.outputSize);
    }
    return out;
  }

  getState(): TrainingState {
    const snapshot = this.state.snapshot(this.weights);
    const kind = this.manifest.optimizer.kind;
    const slots: NamedTensor[] = [...snapshot.slots].flatMap(([s, arrays]) =>
      arrays.map((a, k) => ({ name: `${kind}.${s}:${this.names[k]}`, shape: this.state.shapes[k], data: a })));
    return { params: snapshot.params, slots, step: this.state.step };
  }

  setState(s: TrainingState): void {
    const kind = this.manifest.optimizer.kind;
    const params = this.weights.map((n) => {
      const t = s.params.find((p) => p.name === n);
      if (!t) throw new Error(`state has no parameter ${n}`);
      return t;
    });
    this.state.restore(params, (slot, k) => s.slots.find((t) => t.name === `${kind}.${slot}:${this.names[k]}`)?.data ?? null, s.step);
  }

  dispose(): void {
    this.programs.dispose();
  }

  private compiled(mode: 'train' | 'infer'): string {
    const sizes = this.programs.batches(mode);
    return sizes.length === 0 ? 'none' : sizes.join(', ');
  }

  /** The inference program of `batch`, which the caller knows exists. */
  private inferRunner(batch: number): ProgramRunner {
    const program = this.programs.find('infer', batch);
    if (!program) throw new Error(`no inference program for batch size ${batch}`);
    return this.programs.runner(program);
  }

  private loadInputs(r: ProgramRunner, x: Float32Array, labels: Float32Array, batch: number): void {
    r.input('x').set(x.subarray(0, batch * this.inputSize));
    r.input('labels').set(labels.subarray(0, batch * this.labelSize));
  }

  private infer(r: ProgramRunner, x: Float32Array, labels: Float32Array, batch: number): ProgramRunner {
    this.state.showParams(r, this.weights);
    this.loadInputs(r, x, labels, batch);
    r.run(0);
    return r;
  }

  private result(r: ProgramRunner, labels: Float32Array, batch: number): BatchResult {
    return { loss: r.output('loss')[0], ...scoreBatch(r.output('probs'), labels, batch, this.manifest.io) };
  }
}
