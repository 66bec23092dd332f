// The state of reading one model file: its diagnostics, its top-level names, and a budget
// on the size of what it builds (spreads can double a value per line; reading must not hang).

import type { Node, SourceFile } from 'ts-morph';
import type { Diagnostic, SourceLocation } from './diagnostics';
import type { DslFunction } from './registry';
import type { LocTree } from './loc-tree';
import { LineMap } from './line-map';

/** A value read from the file, where it came from, and which DSL function made it (if one did). */
export interface Evaluated {
  readonly value: unknown;
  readonly tree: LocTree;
  readonly origin: string | null;
}

export type Binding =
  | { readonly kind: 'function'; readonly name: string; readonly fn: DslFunction }
  | { readonly kind: 'type'; readonly name: string }
  /** An import already reported as wrong: uses of it stay quiet. */
  | { readonly kind: 'broken' }
  /** null: its initializer had errors, already reported. */
  | { readonly kind: 'const'; readonly result: Evaluated | null }
  /** A const declared further down the file, not yet initialised. */
  | { readonly kind: 'pending' };

const MAX_VALUES = 100_000;

export class Reader {
  readonly diagnostics: Diagnostic[] = [];
  readonly scope = new Map<string, Binding>();
  private values = 0;
  private budgetReported = false;

  private readonly lines: LineMap;

  constructor(readonly sourceFile: SourceFile, readonly fileName: string) {
    this.lines = new LineMap(sourceFile.getFullText());
  }

  locationOf(node: Node): SourceLocation {
    return { file: this.fileName, ...this.lines.position(node.getStart()) };
  }

  /** Records a diagnostic at `node`; returns null so callers can `return r.report(...)`. */
  report(node: Node, message: string): null {
    return this.reportAt(this.locationOf(node), message);
  }

  reportAt(at: SourceLocation, message: string): null {
    this.diagnostics.push({ ...at, message: message.replace(/\s*\n\s*/g, ' ') });
    return null;
  }

  /** Counts `count` more array elements or properties; false (reported once) past the budget. */
  spend(count: number, node: Node): boolean {
    this.values += count;
    if (this.values <= MAX_VALUES) return true;
    if (!this.budgetReported) this.report(node, `the model file builds more than ${MAX_VALUES} values; model descriptions are small`);
    this.budgetReported = true;
    return false;
  }
}
