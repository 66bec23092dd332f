// Gradient checking against the float64 reference: the analytic gradient (autodiff over
// the ops' rules, or any gradient graph a pass produced) versus central finite
// differences of the interpreter. Small tensors are checked element by element; large
// ones along random directions u, comparing <grad, u> with the difference quotient along
// u (JAX's check_grads). A non-scalar output y is reduced to sum(y * R) with a fixed
// random R. Tolerances follow PyTorch's gradcheck: |analytic - numeric| <= atol + rtol*|numeric|.
// Free of any test framework, so users can call it anywhere.

import { grad } from '../compiler/autodiff/grad';
import { GraphBuilder } from '../compiler/ir/builder';
import { eliminateDeadCode } from '../compiler/ir/graph';
import { interpret } from '../compiler/ir/interpret';
import { Rng } from '../format/rng';
import type { Tensor } from '../compiler/ir/tensor';
import { tensor } from '../compiler/ir/tensor';
import type { Attrs, DType, Graph, Node, TensorType } from '../compiler/ir/types';

export interface GradCheckOptions {
  /** Finite-difference step (default 1e-6). */
  readonly eps?: number;
  /** Absolute tolerance (default 1e-5). */
  readonly atol?: number;
  /** Relative tolerance (default 1e-3). */
  readonly rtol?: number;
  /** Seeds R, the directions, and the interpreter's RNG (dropout masks) (default 0). */
  readonly seed?: number;
  /** Tensors up to this many elements are checked element by element (default 64). */
  readonly maxElementwise?: number;
  /** Random directions for larger tensors (default 4). */
  readonly directions?: number;
}

export interface GraphCheckOptions extends GradCheckOptions {
  /** The output to differentiate (default `loss`, or the graph's only output). */
  readonly output?: string;
  /** Names of the inputs/params to check (default: every f32 param). */
  readonly wrt?: readonly string[];
}

export interface GradCheckEntry {
  /** The input or param name. */
  readonly name: string;
  readonly mode: 'elementwise' | 'directional';
  /** How many comparisons were made (elements or directions). */
  readonly checks: number;
  readonly maxAbsError: number;
  /** The worst comparison, relative to its allowance atol + rtol*|numeric| (<= 1 passes). */
  readonly worst: { readonly index: number; readonly analytic: number; readonly numeric: number; readonly ratio: number };
  readonly passed: boolean;
}

export interface GradCheckReport {
  readonly passed: boolean;
  readonly entries: readonly GradCheckEntry[];
}

/** A prepared check: the scalar objective graph, a graph computing its gradients, and the feeds. */
export interface GradCheckProblem {
  /** Has output OBJECTIVE, a scalar. */
  readonly objective: Graph;
  /** Has, for each target, the output named by `target.output`. */
  readonly gradients: Graph;
  readonly feeds: Readonly<Record<string, Tensor>>;
  readonly targets: readonly { readonly name: string; readonly output: string }[];
}

export const OBJECTIVE = 'gradcheck:objective';
const WEIGHTS = 'gradcheck:R';

const DEFAULTS = { eps: 1e-6, atol: 1e-5, rtol: 1e-3, seed: 0, maxElementwise: 64, directions: 4 };

/** Builds the objective (the output, reduced to a scalar if need be) and its autodiff gradients. */
export function prepareGradCheck(graph: Graph, feeds: Readonly<Record<string, Tensor>>, opts: GraphCheckOptions = {}): GradCheckProblem {
  const seed = opts.seed ?? DEFAULTS.seed;
  const outputId = chooseOutput(graph, opts.output);
  const targets = chooseTargets(graph, opts.wrt);
  const b = GraphBuilder.from(graph);
  const allFeeds: Record<string, Tensor> = { ...feeds };
  let objective = outputId;
  const outType = b.type(outputId);
  if (outType.shape.length > 0) {
    const concrete = interpret(graph, feeds, { seed }).values.get(outputId) as Tensor;
    allFeeds[WEIGHTS] = randomNormal(concrete.shape, new Rng(seed ^ 0x5eed));
    const weights = b.input(WEIGHTS, outType);
    objective = b.emit('reduceSum', [b.emit('mul', [outputId, weights])], { keepDims: false });
  }
  b.output(OBJECTIVE, objective);
  // Dead code goes, but a target the objective ignores stays (its gradient is zero).
  const kept = eliminateDeadCode({ nodes: b.build().nodes, outputs: { [OBJECTIVE]: objective, ...Object.fromEntries(targets.map((t) => [`%${t.id}`, t.id])) } });
  const forward: Graph = { nodes: kept.nodes, outputs: { [OBJECTIVE]: objective } };
  const gradients = grad(forward, objective, targets.map((t) => t.id));
  return {
    objective: forward,
    gradients,
    feeds: allFeeds,
    targets: targets.map((t) => ({ name: String(t.attrs.name), output: t.op === 'param' ? `grad:${String(t.attrs.name)}` : `grad:%${t.id}` })),
  };
}

/** Compares the problem's gradient graph with central differences of its objective. */
export function runGradCheck(problem: GradCheckProblem, opts: GradCheckOptions = {}): GradCheckReport {
  const o = { ...DEFAULTS, ...opts };
  const analytic = interpret(problem.gradients, problem.feeds, { seed: o.seed }).outputs;
  const rng = new Rng(o.seed ^ 0xd1ec);
  const entries = problem.targets.map((t) => {
    const g = analytic[t.output];
    if (!g) throw new Error(`gradient graph has no output '${t.output}'`);
    const f = (x: Tensor): number => interpret(problem.objective, { ...problem.feeds, [t.name]: x }, { seed: o.seed }).outputs[OBJECTIVE].data[0];
    return checkOne(t.name, problem.feeds[t.name], g, f, rng, o);
  });
  return { passed: entries.every((e) => e.passed), entries };
}

export function checkGraphGradients(graph: Graph, feeds: Readonly<Record<string, Tensor>>, opts: GraphCheckOptions = {}): GradCheckReport {
  return runGradCheck(prepareGradCheck(graph, feeds, opts), opts);
}

export interface OpCheckOptions extends GradCheckOptions {
  /** Dtype of each input (default f32); i32 inputs (labels) are fed but not checked. */
  readonly dtypes?: readonly DType[];
  /** Inputs whose first axis is declared as the symbolic batch N. */
  readonly batched?: readonly boolean[];
  /** Inputs not to check (still fed), e.g. a mask or a condition. */
  readonly constant?: readonly number[];
}

/** Checks one op's gradient rule: its inputs become graph inputs `in0`, `in1`, ... */
export function checkOpGradient(op: string, inputs: readonly Tensor[], attrs: Attrs = {}, opts: OpCheckOptions = {}): GradCheckReport {
  const { graph, feeds, wrt } = singleOpGraph(op, inputs, attrs, opts);
  return checkGraphGradients(graph, feeds, { ...opts, output: 'y', wrt });
}

/** The one-node graph checkOpGradient differentiates (exported for tests that alter it). */
export function singleOpGraph(op: string, inputs: readonly Tensor[], attrs: Attrs = {}, opts: OpCheckOptions = {}): { graph: Graph; feeds: Record<string, Tensor>; wrt: string[] } {
  const b = new GraphBuilder();
  const feeds: Record<string, Tensor> = {};
  const wrt: string[] = [];
  const ids = inputs.map((t, i) => {
    const name = `in${i}`;
    const dtype = opts.dtypes?.[i] ?? 'f32';
    const type: TensorType = { shape: t.shape.map((d, k) => (k === 0 && opts.batched?.[i] ? 'N' : d)), dtype };
    feeds[name] = t;
    if (dtype === 'f32' && !opts.constant?.includes(i)) wrt.push(name);
    return b.input(name, type);
  });
  b.output('y', b.emit(op, ids, attrs));
  return { graph: b.build(), feeds, wrt };
}

/** One line per entry, for assertion messages and logs. */
export function formatGradCheckReport(report: GradCheckReport): string {
  return report.entries.map((e) =>
    `${e.passed ? 'ok  ' : 'FAIL'} ${e.name}: ${e.checks} ${e.mode} checks, max |error| ${e.maxAbsError.toExponential(2)}; ` +
    `worst at ${e.worst.index}: analytic ${e.worst.analytic} vs numeric ${e.worst.numeric}`).join('\n');
}

function chooseOutput(graph: Graph, name: string | undefined): number {
  const names = Object.keys(graph.outputs);
  const chosen = name ?? (names.includes('loss') ? 'loss' : names.length === 1 ? names[0] : undefined);
  if (chosen === undefined || graph.outputs[chosen] === undefined) {
    throw new Error(`gradcheck: name the output to check (outputs: ${names.join(', ') || 'none'})`);
  }
  return graph.outputs[chosen];
}

function chooseTargets(graph: Graph, wrt: readonly string[] | undefined): Node[] {
  const sources = graph.nodes.filter((n) => (n.op === 'input' || n.op === 'param') && n.type.dtype === 'f32');
  if (!wrt) return sources.filter((n) => n.op === 'param');
  return wrt.map((name) => {
    const node = sources.find((n) => n.attrs.name === name);
    if (!node) throw new Error(`gradcheck: no f32 input or param named '${name}'`);
    return node;
  });
}

function randomNormal(shape: readonly number[], rng: Rng, scale = 1): Tensor {
  const t = tensor(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal() * scale;
  return t;
}

type Settings = typeof DEFAULTS;

function checkOne(name: string, x: Tensor, g: Tensor, f: (x: Tensor) => number, rng: Rng, o: Settings): GradCheckEntry {
  if (g.data.length !== x.data.length) throw new Error(`gradient of '${name}' has ${g.data.length} values for ${x.data.length}`);
  const elementwise = x.data.length <= o.maxElementwise;
  const checks = elementwise ? x.data.length : o.directions;
  const along = (u: Tensor): number => {
    const plus = tensor(x.shape, x.data.map((v, i) => v + o.eps * u.data[i]));
    const minus = tensor(x.shape, x.data.map((v, i) => v - o.eps * u.data[i]));
    return (f(plus) - f(minus)) / (2 * o.eps);
  };
  let maxAbsError = 0;
  let worst = { index: -1, analytic: 0, numeric: 0, ratio: 0 };
  for (let k = 0; k < checks; k++) {
    const u = elementwise ? tensor(x.shape) : randomNormal(x.shape, rng, 1 / Math.sqrt(x.data.length));
    if (elementwise) u.data[k] = 1;
    const numeric = along(u);
    const analytic = u.data.reduce((s, uk, i) => s + uk * g.data[i], 0);
    const error = Math.abs(analytic - numeric);
    const ratio = Number.isNaN(error) ? Infinity : error / (o.atol + o.rtol * Math.abs(numeric));
    maxAbsError = Math.max(maxAbsError, error);
    if (ratio > worst.ratio || worst.index < 0) worst = { index: k, analytic, numeric, ratio };
  }
  return { name, mode: elementwise ? 'elementwise' : 'directional', checks, maxAbsError, worst, passed: worst.ratio <= 1 };
}
