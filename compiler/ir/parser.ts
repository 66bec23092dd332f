// Parses the text printed by printer.ts back into a Graph (types are taken as written and
// checked against the ops' shape rules by `checkGraph`, not trusted blindly).

import type { AttrValue, Attrs, Dim, DType, Graph, Node } from './types';

export class IrParseError extends Error {
  override name = 'IrParseError';
}

class Cursor {
  pos = 0;
  constructor(readonly text: string, readonly line: number) {}
  fail(msg: string): never {
    throw new IrParseError(`line ${this.line}, column ${this.pos + 1}: ${msg}`);
  }
  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }
  peek(): string {
    this.skipSpace();
    return this.text[this.pos] ?? '';
  }
  eat(s: string): boolean {
    this.skipSpace();
    if (this.text.startsWith(s, this.pos)) { this.pos += s.length; return true; }
    return false;
  }
  expect(s: string): void {
    if (!this.eat(s)) this.fail(`expected '${s}'`);
  }
  match(re: RegExp): string | null {
    this.skipSpace();
    const m = re.exec(this.text.slice(this.pos));
    if (!m || m.index !== 0) return null;
    this.pos += m[0].length;
    return m[0];
  }
  done(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }
}

const WORD = /^[A-Za-z_][A-Za-z0-9_.:-]*/;
/** A bare key of a `{key: value}` map stops before ':' (see the printer's MAP_KEY). */
const MAP_KEY = /^[A-Za-z_][A-Za-z0-9_]*/;
const NUMBER = /^-?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/;
const STRING = /^"(?:[^"\\]|\\.)*"/;

function parseValue(c: Cursor): AttrValue {
  const ch = c.peek();
  if (ch === '[') {
    c.expect('[');
    const items: AttrValue[] = [];
    if (!c.eat(']')) {
      do items.push(parseValue(c)); while (c.eat(','));
      c.expect(']');
    }
    return items;
  }
  if (ch === '{') {
    c.expect('{');
    const obj: Record<string, AttrValue> = {};
    if (!c.eat('}')) {
      do {
        const key = c.match(MAP_KEY) ?? parseString(c);
        c.expect(':');
        obj[key] = parseValue(c);
      } while (c.eat(','));
      c.expect('}');
    }
    return obj;
  }
  if (ch === '"') return parseString(c);
  const num = c.match(NUMBER);
  if (num !== null) return Number(num);
  const word = c.match(WORD);
  if (word === null) return c.fail('expected a value');
  if (word === 'true') return true;
  if (word === 'false') return false;
  if (word === 'null') return null;
  if (c.text[c.pos] === '(') return parseKindObject(c, word);
  return word;
}

function parseKindObject(c: Cursor, kind: string): AttrValue {
  c.expect('(');
  const obj: Record<string, AttrValue> = { kind };
  if (!c.eat(')')) {
    do {
      const key = c.match(WORD) ?? c.fail('expected a field name');
      c.expect('=');
      obj[key] = parseValue(c);
    } while (c.eat(','));
    c.expect(')');
  }
  return obj;
}

function parseString(c: Cursor): string {
  const s = c.match(STRING);
  if (s === null) return c.fail('expected a string');
  return JSON.parse(s) as string;
}

function parseId(c: Cursor): number {
  const s = c.match(/^%\d+/);
  if (s === null) return c.fail('expected a value id like %3');
  return Number(s.slice(1));
}

function parseType(c: Cursor): { shape: Dim[]; dtype: DType } {
  const dtype = c.match(/^(f32|i32)/);
  if (dtype === null) return c.fail('expected a type like f32[N,10]');
  c.expect('[');
  const shape: Dim[] = [];
  if (!c.eat(']')) {
    do {
      if (c.eat('N')) shape.push('N');
      else {
        const d = c.match(/^\d+/);
        if (d === null) c.fail('expected a dimension');
        shape.push(Number(d));
      }
    } while (c.eat(','));
    c.expect(']');
  }
  return { shape, dtype: dtype as DType };
}

function parseNodeLine(c: Cursor): Node {
  const id = parseId(c);
  c.expect('=');
  const op = c.match(WORD) ?? c.fail('expected an op name');
  const inputs: number[] = [];
  if (c.eat('(')) {
    if (!c.eat(')')) {
      do inputs.push(parseId(c)); while (c.eat(','));
      c.expect(')');
    }
  }
  const attrs: Record<string, AttrValue> = {};
  while (c.peek() !== ':') {
    const key = c.match(WORD) ?? (c.peek() === '"' ? parseString(c) : c.fail('expected an attribute or \': type\''));
    c.expect('=');
    attrs[key] = parseValue(c);
  }
  c.expect(':');
  const type = parseType(c);
  if (!c.done()) c.fail('unexpected text after the type');
  return { id, op, inputs, attrs: attrs as Attrs, type };
}

function parseOutputs(c: Cursor): Record<string, number> {
  const outputs: Record<string, number> = {};
  while (!c.done()) {
    const name = c.peek() === '"' ? parseString(c) : (c.match(WORD) ?? c.fail('expected an output name'));
    c.expect('=');
    outputs[name] = parseId(c);
  }
  return outputs;
}

export function parseGraph(text: string): Graph {
  const nodes: Node[] = [];
  let outputs: Record<string, number> | undefined;
  text.split('\n').forEach((raw, k) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const c = new Cursor(line, k + 1);
    if (c.eat('outputs')) outputs = parseOutputs(c);
    else nodes.push(parseNodeLine(c));
  });
  if (!outputs) throw new IrParseError('missing the `outputs` line');
  return { nodes, outputs };
}
