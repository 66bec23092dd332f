// A LocTree mirrors an evaluated value: for each array element and object property, where
// in the source it came from. locate() walks a path down it as far as the source goes.

import type { Path, PathKey } from '../errors';
import type { SourceLocation } from './diagnostics';

export interface LocTree {
  readonly at: SourceLocation;
  readonly children: ReadonlyMap<PathKey, LocTree>;
}

export const NO_CHILDREN: ReadonlyMap<PathKey, LocTree> = new Map();

export function leaf(at: SourceLocation): LocTree {
  return { at, children: NO_CHILDREN };
}

/** The location of `path`, or of the deepest enclosing part of it that the source spells out. */
export function locate(tree: LocTree, path: Path): SourceLocation {
  let node = tree;
  for (const key of path) {
    const child = node.children.get(key) ?? node.children.get(String(key));
    if (child === undefined) break;
    node = child;
  }
  return node.at;
}
