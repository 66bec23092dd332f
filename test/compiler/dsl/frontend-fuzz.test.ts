// (b) Mutated seed models (tokens deleted, swapped, duplicated, replaced by garbage,
// truncation) and random text: the front end always answers, never throws, never hangs,
// and its diagnostics sit inside the file. What it accepts runs to the same spec.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ts } from 'ts-morph';
import { parseModelSource } from '../../../compiler/dsl/frontend';
import { runModelSource } from './run-model';

const SEEDS = ['mnist-prelu.ts', 'mnist-prelu-zeros.ts', 'mnist-relu.ts'].map((f) =>
  readFileSync(join(__dirname, '../../../models', f), 'utf8'));

/** The source cut into tokens, each with its leading whitespace and comments: joined, they are the source. */
function tokens(source: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, source);
  const pieces: string[] = [];
  while (scanner.scan() !== ts.SyntaxKind.EndOfFileToken) pieces.push(source.slice(scanner.getTokenFullStart(), scanner.getTokenEnd()));
  pieces.push(source.slice(scanner.getTokenFullStart()));
  return pieces;
}

const GARBAGE = [
  '(', ')', '{', '}', '[', ']', ',', ';', ':', '...', '-', '+', '*', '=', '=>', '?', '.', '`', '`${a}`', '"', "'", '\\', '/*', '//',
  'for', 'let', 'var', 'if', 'function', 'class', 'new', 'import', 'export', 'default', 'from', "'fs'", 'require', 'process',
  'conv3d', 'model', 'dense', 'x', '__proto__', 'undefined', 'NaN', '1e999', '0x', '-0', '2.5', '1n', 'true', 'null', '\n', '\u2028', '\r', '\ud800',
];

type Mutation =
  | { readonly kind: 'delete'; readonly i: number }
  | { readonly kind: 'swap'; readonly i: number; readonly j: number }
  | { readonly kind: 'duplicate'; readonly i: number }
  | { readonly kind: 'replace'; readonly i: number; readonly text: string }
  | { readonly kind: 'truncate'; readonly at: number };

const index = fc.nat({ max: 10_000 });
const arbMutation: fc.Arbitrary<Mutation> = fc.oneof(
  index.map((i): Mutation => ({ kind: 'delete', i })),
  fc.tuple(index, index).map(([i, j]): Mutation => ({ kind: 'swap', i, j })),
  index.map((i): Mutation => ({ kind: 'duplicate', i })),
  fc.tuple(index, fc.oneof(fc.constantFrom(...GARBAGE), fc.string({ maxLength: 4 }))).map(([i, text]): Mutation => ({ kind: 'replace', i, text: ` ${text}` })),
  index.map((at): Mutation => ({ kind: 'truncate', at })),
);

function mutate(pieces: readonly string[], m: Mutation): string[] {
  const out = [...pieces];
  if (out.length === 0) return out;
  if (m.kind === 'truncate') return out.slice(0, m.at % out.length);
  const i = m.i % out.length;
  if (m.kind === 'delete') out.splice(i, 1);
  else if (m.kind === 'duplicate') out.splice(i, 0, out[i]);
  else if (m.kind === 'replace') out[i] = m.text;
  else [out[i], out[m.j % out.length]] = [out[m.j % out.length], out[i]];
  return out;
}

const LINE_BREAK = /\r\n|[\r\n]/;

/** Parses `source` and checks the answer is well formed; returns it. */
function checkAnswer(source: string): ReturnType<typeof parseModelSource> {
  const started = performance.now();
  const result = parseModelSource(source, 'fuzz.ts');
  assert.ok(performance.now() - started < 5000, 'the front end took over 5 s');
  if (result.ok) {
    assert.equal(typeof result.spec.name, 'string');
    return result;
  }
  assert.ok(result.diagnostics.length > 0, 'ok: false without diagnostics');
  const lines = source.split(LINE_BREAK);
  for (const d of result.diagnostics) {
    assert.equal(d.file, 'fuzz.ts');
    assert.ok(d.line >= 1 && d.line <= lines.length, `line ${d.line} outside 1..${lines.length}`);
    assert.ok(d.column >= 1 && d.column <= lines[d.line - 1].length + 1, `column ${d.column} outside line ${d.line}`);
    assert.ok(d.message.length > 0 && !/[\r\n]/.test(d.message), `bad message '${d.message}'`);
    assert.ok(!d.message.startsWith('internal error'), d.message);
  }
  return result;
}

describe('frontend fuzzing', () => {
  it('splits the seed models into tokens that join back to the source', () => {
    for (const seed of SEEDS) assert.equal(tokens(seed).join(''), seed);
  });

  it('answers every mutation of the seed models with a spec or located diagnostics', () => {
    const seeds = SEEDS.map(tokens);
    fc.assert(
      fc.property(fc.nat({ max: 2 }), fc.array(arbMutation, { minLength: 1, maxLength: 4 }), (seed, mutations) => {
        const source = mutations.reduce(mutate, seeds[seed]).join('');
        const result = checkAnswer(source);
        if (result.ok) assert.deepStrictEqual(runModelSource(source), result.spec);
      }),
      { numRuns: 150 },
    );
  });

  it('answers random text and token soup without throwing', () => {
    // (fast-check's 'binary' unit is too slow to generate; graphemes plus a token soup cover odd text.)
    const soup = fc.array(fc.constantFrom(...GARBAGE, ' ', 'a', '0'), { maxLength: 60 }).map((parts) => parts.join(''));
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 200, unit: 'grapheme' }), soup), (source) => void checkAnswer(source)), { numRuns: 150 });
  });

  it('answers absurdly nested input with one diagnostic, not a stack overflow', () => {
    const result = checkAnswer(`import { model } from 'nnc';\nexport default model(${'['.repeat(5000)}${']'.repeat(5000)});\n`);
    assert.ok(!result.ok);
  });

  it('refuses to build huge values from doubling spreads instead of hanging', () => {
    const lines = ["import { model } from 'nnc';", 'const a0 = [1, 2];'];
    for (let i = 1; i <= 40; i++) lines.push(`const a${i} = [...a${i - 1}, ...a${i - 1}];`);
    const result = checkAnswer(`${lines.join('\n')}\nexport default model({ name: 'm', input: a40 });\n`);
    assert.ok(!result.ok && result.diagnostics.some((d) => d.message.includes('more than')));
  });
});
