// Test helper: runs a model file's source for real (transpiled to CommonJS, with 'nnc'
// bound to the DSL), so tests can compare the front end with what running the file gives.
// Only call it on sources the front end accepted, or on sources the test wrote itself.

import { ts } from 'ts-morph';
import * as dsl from '../../../compiler/dsl/index';

export function runModelSource(source: string): unknown {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const module = { exports: {} as Record<string, unknown> };
  const requireNnc = (name: string): unknown => {
    if (name !== 'nnc') throw new Error(`model source required '${name}'`);
    return dsl;
  };
  new Function('require', 'module', 'exports', outputText)(requireNnc, module, module.exports);
  return module.exports.default;
}

/** The 1-based line and column of the first occurrence of `needle` in `source`. */
export function positionOf(source: string, needle: string): { line: number; column: number } {
  const index = source.indexOf(needle);
  if (index < 0) throw new Error(`positionOf: '${needle}' is not in the source`);
  const before = source.slice(0, index).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}
