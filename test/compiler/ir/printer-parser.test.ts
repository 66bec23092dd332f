import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseGraph, IrParseError } from '../../../compiler/ir/parser';
import { printGraph, printValue } from '../../../compiler/ir/printer';
import { GraphBuilder } from '../../../compiler/ir/builder';
import type { Graph } from '../../../compiler/ir/types';
import { arbAttrValue, arbTextGraph } from './text-arbitraries';

function parseError(text: string): IrParseError {
  try {
    parseGraph(text);
  } catch (e) {
    assert.ok(e instanceof IrParseError, `expected an IrParseError, got ${String(e)}`);
    return e;
  }
  return assert.fail(`parsed without an error:\n${text}`);
}

describe('IR printer and parser', () => {
  it('round-trips random graphs: parseGraph(printGraph(g)) deep-equals g', () => {
    fc.assert(fc.property(arbTextGraph, (g) => {
      const text = printGraph(g);
      assert.deepStrictEqual(parseGraph(text), g, text);
    }), { numRuns: 300 });
  });

  it('prints every attribute value so that it parses back to the same value', () => {
    fc.assert(fc.property(arbAttrValue, (v) => {
      const g: Graph = { nodes: [{ id: 0, op: 'constant', inputs: [], attrs: { v }, type: { shape: [], dtype: 'f32' } }], outputs: { y: 0 } };
      assert.deepStrictEqual(parseGraph(printGraph(g)).nodes[0].attrs.v, v, printValue(v));
    }), { numRuns: 300 });
  });

  it('prints the forms the design shows: bare words, lists, kind objects and N', () => {
    const b = new GraphBuilder();
    const x = b.input('x', { shape: ['N', 28, 28, 1], dtype: 'f32' });
    const w = b.param('conv1.kernel', { shape: [3, 3, 1, 32], dtype: 'f32' }, { init: { kind: 'glorotUniform' } });
    const a = b.param('prelu1.alpha', { shape: [26, 26, 32], dtype: 'f32' }, { init: { kind: 'constant', value: 0.25 } });
    const y = b.emit('prelu', [b.emit('conv2d', [x, w], { strides: [1, 1], padding: 'valid' }), a]);
    b.output('probs', y);
    const text = printGraph(b.build());
    assert.equal(text, [
      '%0 = input name=x : f32[N,28,28,1]',
      '%1 = param init=glorotUniform() name=conv1.kernel : f32[3,3,1,32]',
      '%2 = param init=constant(value=0.25) name=prelu1.alpha : f32[26,26,32]',
      '%3 = conv2d(%0, %1) strides=[1,1] padding=valid : f32[N,26,26,32]',
      '%4 = prelu(%3, %2) : f32[N,26,26,32]',
      'outputs probs=%4',
      '',
    ].join('\n'));
    assert.deepStrictEqual(parseGraph(text), b.build());
  });

  it('quotes strings that would read back as something else', () => {
    assert.equal(printValue('true'), '"true"');
    assert.equal(printValue('12'), '"12"');
    assert.equal(printValue('a b'), '"a b"');
    assert.equal(printValue('valid'), 'valid');
    assert.equal(printValue({ kind: 'l1l2', l1: 0, l2: 1e-4 }), 'l1l2(l1=0, l2=0.0001)');
  });

  it('accepts blank lines and # comments', () => {
    const g = parseGraph('# a comment\n\n%0 = input name=x : f32[N,2]\n   \noutputs y=%0\n');
    assert.deepStrictEqual(g, { nodes: [{ id: 0, op: 'input', inputs: [], attrs: { name: 'x' }, type: { shape: ['N', 2], dtype: 'f32' } }], outputs: { y: 0 } });
  });

  describe('parse errors name the line and column', () => {
    const cases: readonly (readonly [string, string, RegExp])[] = [
      ['an unclosed input list', '%0 = input : f32[N,2]\n%1 = relu(%0 : f32[N,2]\noutputs y=%1\n', /^line 2, column 14: expected '\)'/],
      ['a bad dtype', '%0 = input : f64[N,2]\noutputs y=%0\n', /^line 1, column 14: expected a type like f32\[N,10\]/],
      ['a bad dimension', '%0 = input : f32[N,x]\noutputs y=%0\n', /^line 1, column 20: expected a dimension/],
      ['a missing value', '\n\n%0 = input a= : f32[2]\noutputs y=%0\n', /^line 3, column 15: expected a value/],
      ['an id without %', '%0 = input : f32[2]\n1 = relu(%0) : f32[2]\noutputs y=%0\n', /^line 2, column 1: expected a value id like %3/],
      ['text after the type', '%0 = input : f32[2] extra\noutputs y=%0\n', /^line 1, column 21: unexpected text after the type/],
      ['a bad output', '%0 = input : f32[2]\noutputs y=0\n', /^line 2, column 11: expected a value id/],
    ];
    for (const [what, text, message] of cases) {
      it(what, () => assert.match(parseError(text).message, message));
    }

    it('a missing outputs line', () => {
      assert.match(parseError('%0 = input : f32[2]\n').message, /missing the `outputs` line/);
    });
  });
});
