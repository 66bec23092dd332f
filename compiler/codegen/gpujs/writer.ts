// A small builder for kernel source text: indented lines, blocks, and fresh local names.
// Names are the writer's own (a prefix and a counter), so no outside string becomes code.

import { checkIdentifier } from './render-scalar';

export class SourceWriter {
  private readonly out: string[] = [];
  private depth = 1;
  private counter = 0;

  /** A local name no other call returns, e.g. `acc3`. */
  fresh(prefix: string): string {
    return checkIdentifier(`${prefix}${this.counter++}`);
  }

  line(text: string): void {
    this.out.push(`${'  '.repeat(this.depth)}${text}`);
  }

  /** `header {` body `}`, e.g. a loop or an if. */
  block(header: string, body: () => void): void {
    this.line(`${header} {`);
    this.depth++;
    body();
    this.depth--;
    this.line('}');
  }

  /** `for (let i = 0; i < count; i++) { body(i) }` with a fresh loop variable and a literal bound
   * (a single pass is inlined with the variable bound to 0). */
  loop(prefix: string, count: number, body: (index: string) => void): void {
    if (!Number.isInteger(count) || count < 1) throw new Error(`gpu.js codegen: loop bound ${count} is not a positive integer`);
    const i = this.fresh(prefix);
    if (count === 1) {
      this.line(`const ${i} = 0;`);
      body(i);
      return;
    }
    this.block(`for (let ${i} = 0; ${i} < ${count}; ${i}++)`, () => body(i));
  }

  /** Runs `body` only where every condition holds (no `if` when there are none). */
  guard(conditions: readonly string[], body: () => void): void {
    if (conditions.length === 0) body();
    else this.block(`if (${conditions.join(' && ')})`, body);
  }

  text(): string {
    return this.out.join('\n');
  }
}
