// softmax and logSoftmax: each output element scans its lane (max, then the sum of
// exp(x - max)), the same stable formulation as the reference.

import { strides } from '../../ir/tensor';
import { attrAxis } from '../../ops/util/attrs';
import type { EmitArgs, GpuTensorArg } from './kernel';
import { linearIndex } from './layout';
import type { SourceWriter } from './writer';

export interface Lane {
  /** Flat index of the lane's first element. */
  readonly base: string;
  readonly stride: number;
  readonly length: number;
}

/** Declares the lane's max and log(sum(exp(x - max))); returns max + log(sum), the log-normaliser. */
export function logNormaliser(w: SourceWriter, x: GpuTensorArg, lane: Lane): string {
  const at = (k: string): string => `${x.name}[${linearIndex([[lane.base, 1], [k, lane.stride]])}]`;
  const max = w.fresh('m');
  w.line(`let ${max} = ${x.name}[${lane.base}];`);
  if (lane.length > 1) w.loop('k', lane.length, (k) => w.line(`${max} = Math.max(${max}, ${at(k)});`));
  const sum = w.fresh('s');
  w.line(`let ${sum} = 0;`);
  w.loop('k', lane.length, (k) => w.line(`${sum} += Math.exp(${at(k)} - ${max});`));
  const lse = w.fresh('lse');
  w.line(`const ${lse} = ${max} + Math.log(${sum});`);
  return lse;
}

/** The lane through this output element along `axis` of x (x has the output's shape). */
function laneAlong(w: SourceWriter, x: GpuTensorArg, coords: readonly string[], axis: number): Lane {
  const s = strides(x.shape);
  const base = w.fresh('b');
  w.line(`const ${base} = ${linearIndex(coords.map((c, d) => [c, d === axis ? 0 : s[d]] as const))};`);
  return { base, stride: s[axis], length: x.shape[axis] };
}

export function emitLogSoftmax({ w, attrs, inputs: [x], coords, flat }: EmitArgs): string {
  const lse = logNormaliser(w, x, laneAlong(w, x, coords, attrAxis('logSoftmax', attrs, x.shape.length)));
  return `${x.name}[${flat}] - ${lse}`;
}

export function emitSoftmax({ w, attrs, inputs: [x], coords, flat }: EmitArgs): string {
  const lse = logNormaliser(w, x, laneAlong(w, x, coords, attrAxis('softmax', attrs, x.shape.length)));
  return `Math.exp(${x.name}[${flat}] - ${lse})`;
}
