import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { edgesOf, importSpecifiers, projectEdges, violations, type LayerRule } from './layers';

const ROOT = path.resolve(__dirname, '..', '..');
const COMPILER_PACKAGES = ['ts-morph', 'typescript', 'wabt'];

const RULES: readonly LayerRule[] = [
  { from: 'runtime', never: ['compiler', 'cli', 'testing', 'test', ...COMPILER_PACKAGES], why: 'the runtime runs compiled models without the compiler' },
  { from: 'compiler', never: ['runtime', 'cli', 'testing', 'test'], why: 'the compiler never reaches into the runtime or the commands' },
  { from: 'compiler/ir', never: ['compiler/passes', 'compiler/codegen', 'compiler/package'], why: 'the IR sits below the passes and code generators' },
  { from: 'compiler/ops', never: ['compiler/codegen', 'compiler/passes', 'compiler/package'], why: 'ops know nothing of code generation' },
  { from: 'testing', never: ['cli', 'test'], why: 'the testing kit ships without the commands and the tests' },
  { from: 'web', never: ['compiler', 'cli', 'testing', 'test', ...COMPILER_PACKAGES], why: 'the page runs the runtime, bundled for the browser' },
];

describe('architecture: the import graph', () => {
  it('reads every kind of import, types included', () => {
    const src = "import type { A } from '../x';\nimport { b } from \"y/z\";\nconst m = await import('./w');\nrequire('q');\nimport 'side';\nexport { c } from '../v';";
    assert.deepEqual(importSpecifiers(src).map((s) => [s.spec, s.line]), [['../x', 1], ['y/z', 2], ['./w', 3], ['q', 4], ['side', 5], ['../v', 6]]);
  });

  it('catches a forbidden arrow, with the file and line', () => {
    const edges = edgesOf(ROOT, path.join(ROOT, 'runtime/backends/cpu/x.ts'), "import type { Graph } from '../../../compiler/ir/types';\nimport wabt from 'wabt';");
    assert.deepEqual(violations(edges, RULES), [
      'runtime/backends/cpu/x.ts:1: imports compiler/ir/types (the runtime runs compiled models without the compiler)',
      'runtime/backends/cpu/x.ts:2: imports wabt (the runtime runs compiled models without the compiler)',
    ]);
  });

  it('has no forbidden arrow between compiler/, runtime/, format/, cli/, testing/ and web/', () => {
    assert.deepEqual(violations(projectEdges(ROOT, ['compiler', 'runtime', 'format', 'cli', 'testing', 'web']), RULES), []);
  });

  it('keeps format/ dependency-free: it imports only format/', () => {
    const outside = projectEdges(ROOT, ['format']).filter((e) => !e.to.startsWith('format/'));
    assert.deepEqual(outside.map((e) => `${e.from}:${e.line}: ${e.to}`), []);
  });
});
