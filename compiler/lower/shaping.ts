// Lowering of the layers that only change an example's shape or pool it whole: Keras'
// GlobalAveragePooling2D / GlobalMaxPooling2D (a mean or maximum over H and W) and Reshape
// (row-major, batch axis kept, one -1 inferred).

import type { GlobalPool2dSpec, ReshapeSpec } from '../dsl/spec';
import type { LayerContext } from './layers';

const REDUCTION: Readonly<Record<GlobalPool2dSpec['type'], string>> = {
  globalAveragePooling2d: 'reduceMean',
  globalMaxPooling2d: 'reduceMax',
};

export function lowerGlobalPool2d(ctx: LayerContext, x: number, l: GlobalPool2dSpec): number {
  const shape = ctx.b.type(x).shape;
  if (shape.length !== 4) throw new Error(`${l.type} needs an input of rank 4 [N,H,W,C], got [${shape}]`);
  return ctx.b.emit(REDUCTION[l.type], [x], { axes: [1, 2], keepDims: l.keepDims });
}

const shapeText = (dims: readonly (number | string)[]): string => `[${dims.join(',')}]`;

/** The target with its -1 resolved; throws naming the layer and both shapes when they do not fit. */
export function resolveTargetShape(name: string, input: readonly number[], target: readonly number[]): number[] {
  const size = input.reduce((a, d) => a * d, 1);
  const known = target.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
  const inferred = target.includes(-1);
  if (inferred ? size % known !== 0 : size !== known) {
    const why = inferred ? `: ${size} is not a multiple of ${known}` : ` (${known} values)`;
    throw new Error(`${name}: cannot reshape ${shapeText(input)} (${size} values per example) to ${shapeText(target)}${why}`);
  }
  return target.map((d) => (d === -1 ? size / known : d));
}

export function lowerReshape(ctx: LayerContext, x: number, l: ReshapeSpec): number {
  const input = ctx.b.type(x).shape.slice(1).map((d) => {
    if (d === 'N') throw new Error('reshape: an axis other than the first is the batch axis');
    return d;
  });
  return ctx.b.emit('reshape', [x], { shape: ['N', ...resolveTargetShape(ctx.name, input, l.targetShape)] });
}
