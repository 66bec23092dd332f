// The op table: every op the IR knows, by name. Adding an op = its file + one line here.
import type { OpDef } from './op';

const ALL: readonly OpDef[] = [];

const TABLE = new Map<string, OpDef>(ALL.map((op) => [op.name, op]));

export function getOp(name: string): OpDef {
  const op = TABLE.get(name);
  if (!op) throw new Error(`unknown op '${name}'`);
  return op;
}

export function hasOp(name: string): boolean {
  return TABLE.has(name);
}

export function allOps(): readonly OpDef[] {
  return ALL;
}
