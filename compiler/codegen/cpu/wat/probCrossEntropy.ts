// Keras' categorical cross-entropy on probabilities (a model whose output is not a softmax,
// e.g. sigmoid units): each row is divided by its sum, clipped to [1e-7, 1 - 1e-7], and the
// loss is -sum(target * log(p)), with sparse labels a one-hot target. One loss per row; the
// gradient is IR the loops compute. Rows are few and short, so thread 0 does it all.

import type { WatFunction } from './module';
import { callMath } from './math';
import { Locals, get, i32, set, kernelText } from './loopText';
import { f32Literal } from './mathLanes';
import { checkName, checkOffset } from './conv-geometry';

export interface ProbCrossEntropyParams {
  readonly name: string;
  readonly rows: number;
  readonly classes: number;
  /** Byte offset of the probabilities [rows, classes]. */
  readonly probs: number;
  /** Byte offset of the targets: [rows, classes] weights, or [rows] class indices stored as f32. */
  readonly targets: number;
  readonly labelKind: 'onehot' | 'sparse';
  /** Byte offset of the loss per row [rows]. */
  readonly output: number;
}

/** Keras' epsilon (ops/util/crossEntropy.ts). */
const EPSILON = 1e-7;

const f32 = (v: number): string => `(f32.const ${f32Literal(v)})`;

/** -log of probability `at` (a byte address) divided by the row's sum, clipped. */
function negLogClipped(p: ProbCrossEntropyParams, at: string): string {
  const q = `(f32.demote_f64 (f64.div (f64.promote_f32 (f32.load offset=${p.probs} ${at})) ${get('total')}))`;
  return `(f32.neg ${callMath('log', 'f32', `(f32.min (f32.max ${q} ${f32(EPSILON)}) ${f32(1 - EPSILON)})`)})`;
}

function rowLoss(p: ProbCrossEntropyParams): string[] {
  const at = `(i32.add ${get('row')} ${get('cb')})`;
  const overClasses = (body: string[]): string[] => [
    set('cb', i32(0)),
    '(loop $classes', ...body.map((s) => `  ${s}`),
    `  ${set('cb', `(i32.add ${get('cb')} ${i32(4)})`)}`,
    `  (br_if $classes (i32.lt_u ${get('cb')} ${i32(p.classes * 4)})))`,
  ];
  const sum = [set('total', '(f64.const 0)'), ...overClasses([set('total', `(f64.add ${get('total')} (f64.promote_f32 (f32.load offset=${p.probs} ${at})))`)])];
  if (p.labelKind === 'sparse') {
    return [
      ...sum,
      set('label', `(i32.trunc_sat_f32_s (f32.load offset=${p.targets} (i32.shl ${get('n')} ${i32(2)})))`),
      `(if (i32.ge_u ${get('label')} ${i32(p.classes)}) (then unreachable))`,
      set('loss', negLogClipped(p, `(i32.add ${get('row')} (i32.shl ${get('label')} ${i32(2)}))`)),
    ];
  }
  // Classes with a zero target are skipped, as the reference does (no 0 * log(0)).
  return [...sum, set('loss', f32(0)), ...overClasses([
    set('t', `(f32.load offset=${p.targets} ${at})`),
    `(if (f32.ne ${get('t')} ${f32(0)}) (then ${set('loss', `(f32.add ${get('loss')} (f32.mul ${get('t')} ${negLogClipped(p, at)}))`)}))`,
  ])];
}

export function emitProbCrossEntropy(p: ProbCrossEntropyParams): WatFunction {
  const where = `cross-entropy '${p.name}'`;
  checkName(p.name, where);
  if (!Number.isInteger(p.rows) || p.rows < 1 || !Number.isInteger(p.classes) || p.classes < 1) {
    throw new Error(`${where}: rows ${p.rows} and classes ${p.classes} must be positive integers`);
  }
  for (const [what, v] of Object.entries({ probs: p.probs, targets: p.targets, output: p.output })) checkOffset(v, what, where);
  const locals = new Locals();
  for (const n of ['n', 'row', 'cb', 'label']) locals.declare(n, 'i32');
  for (const n of ['t', 'loss']) locals.declare(n, 'f32');
  locals.declare('total', 'f64');
  return kernelText(p.name, locals, [
    '(if (local.get $tid) (then return))',
    set('n', i32(0)),
    '(loop $rows',
    `  ${set('row', `(i32.mul ${get('n')} ${i32(p.classes * 4)})`)}`,
    ...rowLoss(p).map((s) => `  ${s}`),
    `  (f32.store offset=${p.output} (i32.shl ${get('n')} ${i32(2)}) ${get('loss')})`,
    `  ${set('n', `(i32.add ${get('n')} ${i32(1)})`)}`,
    `  (br_if $rows (i32.lt_u ${get('n')} ${i32(p.rows)})))`,
  ]);
}
