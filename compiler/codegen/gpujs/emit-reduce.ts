// Reductions: each output element loops over the input cells that fold into it, in
// row-major order (the reference's order), with literal loop bounds.

import { strides } from '../../ir/tensor';
import { reductionOf } from '../../ops/util/reduce';
import type { EmitArgs, GpuTensorArg } from './kernel';
import { linearIndex } from './layout';
import { renderNumber } from './render-scalar';
import type { SourceWriter } from './writer';

/**
 * Sum of `x` over its axes whose `kept` entry is null; a non-null entry is the identifier of
 * the output coordinate that input axis keeps. Returns the accumulator's identifier.
 */
export function sumOverAxes(w: SourceWriter, x: GpuTensorArg, kept: readonly (string | null)[]): string {
  return foldOverAxes(w, x, kept, 'sum');
}

/**
 * As sumOverAxes, folding with `+` or Math.max. The maximum starts from the block's first
 * cell (no infinity literal to get through GLSL); folding that cell again changes nothing.
 */
function foldOverAxes(w: SourceWriter, x: GpuTensorArg, kept: readonly (string | null)[], fold: 'sum' | 'max'): string {
  const s = strides(x.shape);
  const base = w.fresh('b');
  w.line(`const ${base} = ${linearIndex(kept.map((c, d) => [c ?? '0', c === null ? 0 : s[d]] as const))};`);
  const acc = w.fresh('acc');
  w.line(`let ${acc} = ${fold === 'sum' ? '0' : `${x.name}[${base}]`};`);
  const loopAxes = kept.flatMap((c, d) => (c === null && x.shape[d] > 1 ? [d] : []));
  const nest = (level: number, terms: (readonly [string, number])[]): void => {
    if (level === loopAxes.length) {
      const cell = `${x.name}[${linearIndex([[base, 1], ...terms])}]`;
      w.line(fold === 'sum' ? `${acc} += ${cell};` : `${acc} = Math.max(${acc}, ${cell});`);
      return;
    }
    const axis = loopAxes[level];
    w.loop('r', x.shape[axis], (r) => nest(level + 1, [...terms, [r, s[axis]]]));
  };
  nest(0, []);
  return acc;
}

/** Input axis -> output coordinate for reduceSum / reduceMean / reduceMax (null where reduced). */
function keptCoords(op: string, a: EmitArgs): { kept: (string | null)[]; count: number } {
  const x = a.inputs[0];
  const { axes, keepDims } = reductionOf(op, a.attrs, x.shape.length);
  let next = 0;
  const kept = x.shape.map((_, d) => {
    const reduced = axes.includes(d);
    const coord = reduced ? null : a.coords[keepDims ? d : next];
    if (!reduced) next++;
    return coord;
  });
  return { kept, count: axes.reduce((n, d) => n * x.shape[d], 1) };
}

export function emitReduceSum(a: EmitArgs): string {
  return sumOverAxes(a.w, a.inputs[0], keptCoords('reduceSum', a).kept);
}

export function emitReduceMean(a: EmitArgs): string {
  const { kept, count } = keptCoords('reduceMean', a);
  return `${sumOverAxes(a.w, a.inputs[0], kept)} / ${renderNumber(count)}`;
}

export function emitReduceMax(a: EmitArgs): string {
  return foldOverAxes(a.w, a.inputs[0], keptCoords('reduceMax', a).kept, 'max');
}

/** The adjoint of broadcasting: leading extra axes, and axes where the target is 1, fold. */
export function emitSumTo({ w, inputs: [x], out, coords }: EmitArgs): string {
  const offset = x.shape.length - out.length;
  const kept = x.shape.map((d, i) => {
    if (i < offset) return null;
    return out[i - offset] === 1 && d !== 1 ? null : coords[i - offset];
  });
  return sumOverAxes(w, x, kept);
}
