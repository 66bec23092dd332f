// Pointwise kernels: elementwise and broadcast ops rendered from their ScalarExpr
// (broadcastTo among them: its expression is its input), the transpose gather, and fills
// (constant, shapeCount).

import type { ScalarExpr } from '../../ir/scalar';
import type { Attrs } from '../../ir/types';
import { strides } from '../../ir/tensor';
import { attrInts, attrNumber, attrAxes } from '../../ops/util/attrs';
import type { EmitArgs, GpuEmitter } from './kernel';
import { broadcastIndex, linearIndex } from './layout';
import { renderNumber, renderScalarGpu } from './render-scalar';

/**
 * Each input read at its broadcast position, then the op's scalar expression over them;
 * arguments after the inputs are the named float uniforms `uniforms`.
 */
export function pointwiseEmitter(scalarOf: (attrs: Attrs) => ScalarExpr, uniforms: readonly string[] = []): GpuEmitter {
  return ({ w, attrs, inputs, coords }) => {
    const values = inputs.map((input) => {
      const v = w.fresh('v');
      w.line(`const ${v} = ${input.name}[${broadcastIndex(coords, input.shape)}];`);
      return v;
    });
    return renderScalarGpu(scalarOf(attrs), [...values, ...uniforms]);
  };
}

/** out[o] = x[c] with c[perm[d]] = o[d]. */
export function emitTranspose({ attrs, inputs: [x], coords }: EmitArgs): string {
  const perm = attrInts('transpose', attrs, 'perm');
  const s = strides(x.shape);
  return `${x.name}[${linearIndex(perm.map((axis, d) => [coords[d], s[axis]] as const))}]`;
}

export function emitConstant({ attrs }: EmitArgs): string {
  return renderNumber(attrNumber('constant', attrs, 'value'));
}

/** A count of the input's concrete dims: a constant once the batch is bound. */
export function emitShapeCount({ attrs, inputs: [x] }: EmitArgs): string {
  const axes = attrAxes('shapeCount', attrs, x.shape.length);
  return renderNumber(axes.reduce((n, a) => n * x.shape[a], 1));
}
