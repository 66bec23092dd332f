// Gradient check of a whole model: the training graph's analytic gradient of every
// parameter against central differences of its loss, in float64 with the reference
// interpreter. Parameters are too large to check element by element, so each is checked
// along random unit directions u, as JAX's check_grads does:
//   <grad, u>  vs  (L(p + eps u) - L(p - eps u)) / (2 eps).
// The dropout seed is fixed, so every evaluation draws the same masks.

import { compileFile, type CompiledModel } from '../compiler/pipeline';
import { eliminateDeadCode } from '../compiler/ir/graph';
import { interpret } from '../compiler/ir/interpret';
import { Rng } from '../format/rng';
import { tensor, type Tensor } from '../compiler/ir/tensor';
import type { Graph, Node } from '../compiler/ir/types';
import { bindShape } from '../compiler/ir/types';
import { initializeParams } from '../runtime/params/init';

export interface ModelGradOptions {
  /** Seeds the parameters, the batch, the directions and the dropout masks (default 0). */
  readonly seed?: number;
  /** Examples in the random batch (default 2: the reference interpreter is slow on conv). */
  readonly batch?: number;
  /** Random directions per parameter (default 3). */
  readonly directions?: number;
  /** Finite-difference step along a unit direction (default 1e-6). */
  readonly eps?: number;
  /**
   * Standard deviation of the noise added to the initial parameters (default 0.01), so the
   * check runs at a generic point: at alpha = 0 exactly, PReLU feeds ties into max pooling,
   * a genuine kink where one-sided differences disagree. 0 checks at the initial values.
   */
  readonly jitter?: number;
  /** A direction passes when |analytic - numeric| <= atol + rtol * max(|analytic|, |numeric|). */
  readonly atol?: number;
  readonly rtol?: number;
}

export interface ParamGradResult {
  readonly name: string;
  readonly shape: readonly number[];
  /** The worst direction's |analytic - numeric| / max(|analytic|, |numeric|). */
  readonly relativeError: number;
  /** The worst direction's |analytic - numeric|. */
  readonly absoluteError: number;
  /** The worst direction's directional derivatives. */
  readonly analytic: number;
  readonly numeric: number;
  readonly passed: boolean;
}

export interface ModelGradReport {
  readonly model: string;
  readonly batch: number;
  readonly seed: number;
  readonly directions: number;
  /** The loss at the checked point. */
  readonly loss: number;
  readonly params: readonly ParamGradResult[];
  readonly passed: boolean;
}

/** The model file did not compile; `diagnostics` are `file:line:col: message` lines. */
export class ModelCompileError extends Error {
  override name = 'ModelCompileError';
  constructor(readonly diagnostics: readonly string[]) {
    super(diagnostics.join('\n'));
  }
}

const DEFAULTS = { seed: 0, batch: 2, directions: 3, eps: 1e-6, atol: 1e-9, rtol: 1e-4, jitter: 0.01 };

/** Compiles `file` and checks every parameter's gradient; throws ModelCompileError if it does not compile. */
export function checkModelGradients(file: string, opts: ModelGradOptions = {}): ModelGradReport {
  const result = compileFile(file);
  if (!result.ok) throw new ModelCompileError(result.diagnostics);
  return checkCompiledGradients(result.model, opts);
}

/** The check on an already compiled model (its `training` graph supplies the analytic gradients). */
export function checkCompiledGradients(model: CompiledModel, opts: ModelGradOptions = {}): ModelGradReport {
  const o = withDefaults(opts);
  const feeds = modelFeeds(model, o.batch, o.seed, o.jitter);
  const lossGraph = lossGraphOf(model.training);
  const base = interpret(model.training, feeds, { seed: o.seed });
  const loss = base.outputs.loss.data[0];
  const rng = new Rng((o.seed ^ 0x9e3779b9) >>> 0);
  const params = model.params.map((p) => {
    const name = String(p.attrs.name);
    const g = base.outputs[`grad:${name}`];
    if (!g) throw new Error(`the training graph has no output grad:${name}`);
    const part = dependentPart(lossGraph, p.id, base.values);
    const lossAt = (x: Tensor): number => interpret(part.graph, { ...part.feeds, [name]: x }, { seed: o.seed }).outputs.loss.data[0];
    if (lossAt(feeds[name]) !== loss) throw new Error(`the loss evaluated from ${name} differs from the training graph's`);
    const along = (u: Tensor): number => {
      const shifted = (sign: number): Tensor => tensor(g.shape, feeds[name].data.map((v, i) => v + sign * o.eps * u.data[i]));
      return (lossAt(shifted(1)) - lossAt(shifted(-1))) / (2 * o.eps);
    };
    return checkParam(name, g, along, rng, o);
  });
  return { model: model.spec.name, batch: o.batch, seed: o.seed, directions: o.directions, loss, params, passed: params.every((p) => p.passed) };
}

type Settings = typeof DEFAULTS;

/** Options with every absent (or explicitly undefined) field set to its default. */
function withDefaults(opts: ModelGradOptions): Settings {
  const o: Record<string, number> = { ...DEFAULTS };
  for (const [k, v] of Object.entries(opts)) if (typeof v === 'number') o[k] = v;
  return o as Settings;
}

function checkParam(name: string, g: Tensor, along: (u: Tensor) => number, rng: Rng, o: Settings): ParamGradResult {
  let worst: ParamGradResult | null = null;
  for (let k = 0; k < o.directions; k++) {
    const u = unitDirection(g.shape, rng);
    const analytic = u.data.reduce((s, uk, i) => s + uk * g.data[i], 0);
    const numeric = along(u);
    const error = Math.abs(analytic - numeric);
    const scale = Math.max(Math.abs(analytic), Math.abs(numeric));
    const passed = error <= o.atol + o.rtol * scale;
    const relativeError = Number.isNaN(error) ? Infinity : scale === 0 ? 0 : error / scale;
    const result = { name, shape: g.shape, relativeError, absoluteError: error, analytic, numeric, passed };
    if (worst === null || (worst.passed && !passed) || (worst.passed === passed && relativeError > worst.relativeError)) worst = result;
  }
  return worst as ParamGradResult;
}

function unitDirection(shape: readonly number[], rng: Rng): Tensor {
  const u = tensor(shape);
  for (let i = 0; i < u.data.length; i++) u.data[i] = rng.normal();
  const norm = Math.sqrt(u.data.reduce((s, v) => s + v * v, 0));
  for (let i = 0; i < u.data.length; i++) u.data[i] /= norm;
  return u;
}

/**
 * Feeds for a compiled model at `batch`: its initial parameters (runtime/params/init.ts)
 * plus normal noise of standard deviation `jitter`, inputs uniform in [0, 1), and labels
 * one class per example (one-hot, or class indices for an i32 labels input).
 */
export function modelFeeds(model: CompiledModel, batch: number, seed: number, jitter = 0): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  const rng = new Rng((seed * 2654435761 + 17) >>> 0);
  for (const p of initializeParams([...model.paramInfo, ...model.stateInfo], seed)) {
    const t = tensor(p.shape, p.data);
    if (jitter > 0) for (let i = 0; i < t.data.length; i++) t.data[i] += jitter * rng.normal();
    feeds[p.name] = t;
  }
  const probs = model.training.nodes.find((n) => n.id === model.training.outputs.probs);
  const classes = Number(probs?.type.shape[probs.type.shape.length - 1] ?? 1);
  for (const input of model.training.nodes.filter((n) => n.op === 'input')) {
    feeds[String(input.attrs.name)] = input.attrs.name === 'labels' ? randomLabels(input, batch, classes, rng) : randomUniform(input, batch, rng);
  }
  return feeds;
}

function randomUniform(input: Node, batch: number, rng: Rng): Tensor {
  const t = tensor(bindShape(input.type.shape, batch));
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.next();
  return t;
}

/** One class per example: indices for i32 labels, else one-hot rows over the last axis. */
function randomLabels(input: Node, batch: number, classes: number, rng: Rng): Tensor {
  const shape = bindShape(input.type.shape, batch);
  const t = tensor(shape);
  if (input.type.dtype === 'i32') {
    for (let i = 0; i < t.data.length; i++) t.data[i] = rng.nextU32() % classes;
    return t;
  }
  const width = shape[shape.length - 1];
  const rows = t.data.length / width;
  for (let r = 0; r < rows; r++) t.data[r * width + (rng.nextU32() % width)] = 1;
  return t;
}

/**
 * The nodes of `graph` that depend on `param`, with every other value they read fed as a
 * fixed input (`fixed:%<id>`) holding its value at the base point. Evaluating only this
 * part is exact (the rest does not change with the param) and much faster; dropout masks
 * are among the fixed values, so every evaluation uses the same masks.
 */
export function dependentPart(graph: Graph, param: number, base: ReadonlyMap<number, Tensor>): { graph: Graph; feeds: Record<string, Tensor> } {
  const dependent = new Set<number>([param]);
  for (const n of graph.nodes) if (n.inputs.some((i) => dependent.has(i))) dependent.add(n.id);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const fixed = new Map<number, Node>();
  const feeds: Record<string, Tensor> = {};
  const fix = (i: number): void => {
    if (dependent.has(i) || fixed.has(i)) return;
    const value = base.get(i);
    if (!value) throw new Error(`no base value for %${i}`);
    const name = `fixed:%${i}`;
    fixed.set(i, { id: i, op: 'input', inputs: [], attrs: { name }, type: (byId.get(i) as Node).type });
    feeds[name] = value;
  };
  for (const n of graph.nodes) if (dependent.has(n.id)) n.inputs.forEach(fix);
  Object.values(graph.outputs).forEach(fix); // an output the param does not reach is a constant
  const nodes = [...fixed.values(), ...graph.nodes.filter((n) => dependent.has(n.id))];
  return { graph: eliminateDeadCode({ nodes, outputs: graph.outputs }), feeds };
}

/** The loss-only part of a training graph: what the finite differences evaluate. */
export function lossGraphOf(training: Graph): Graph {
  return eliminateDeadCode({ nodes: training.nodes, outputs: { loss: training.outputs.loss } });
}
