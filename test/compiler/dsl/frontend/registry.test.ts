// The front end's list of importable names must match what compiler/dsl/index.ts exports.

import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { Node, Project } from 'ts-morph';
import * as dsl from '../../../../compiler/dsl/index';
import { DSL_FUNCTIONS, DSL_TYPE_NAMES } from '../../../../compiler/dsl/frontend/registry';

describe('DSL registry', () => {
  it('lists exactly the functions index.ts exports (DslError aside)', () => {
    const functions = Object.entries(dsl).filter(([name, v]) => typeof v === 'function' && name !== 'DslError').map(([name]) => name).sort();
    assert.deepStrictEqual([...DSL_FUNCTIONS.keys()].sort(), functions);
  });

  it('calls the real DSL function, with its arity', () => {
    assert.deepStrictEqual(DSL_FUNCTIONS.get('dense')?.invoke({ units: 3 }), dsl.dense({ units: 3 }));
    assert.deepStrictEqual(DSL_FUNCTIONS.get('constant')?.invoke(2), dsl.constant(2));
    assert.equal(DSL_FUNCTIONS.get('zeros')?.arity, 0);
    assert.equal(DSL_FUNCTIONS.get('mnist')?.arity, 1);
    assert.deepStrictEqual(DSL_FUNCTIONS.get('mnist')?.invoke(undefined), { kind: 'mnist' });
  });

  it('lists exactly the types and classes index.ts exports', () => {
    // No lib and no @types: only the DSL's own files are needed to resolve its exports, and it is 10x faster.
    const project = new Project({ compilerOptions: { noLib: true, types: [] } });
    const index = project.addSourceFileAtPath(join(__dirname, '../../../../compiler/dsl/index.ts'));
    project.resolveSourceFileDependencies();
    const typeNames = [...index.getExportedDeclarations()]
      .filter(([, declarations]) => declarations.every((d) => Node.isTypeAliasDeclaration(d) || Node.isInterfaceDeclaration(d) || Node.isClassDeclaration(d)))
      .map(([name]) => name)
      .sort();
    assert.deepStrictEqual([...DSL_TYPE_NAMES].sort(), typeNames);
  });
});
