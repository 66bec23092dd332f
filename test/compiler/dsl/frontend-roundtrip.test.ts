// (a) Random specs printed as model files read back to the same spec, and to what running
// the printed file gives; locate() points at each layer and property in the printed text.

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseModelSource, formatDiagnostic } from '../../../compiler/dsl/frontend';
import { arbModelSpec, printModelSource } from '../../../testing/arbitraries/spec';
import { runModelSource } from './run-model';

function textAt(source: string, at: { line: number; column: number }): string {
  return source.split('\n')[at.line - 1].slice(at.column - 1);
}

describe('frontend round trip', () => {
  it('reads printed random specs back to the same spec', () => {
    fc.assert(
      fc.property(arbModelSpec(), fc.boolean(), (spec, hoist) => {
        const source = printModelSource(spec, { hoist });
        const result = parseModelSource(source, 'generated.ts');
        assert.ok(result.ok, result.ok ? '' : result.diagnostics.map(formatDiagnostic).join('\n'));
        assert.deepStrictEqual(result.spec, spec);
      }),
      { numRuns: 60 },
    );
  });

  it('agrees with running the printed file (transpiled, DSL bound to nnc)', () => {
    fc.assert(
      fc.property(arbModelSpec(), fc.boolean(), (spec, hoist) => {
        const source = printModelSource(spec, { hoist });
        const result = parseModelSource(source, 'generated.ts');
        assert.ok(result.ok);
        assert.deepStrictEqual(runModelSource(source), result.spec);
      }),
      { numRuns: 15 },
    );
  });

  it('reads 5e-324 and other exponent literals exactly (ts-morph getLiteralValue reads 5e-324 as 5)', () => {
    const spec = fc.sample(arbModelSpec('features'), { seed: 7, numRuns: 1 })[0];
    const tiny = { ...spec, fit: { ...spec.fit, validationSplit: 5e-324 }, optimizer: { kind: 'sgd' as const, learningRate: 2.5e-5, momentum: 1e-7, nesterov: false } };
    const result = parseModelSource(printModelSource(tiny), 'tiny.ts');
    assert.ok(result.ok && result.spec.fit.validationSplit === 5e-324);
    assert.deepStrictEqual(result.spec, tiny);
  });

  it('locates every layer and its first option in the printed source', () => {
    fc.assert(
      fc.property(arbModelSpec(), fc.boolean(), (spec, hoist) => {
        const source = printModelSource(spec, { hoist });
        const result = parseModelSource(source, 'generated.ts');
        if (!result.ok) return assert.fail('generated source did not parse');
        spec.layers.forEach((layer, i) => {
          const text = textAt(source, result.locate(['layers', i]));
          assert.ok(text.startsWith(hoist ? `layer${i}` : `${layer.type}(`), `layer ${i} located at '${text.slice(0, 20)}'`);
          const option = Object.keys(layer).find((k) => k !== 'type' && layer[k as keyof typeof layer] !== null);
          if (option !== undefined) assert.ok(textAt(source, result.locate(['layers', i, option])).startsWith(`${option}:`));
        });
        assert.ok(textAt(source, result.locate(['fit', 'seed'])).startsWith('seed:'));
      }),
      { numRuns: 30 },
    );
  });
});
