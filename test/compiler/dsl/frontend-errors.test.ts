// (c) Each kind of bad model file gets a diagnostic at the exact line:column of the node at
// fault, with a message naming the problem; nothing in the file is ever run.

import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic, parseModelFile, parseModelSource, type Diagnostic } from '../../../compiler/dsl/frontend';
import { positionOf } from './run-model';

const IMPORTS = "import { model, conv2d, dense, dropout, flatten, maxPool2d, constant, prelu, adam, mnist } from 'nnc';";
const LAYERS = "conv2d({ filters: 4, kernelSize: 3 }),\n    flatten(),\n    dense({ units: 10, activation: 'softmax' }),";

interface Parts { imports?: string; before?: string; layers?: string; after?: string }

function source(parts: Parts): string {
  return [
    parts.imports ?? IMPORTS,
    parts.before ?? '',
    'export default model({',
    "  name: 'm',",
    '  input: [28, 28, 1],',
    `  layers: [\n    ${parts.layers ?? LAYERS}\n  ],`,
    "  loss: 'categoricalCrossentropy',",
    '  optimizer: adam(),',
    '  data: mnist(),',
    '});',
    parts.after ?? '',
  ].join('\n');
}

function diagnosticsOf(text: string): Diagnostic[] {
  const result = parseModelSource(text, 'bad.ts');
  assert.ok(!result.ok, 'expected diagnostics, the file was accepted');
  return result.diagnostics;
}

/** Exactly one diagnostic, at the first occurrence of `needle`, with a message matching `message`. */
function expectOne(text: string, needle: string, message: RegExp): void {
  const diagnostics = diagnosticsOf(text);
  assert.equal(diagnostics.length, 1, diagnostics.map(formatDiagnostic).join('\n'));
  const [d] = diagnostics;
  assert.deepEqual({ line: d.line, column: d.column }, positionOf(text, needle), formatDiagnostic(d));
  assert.equal(d.file, 'bad.ts');
  assert.match(d.message, message);
}

describe('frontend diagnostics', () => {
  it('accepts the base file the cases below break', () => {
    assert.ok(parseModelSource(source({}), 'good.ts').ok);
  });

  it('unknown layer function, imported: at the import, with a suggestion', () => {
    const text = source({ imports: IMPORTS.replace('dense,', 'dense, conv3d,'), layers: `conv3d({ filters: 4 }),\n    ${LAYERS}` });
    expectOne(text, 'conv3d', /'nnc' has no export 'conv3d' \(did you mean 'conv2d'\?\)/);
  });

  it('unknown layer function, not imported: at the call', () => {
    expectOne(source({ layers: `${LAYERS}\n    denze({ units: 3 }),` }), 'denze', /unknown function 'denze' \(did you mean 'dense'\?\)/);
  });

  it('DSL function used without importing it', () => {
    expectOne(source({ layers: `${LAYERS}\n    relu(),` }), 'relu()', /'relu' is not imported: add it to the import from 'nnc'/);
  });

  it('unknown option: at the property, with a suggestion', () => {
    expectOne(source({ layers: "conv2d({ filters: 4, kernelSize: 3, padd: 'same' })," }), 'padd:', /conv2d: unknown option 'padd' \(did you mean 'padding'\?\)/);
  });

  it('wrong option type: at the property', () => {
    expectOne(source({ layers: "conv2d({ filters: '4', kernelSize: 3 })," }), "filters: '4'", /conv2d: 'filters' must be a positive integer, got "4"/);
    expectOne(source({ layers: "conv2d({ filters: 4, kernelSize: 3, padding: 'full' })," }), 'padding:', /'padding' must be one of 'valid', 'same', got "full"/);
  });

  it('negative and fractional filter counts', () => {
    expectOne(source({ layers: 'conv2d({ filters: -8, kernelSize: 3 }),' }), 'filters: -8', /'filters' must be a positive integer, got -8/);
    expectOne(source({ layers: 'conv2d({ filters: 2.5, kernelSize: 3 }),' }), 'filters: 2.5', /'filters' must be a positive integer, got 2.5/);
  });

  it('a bad element of an option array: at the element', () => {
    expectOne(source({ layers: 'conv2d({ filters: 4, kernelSize: [3, 0] }),' }), '0] }', /'kernelSize\[1\]' must be a positive integer, got 0/);
  });

  it('missing required option: at the options object', () => {
    expectOne(source({ layers: "dense({ activation: 'relu' })," }), "{ activation: 'relu' }", /dense: missing required option 'units'/);
  });

  it('option out of range', () => {
    expectOne(source({ layers: `dropout({ rate: 1 }),\n    ${LAYERS}` }), 'rate: 1', /dropout: 'rate' must be a number in \[0, 1\), got 1/);
  });

  it('bad positional argument: at the argument', () => {
    expectOne(source({ layers: `prelu({ alphaInitializer: constant('a') }),\n    ${LAYERS}` }), "'a'", /constant: value must be a finite number, got "a"/);
  });

  it('too many arguments: at the first extra one', () => {
    const text = source({}).replace('data: mnist()', "data: mnist({}, 'x')");
    expectOne(text, "'x'", /mnist\(\) takes one argument/);
  });

  it('repeated layer name: at the second name', () => {
    const layers = "conv2d({ filters: 4, kernelSize: 3, name: 'c' }),\n    dense({ name: 'c', units: 3 }),";
    expectOne(source({ layers }), "name: 'c', units", /model: 'layers\[1\]\.name' repeats the layer name 'c'/);
  });

  it('a loop', () => {
    expectOne(source({ before: 'for (let i = 0; i < 3; i++) {}' }), 'for (', /a for loop \('for \(let i = 0; i < 3; i\+\+\) \{\}'\) is not allowed/);
  });

  it('a call to an unknown function', () => {
    expectOne(source({ before: 'const n = Math.max(1, 2);' }), 'Math.max', /call to unknown function 'Math\.max'/);
  });

  it('an import from another module', () => {
    expectOne(source({ imports: `${IMPORTS}\nimport { readFileSync } from 'fs';` }), "'fs'", /import from 'fs' is not allowed/);
  });

  it("require('fs').writeFileSync(...) at top level: reported, and the file is not written", () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-frontend-'));
    const target = join(dir, 'pwned.txt');
    try {
      const text = source({ before: `require('fs').writeFileSync(${JSON.stringify(target)}, 'pwned');` });
      expectOne(text, "require('fs')", /an expression statement \('require\('fs'\)\.writeFileSync\(.*is not allowed/);
      assert.ok(!existsSync(target), 'the model file was executed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('require in a const: at the call', () => {
    expectOne(source({ before: "const fs = require('fs');" }), 'require', /call to unknown function 'require'/);
  });

  it('process.exit() at top level', () => {
    expectOne(source({ before: 'process.exit(1);' }), 'process', /an expression statement \('process\.exit\(1\);'\) is not allowed/);
  });

  it('a function declaration', () => {
    expectOne(source({ before: 'function f() { return 1; }' }), 'function f', /a function declaration .* is not allowed/);
  });

  it('let and var', () => {
    expectOne(source({ before: 'let n = 3;' }), 'let n', /'let' is not allowed: declare values with 'const'/);
    expectOne(source({ before: 'var n = 3;' }), 'var n', /'var' is not allowed/);
  });

  it('a const without a value', () => {
    expectOne(source({ before: 'const a;' }), 'a;', /'a' has no value/);
  });

  it('operators other than negation', () => {
    expectOne(source({ layers: 'dense({ units: +3 }),' }), '+3', /the '\+' operator \('\+3'\) is not allowed/);
    expectOne(source({ layers: 'dense({ units: 2 * 5 }),' }), '2 * 5', /an operator expression \('2 \* 5'\) is not allowed/);
  });

  it('a template string with substitutions', () => {
    expectOne(source({ before: 'const n = 1;\nconst s = `conv${n}`;' }), '`conv', /a template string with substitutions .* is not allowed/);
  });

  it('an unknown identifier, with a suggestion', () => {
    expectOne(source({ before: 'const units = 10;', layers: 'flatten(),\n    dense({ units: unitz }),' }), 'unitz', /unknown name 'unitz' \(did you mean 'units'\?\)/);
  });

  it('a const used before its declaration', () => {
    expectOne(source({ before: 'const a = b;\nconst b = 1;' }), 'b;', /'b' is used before its declaration/);
  });

  it('a namespace import', () => {
    expectOne(source({ imports: `${IMPORTS}\nimport * as nnc from 'nnc';` }), '* as nnc', /use named imports from 'nnc'/);
  });

  it("'__proto__' as a key", () => {
    expectOne(source({ layers: `dense({ __proto__: null, units: 3 }),` }), '__proto__', /'__proto__' is not allowed as a property name/);
  });

  it('spreading a number into an array', () => {
    expectOne(source({ before: 'const n = 3;', layers: `...n,\n    ${LAYERS}` }), '...n', /only an array can be spread into an array; 'n' is 3/);
  });

  it('a syntax error, from the TypeScript parser', () => {
    expectOne(source({ before: 'const sizes = [1, 2;' }), ';\nexport', /syntax error: ',' expected/);
  });

  it('no default export: at the start of the file', () => {
    const diagnostics = diagnosticsOf(`${IMPORTS}\nconst a = 1;\n`);
    assert.deepEqual(diagnostics.map(formatDiagnostic), ["bad.ts:1:1: the model file has no 'export default model({...})'"]);
  });

  it('a default export that is not a model', () => {
    expectOne(`${IMPORTS}\nexport default dense({ units: 3 });\n`, 'dense(', /the default export must be a call to model\(\{\.\.\.\}\)/);
  });

  it('a missing file: one diagnostic naming it', () => {
    const path = join(tmpdir(), 'nnc-no-such-dir', 'missing-model.ts');
    const result = parseModelFile(path);
    assert.ok(!result.ok);
    assert.deepEqual(result.diagnostics, [{ file: path, line: 1, column: 1, message: `cannot read model file '${path}': no such file` }]);
  });

  it('two independent errors are reported together, in source order', () => {
    const text = source({ layers: "conv2d({ filters: -1, kernelSize: 3 }),\n    flatten(),\n    dense({ units: 0, activation: 'softmax' })," });
    const diagnostics = diagnosticsOf(text);
    assert.deepEqual(diagnostics.map((d) => [d.line, d.column]), [positionOf(text, 'filters: -1'), positionOf(text, 'units: 0')].map((p) => [p.line, p.column]));
    assert.match(diagnostics[0].message, /conv2d: 'filters'/);
    assert.match(diagnostics[1].message, /dense: 'units'/);
  });

  it('errors in separate statements are reported together', () => {
    const text = source({ before: 'let a = 1;\nprocess.exit();', layers: "dense({ units: 'x' })," });
    assert.deepEqual(diagnosticsOf(text).map((d) => d.line), [2, 3, 8]);
  });
});
