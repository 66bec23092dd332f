import { strict as assert } from 'node:assert';
import { parseModelSource } from '../../../compiler/dsl/frontend';

describe('front end: malformed imports', () => {
  // Regression: fuzzing (seed -1779423975) replaced the quoted module name with a bare word;
  // ts-morph's module-specifier getters threw, and the front end answered "internal error".
  it('a module name without quotes is a located diagnostic, not an internal error', () => {
    const r = parseModelSource("import { model } from dense;\nexport default model({});\n", 'bad.ts');
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(r.diagnostics.map((d) => [d.line, d.column]), [[1, 1]]);
    assert.match(r.diagnostics[0].message, /module name in quotes/);
    assert.ok(!r.diagnostics.some((d) => /internal error/.test(d.message)));
  });
});
