// Row softmax, and softmax + categorical cross-entropy forward and backward in one kernel
// (the loss head's opaque nodes use it for the per-example loss). Numerically stable
// (the row maximum is subtracted before exp; the loss is log-sum-exp minus the label's logit).
// The work is N x C with C small, so thread 0 does it all in about 3*N*C scalar steps and the
// batch sums need no combine kernel; other threads return at once.

import type { WatFunction } from './module';
import { callMath } from './math';
import { Locals, get, i32, set, kernelText } from './loopText';
import { f32Literal } from './mathLanes';
import { checkName, checkOffset } from './conv-geometry';

export interface SoftmaxCrossEntropyParams {
  readonly name: string;
  readonly batch: number;
  readonly classes: number;
  /** Byte offset of the logits [N, C]. */
  readonly logits: number;
  /** Byte offset of the labels: [N, C] class weights (one-hot) or [N] class indices stored as f32. */
  readonly labels: number;
  readonly labelKind: 'onehot' | 'sparse';
  /** Optional outputs (byte offsets): loss per example [N], mean loss (f32), correct arg-max count (i32). */
  readonly lossPerExample?: number;
  readonly meanLoss?: number;
  readonly correct?: number;
  /** Softmax probabilities [N, C]. */
  readonly probs?: number;
  /** d(mean loss)/d(logits) [N, C] = (softmax * sum(labels) - labels) / N. */
  readonly dlogits?: number;
}

const f32 = (v: number): string => `(f32.const ${f32Literal(v)})`;
const zAt = (p: SoftmaxCrossEntropyParams): string => `(f32.load offset=${p.logits} (i32.add ${get('row')} ${get('cb')}))`;
const yAt = (p: SoftmaxCrossEntropyParams): string => `(f32.load offset=${p.labels} (i32.add ${get('row')} ${get('cb')}))`;

/** A loop of `$c` (and `$cb` = 4c) over the classes from `from`. */
function classLoop(p: SoftmaxCrossEntropyParams, from: number, body: string[]): string[] {
  if (from >= p.classes) return [];
  return [
    set('c', i32(from)), set('cb', i32(from * 4)),
    '(loop $classes', ...body.map((s) => `  ${s}`),
    `  ${set('c', `(i32.add ${get('c')} ${i32(1)})`)}`,
    `  ${set('cb', `(i32.add ${get('cb')} ${i32(4)})`)}`,
    `  (br_if $classes (i32.lt_u ${get('c')} ${i32(p.classes)})))`,
  ];
}

/** Pass 1: the logits' maximum and first arg-max; for one-hot labels also theirs and their sum. */
function maxPass(p: SoftmaxCrossEntropyParams): string[] {
  const first = [set('m', `(f32.load offset=${p.logits} ${get('row')})`), set('am', i32(0))];
  const body = [`(if (f32.gt ${get('z')} ${get('m')}) (then ${set('m', get('z'))} ${set('am', get('c'))}))`];
  if (p.labelKind === 'onehot') {
    first.push(set('ym', `(f32.load offset=${p.labels} ${get('row')})`), set('ay', i32(0)), set('sy', get('ym')));
    body.push(set('y', yAt(p)), set('sy', `(f32.add ${get('sy')} ${get('y')})`),
      `(if (f32.gt ${get('y')} ${get('ym')}) (then ${set('ym', get('y'))} ${set('ay', get('c'))}))`);
  }
  return [...first, ...classLoop(p, 1, [set('z', zAt(p)), ...body])];
}

/** Pass 2: s = sum exp(z - max), keeping each exp in the probability (or gradient) buffer. */
function expPass(p: SoftmaxCrossEntropyParams, buffer: number | undefined): string[] {
  const e = callMath('exp', 'f32', `(f32.sub ${zAt(p)} ${get('m')})`);
  const keep = buffer === undefined ? [] : [`(f32.store offset=${buffer} (i32.add ${get('row')} ${get('cb')}) ${get('e')})`];
  return [set('s', f32(0)), ...classLoop(p, 0, [set('e', e), set('s', `(f32.add ${get('s')} ${get('e')})`), ...keep])];
}

/** Pass 3: probabilities, gradient and (one-hot) the loss sum over classes. */
function outputPass(p: SoftmaxCrossEntropyParams, buffer: number | undefined): string[] {
  const at = `(i32.add ${get('row')} ${get('cb')})`;
  const body: string[] = [];
  if (p.labelKind === 'onehot') {
    body.push(set('y', yAt(p)), set('loss', `(f32.add ${get('loss')} (f32.mul ${get('y')} (f32.sub ${get('lse')} ${zAt(p)})))`));
  } else {
    body.push(set('y', `(f32.convert_i32_u (i32.eq ${get('c')} ${get('label')}))`));
  }
  if (buffer !== undefined) {
    body.push(set('e', `(f32.mul (f32.load offset=${buffer} ${at}) ${get('inv')})`));
    if (p.probs !== undefined) body.push(`(f32.store offset=${p.probs} ${at} ${get('e')})`);
    if (p.dlogits !== undefined) {
      const scaled = p.labelKind === 'onehot' ? `(f32.mul ${get('e')} ${get('sy')})` : get('e');
      body.push(`(f32.store offset=${p.dlogits} ${at} (f32.mul (f32.sub ${scaled} ${get('y')}) ${f32(1 / p.batch)}))`);
    }
  }
  const needsLoop = p.labelKind === 'onehot' || buffer !== undefined;
  return needsLoop ? classLoop(p, 0, body) : [];
}

function exampleBody(p: SoftmaxCrossEntropyParams): string[] {
  const buffer = p.probs ?? p.dlogits;
  const sparse = p.labelKind === 'sparse';
  const label = sparse ? [
    set('label', `(i32.trunc_sat_f32_s (f32.load offset=${p.labels} (i32.shl ${get('n')} ${i32(2)})))`),
    `(if (i32.ge_u ${get('label')} ${i32(p.classes)}) (then unreachable))`,
  ] : [];
  const loss = sparse
    ? set('loss', `(f32.sub ${get('lse')} (f32.load offset=${p.logits} (i32.add ${get('row')} (i32.shl ${get('label')} ${i32(2)}))))`)
    : set('loss', f32(0));
  return [
    set('row', `(i32.mul ${get('n')} ${i32(p.classes * 4)})`),
    ...label,
    ...maxPass(p),
    ...expPass(p, buffer),
    set('lse', `(f32.add ${get('m')} ${callMath('log', 'f32', get('s'))})`),
    set('inv', `(f32.div ${f32(1)} ${get('s')})`),
    loss,
    ...outputPass(p, buffer),
    set('total', `(f64.add ${get('total')} (f64.promote_f32 ${get('loss')}))`),
    ...(p.lossPerExample === undefined ? [] : [`(f32.store offset=${p.lossPerExample} (i32.shl ${get('n')} ${i32(2)}) ${get('loss')})`]),
    set('hits', `(i32.add ${get('hits')} (i32.eq ${get('am')} ${get(sparse ? 'label' : 'ay')}))`),
  ];
}

function validate(p: SoftmaxCrossEntropyParams): void {
  const fail = (what: string): never => { throw new Error(`softmax cross-entropy '${p.name}': ${what}`); };
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(p.name)) fail('name is not a plain identifier');
  if (!Number.isInteger(p.batch) || p.batch < 1) fail(`batch must be a positive integer, got ${p.batch}`);
  if (!Number.isInteger(p.classes) || p.classes < 1) fail(`classes must be a positive integer, got ${p.classes}`);
  for (const [what, v] of Object.entries({ logits: p.logits, labels: p.labels, lossPerExample: p.lossPerExample, meanLoss: p.meanLoss, correct: p.correct, probs: p.probs, dlogits: p.dlogits })) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v % 4 !== 0)) fail(`${what} offset ${v} is not a non-negative multiple of 4`);
  }
}

/** The fused forward + backward kernel; run it with any thread count (thread 0 does the work). */
export function emitSoftmaxCrossEntropy(p: SoftmaxCrossEntropyParams): WatFunction {
  validate(p);
  const locals = new Locals();
  for (const n of ['n', 'c', 'cb', 'row', 'am', 'ay', 'label', 'hits']) locals.declare(n, 'i32');
  for (const n of ['m', 'ym', 'sy', 'z', 'y', 'e', 's', 'lse', 'inv', 'loss']) locals.declare(n, 'f32');
  const total = locals.declare('total', 'f64');
  const body = [
    `(if (local.get $tid) (then return))`,
    set('n', i32(0)),
    '(loop $examples',
    ...exampleBody(p).map((s) => `  ${s}`),
    `  ${set('n', `(i32.add ${get('n')} ${i32(1)})`)}`,
    `  (br_if $examples (i32.lt_u ${get('n')} ${i32(p.batch)})))`,
    ...(p.meanLoss === undefined ? [] : [`(f32.store offset=${p.meanLoss} ${i32(0)} (f32.demote_f64 (f64.div ${get(total)} (f64.const ${p.batch}))))`]),
    ...(p.correct === undefined ? [] : [`(i32.store offset=${p.correct} ${i32(0)} ${get('hits')})`]),
  ];
  return kernelText(p.name, locals, body);
}

export interface RowSoftmaxParams {
  readonly name: string;
  readonly rows: number;
  /** The softmax axis: the last, contiguous one. */
  readonly cols: number;
  /** Byte offsets of x and y, both [rows, cols]. */
  readonly input: number;
  readonly output: number;
}

/** y = softmax(x) along each row, max-subtracted; thread 0 does it all (rows x cols is small). */
export function emitRowSoftmax(p: RowSoftmaxParams): WatFunction {
  const where = `softmax '${p.name}'`;
  checkName(p.name, where);
  if (!Number.isInteger(p.rows) || p.rows < 1 || !Number.isInteger(p.cols) || p.cols < 1) throw new Error(`${where}: rows ${p.rows} and cols ${p.cols} must be positive integers`);
  checkOffset(p.input, 'input', where);
  checkOffset(p.output, 'output', where);
  const locals = new Locals();
  for (const n of ['r', 'end', 'a']) locals.declare(n, 'i32');
  for (const n of ['m', 's', 'inv']) locals.declare(n, 'f32');
  const x = `(f32.load offset=${p.input} ${get('a')})`;
  const y = (v: string): string => `(f32.store offset=${p.output} ${get('a')} ${v})`;
  /** Loops $a over row $r's element byte offsets. */
  const overRow = (label: string, body: string[]): string[] => [
    set('a', get('r')),
    `(loop $${label}`, ...body.map((s) => `  ${s}`),
    `  ${set('a', `(i32.add ${get('a')} ${i32(4)})`)}`,
    `  (br_if $${label} (i32.lt_u ${get('a')} ${get('end')})))`,
  ];
  const row = [
    set('end', `(i32.add ${get('r')} ${i32(p.cols * 4)})`),
    set('m', `(f32.load offset=${p.input} ${get('r')})`),
    ...overRow('max', [set('m', `(f32.max ${get('m')} ${x})`)]),
    set('s', f32(0)),
    ...overRow('exp', [set('inv', callMath('exp', 'f32', `(f32.sub ${x} ${get('m')})`)), y(get('inv')), set('s', `(f32.add ${get('s')} ${get('inv')})`)]),
    set('inv', `(f32.div ${f32(1)} ${get('s')})`),
    ...overRow('scale', [y(`(f32.mul (f32.load offset=${p.output} ${get('a')}) ${get('inv')})`)]),
  ];
  const body = [
    `(if (local.get $tid) (then return))`,
    set('r', i32(0)),
    '(loop $rows',
    ...row.map((s) => `  ${s}`),
    `  ${set('r', get('end'))}`,
    `  (br_if $rows (i32.lt_u ${get('r')} ${i32(p.rows * p.cols * 4)})))`,
  ];
  return kernelText(p.name, locals, body);
}
