// A compiled backend (CPU, gpu.js) against the float64 reference engine on one model:
// the same initial weights, then training steps on random batches, each compared as it
// happens (the loss, every gradient the backend's state reveals, every updated weight and
// optimizer slot), then evaluation and predictions. Before each step the reference is
// given the backend's own state, so each step is judged alone: float32 rounding does not
// pile up over steps, while the backend keeps running on its own state as it would in
// training. The first value outside its tolerance (backend-tolerance.ts) is reported by
// the parameter or slot it belongs to and its index.

import type { ConstraintSpec } from '../format/spec';
import type { ModelIO } from '../format/manifest';
import { Rng } from '../format/rng';
import type { Engine, NamedTensor, TrainingState } from '../runtime/engine';
import { interpret } from '../compiler/ir/interpret';
import { tensor, type Tensor } from '../compiler/ir/tensor';
import { createReferenceEngine, type ReferenceModel } from './reference-engine';
import { FLOAT32_MAX, gradientFromStep, gradientTolerance, roundingScale, stepTolerance, TOLERANCE, valueTolerance, type RunScale } from './backend-tolerance';

export interface BackendMismatch {
  /** 'initial weights', 'step 1', 'step 2', ..., or 'inference'. */
  readonly phase: string;
  readonly quantity: 'initial weight' | 'loss' | 'gradient' | 'weight' | 'optimizer slot' | 'evaluate loss' | 'correct' | 'top-k' | 'prediction';
  /** The param (`dense_1.kernel`), the slot (`adam.m:dense_1.kernel`), or `loss`/`probs`. */
  readonly name: string;
  /** The element's index in the tensor ([] for a scalar). */
  readonly index: readonly number[];
  readonly got: number;
  readonly want: number;
  readonly tolerance: number;
}

export interface BackendComparison {
  readonly backend: string;
  readonly steps: number;
  readonly batch: number;
  /** How many values of each kind were compared (until the first mismatch). */
  readonly compared: { readonly losses: number; readonly gradients: number; readonly weights: number; readonly slots: number; readonly outputs: number };
  readonly mismatch: BackendMismatch | null;
  /**
   * Why the run could not be judged, or null: the reference computed a value beyond float32's
   * range (the model overflows in float32; where its backends get inf or NaN is not theirs to answer for).
   */
  readonly notComparable: string | null;
}

export interface CompareOptions {
  /** Seeds the engines' initial weights (both were made with it), the batches and dropout. */
  readonly seed: number;
  /** Training batch size: the backend must have a program for it. */
  readonly batch: number;
  /** Training steps (default 2: the second reads the optimizer state the first wrote). */
  readonly steps?: number;
}

export interface Batch { readonly x: Float32Array; readonly labels: Float32Array; readonly batch: number }

/** Inputs uniform in [0, 1) and one random class per example (one-hot, or an index for sparse labels). */
export function randomModelBatch(io: ReferenceModel['io'], batch: number, seed: number): Batch {
  const rng = new Rng((seed * 2654435761 + 12345) >>> 0);
  const x = Float32Array.from({ length: batch * io.inputSize }, () => rng.next());
  const labels = new Float32Array(batch * io.labelSize);
  for (let i = 0; i < batch; i++) {
    const c = rng.nextU32() % io.classes;
    if (io.sparse) labels[i] = c; else labels[i * io.classes + c] = 1;
  }
  return { x, labels, batch };
}

/** Row-major multi-index of flat element `i` in `shape`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) { index.unshift(i % shape[d]); i = Math.floor(i / shape[d]); }
  return index;
}

class Mismatch extends Error {
  constructor(readonly found: BackendMismatch) { super('mismatch'); }
}

class OutOfRange extends Error {}

/** The run's rounding scale; throws OutOfRange when the reference leaves float32's range. */
function inRange(phase: string, scale: RunScale): number {
  if (!(scale.largest <= FLOAT32_MAX)) {
    throw new OutOfRange(`${phase}: the reference computes ${scale.largest.toExponential(1)}, beyond float32's range (${FLOAT32_MAX.toExponential(1)}): the model overflows in float32`);
  }
  return scale.rounding;
}

type Counts = { -readonly [K in keyof BackendComparison['compared']]: number };

class Comparer {
  readonly counts: Counts = { losses: 0, gradients: 0, weights: 0, slots: 0, outputs: 0 };
  phase = 'initial weights';

  /** Throws at the first element with |got - want| > tolerance. */
  values(quantity: BackendMismatch['quantity'], name: string, shape: readonly number[], got: ArrayLike<number>, want: ArrayLike<number>, tol: (i: number) => number): void {
    if (got.length !== want.length) throw new Error(`${this.phase}: ${name} has ${got.length} values, the reference ${want.length}`);
    for (let i = 0; i < want.length; i++) {
      const t = tol(i);
      if (!(Math.abs(got[i] - want[i]) <= t)) throw new Mismatch({ phase: this.phase, quantity, name, index: unravel(i, shape), got: got[i], want: want[i], tolerance: t });
    }
  }

  scalar(quantity: BackendMismatch['quantity'], name: string, got: number, want: number, tolerance: number): void {
    this.values(quantity, name, [], [got], [want], () => tolerance);
  }

  tensors(quantity: 'weight' | 'optimizer slot' | 'initial weight', got: readonly NamedTensor[], want: readonly NamedTensor[], tol: (name: string, i: number) => number): void {
    for (const w of want) {
      const g = got.find((t) => t.name === w.name);
      if (!g) throw new Error(`${this.phase}: the backend's state has no ${w.name}`);
      this.values(quantity, w.name, w.shape, g.data, w.data, (i) => tol(w.name, i));
      if (quantity === 'weight') this.counts.weights++;
      if (quantity === 'optimizer slot') this.counts.slots++;
    }
  }
}

function feedsOf(model: ReferenceModel, state: TrainingState, b: Batch): Record<string, Tensor> {
  const io = model.io;
  const feeds: Record<string, Tensor> = {
    x: tensor([b.batch, ...io.inputShape], b.x.subarray(0, b.batch * io.inputSize)),
    labels: tensor(io.sparse ? [b.batch] : [b.batch, io.labelSize], b.labels.subarray(0, b.batch * io.labelSize)),
  };
  for (const p of state.params) feeds[p.name] = tensor(p.shape, p.data);
  return feeds;
}

/** The reference's gradient of every param at `state` on `b` (the training graph, float64), and the run's rounding scale. */
function referenceGradients(model: ReferenceModel, state: TrainingState, b: Batch, stepSeed: number): { grads: Float64Array[]; scale: RunScale } {
  const { outputs, values } = interpret(model.training, feedsOf(model, state, b), { seed: stepSeed });
  return { grads: model.paramInfo.map((p) => outputs[`grad:${p.name}`].data), scale: roundingScale(values.values(), b.batch) };
}

/**
 * The state's tolerances after a step: a new moving statistic mixes the old value with a
 * batch statistic (a mean over the batch), which float32 rounds like an output.
 */
function stateTolerances(model: ReferenceModel, expected: TrainingState, rounding: number): Map<string, Float64Array> {
  const names = new Set(model.stateInfo.map((s) => s.name));
  return new Map(expected.params.filter((t) => names.has(t.name))
    .map((t) => [t.name, Float64Array.from(t.data, (v) => valueTolerance(v, TOLERANCE.output, rounding))]));
}

function trainingStep(c: Comparer, model: ReferenceModel, engine: Engine, reference: Engine, b: Batch, stepSeed: number): void {
  const all = engine.getState();
  // The trainable params (the state has no gradient and no optimizer slot).
  const trainable = new Set(model.paramInfo.map((p) => p.name));
  const before: TrainingState = { ...all, params: all.params.filter((p) => trainable.has(p.name)) };
  reference.setState(all);
  const { grads, scale } = referenceGradients(model, all, b, stepSeed);
  const rounding = inRange(c.phase, scale);
  const want = reference.trainStep(b.x, b.labels, b.batch, stepSeed);
  const got = engine.trainStep(b.x, b.labels, b.batch, stepSeed);
  c.scalar('loss', 'loss', got.loss, want.loss, valueTolerance(want.loss, TOLERANCE.loss, rounding));
  c.counts.losses++;
  const after = engine.getState();
  const opt = model.spec.optimizer;
  const constraints: (ConstraintSpec | null)[] = model.paramInfo.map((p) => p.constraint);
  const gradTol = grads.map((g) => gradientTolerance(g, rounding));
  before.params.forEach((p, k) => {
    const read = gradientFromStep(opt, p.name, before, after, constraints[k] !== null);
    if (!read) return;
    c.values('gradient', p.name, p.shape, read.g, grads[k], (i) => gradTol[k][i] + read.slack[i]);
    c.counts.gradients++;
  });
  const expected = reference.getState();
  const tolerances = new Map([...stepTolerance(opt, before, grads, gradTol, constraints), ...stateTolerances(model, expected, rounding)]);
  const tol = (name: string, i: number): number => (tolerances.get(name) as Float64Array)[i];
  c.tensors('weight', after.params, expected.params, tol);
  c.tensors('optimizer slot', after.slots, expected.slots, tol);
  if (after.step !== expected.step) throw new Error(`${c.phase}: the backend counts ${after.step} steps, the reference ${expected.step}`);
}

/**
 * Examples whose two largest outputs are within their tolerance of each other (their arg-max
 * may differ), or, for a binary classifier, whose output is that near its threshold.
 */
function nearTies(probs: Float32Array, io: ModelIO, batch: number, tol: (p: number) => number): number {
  const classes = io.classes;
  let ties = 0;
  for (let i = 0; i < batch; i++) {
    if (io.threshold !== undefined) {
      if (Math.abs(probs[i] - io.threshold) <= tol(probs[i])) ties++;
      continue;
    }
    const row = Array.from(probs.subarray(i * classes, (i + 1) * classes)).sort((a, b) => b - a);
    if (row.length > 1 && row[0] - row[1] <= tol(row[0]) + tol(row[1])) ties++;
  }
  return ties;
}

function inference(c: Comparer, model: ReferenceModel, engine: Engine, reference: Engine, b: Batch): void {
  const state = engine.getState();
  reference.setState(state);
  const rounding = inRange(c.phase, roundingScale(interpret(model.forward, feedsOf(model, state, b)).values.values(), b.batch));
  const want = reference.evaluate(b.x, b.labels, b.batch);
  const got = engine.evaluate(b.x, b.labels, b.batch);
  c.scalar('evaluate loss', 'loss', got.loss, want.loss, valueTolerance(want.loss, TOLERANCE.loss, rounding));
  c.counts.losses++;
  const probs = reference.predict(b.x, b.batch);
  const out = engine.predict(b.x, b.batch);
  const tol = (p: number): number => valueTolerance(p, TOLERANCE.output, rounding);
  c.values('prediction', 'probs', [b.batch, ...model.io.outputShape], out, probs, (i) => tol(probs[i]));
  c.counts.outputs += out.length;
  const ties = nearTies(probs, model.io, b.batch, tol);
  if (Math.abs(got.correct - want.correct) > ties) c.scalar('correct', 'correct', got.correct, want.correct, ties);
  const topKTies = nearLabelTies(probs, b.labels, model.io, b.batch, tol);
  if (Math.abs((got.topK ?? 0) - (want.topK ?? 0)) > topKTies) c.scalar('top-k', 'topK', got.topK ?? 0, want.topK ?? 0, topKTies);
}

/** Examples with another output within tolerance of the label's: whether the label is in the top k may differ. */
function nearLabelTies(probs: Float32Array, labels: Float32Array, io: ModelIO, batch: number, tol: (p: number) => number): number {
  if (io.topK === undefined) return 0;
  let ties = 0;
  for (let i = 0; i < batch; i++) {
    const label = io.sparse ? labels[i] : labels.subarray(i * io.classes, (i + 1) * io.classes).indexOf(1);
    const score = probs[i * io.classes + label];
    let near = false;
    for (let c = 0; c < io.classes; c++) if (c !== label && Math.abs(probs[i * io.classes + c] - score) <= tol(score) + tol(probs[i * io.classes + c])) near = true;
    if (near) ties++;
  }
  return ties;
}

/**
 * Runs `engine` (made with `o.seed`) and a reference engine side by side on `model`; the
 * first value that differs beyond float32 tolerance, or null.
 */
export function compareWithReference(model: ReferenceModel, engine: Engine, o: CompareOptions): BackendComparison {
  const c = new Comparer();
  const steps = o.steps ?? 2;
  const reference = createReferenceEngine(model, o.seed);
  let mismatch: BackendMismatch | null = null;
  let notComparable: string | null = null;
  try {
    c.tensors('initial weight', engine.getState().params, reference.getState().params, () => 0);
    for (let s = 1; s <= steps; s++) {
      c.phase = `step ${s}`;
      trainingStep(c, model, engine, reference, randomModelBatch(model.io, o.batch, o.seed * 31 + s), o.seed * 7 + s);
    }
    c.phase = 'inference';
    // At the training batch and at one without a program of its own (engines split it).
    for (const n of [o.batch, o.batch + 2]) inference(c, model, engine, reference, randomModelBatch(model.io, n, o.seed * 31 + 1000 + n));
  } catch (e) {
    if (e instanceof Mismatch) mismatch = e.found;
    else if (e instanceof OutOfRange) notComparable = e.message;
    else throw e;
  }
  return { backend: engine.description, steps, batch: o.batch, compared: { ...c.counts }, mismatch, notComparable };
}

/** `step 1: gradient of dense_1.kernel[3,1]: 0.0123 where the reference has 0.0456 (tolerance 1.2e-5)`. */
export function formatMismatch(m: BackendMismatch): string {
  const at = m.index.length === 0 ? '' : `[${m.index.join(',')}]`;
  const what = m.quantity === 'loss' || m.quantity === 'evaluate loss' || m.quantity === 'correct' || m.quantity === 'top-k' ? m.quantity : `${m.quantity} ${m.name}${at}`;
  const num = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(6));
  return `${m.phase}: ${what}: ${num(m.got)} where the reference has ${num(m.want)} (tolerance ${m.tolerance.toExponential(1)})`;
}
