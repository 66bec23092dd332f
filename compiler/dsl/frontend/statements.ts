// The top level of a model file: named imports from 'nnc', const declarations, and
// `export default <model>`. Every other statement is reported at its node, never run.

import { Node, SyntaxKind, VariableDeclarationKind, ts, type ImportDeclaration, type Statement, type VariableStatement } from 'ts-morph';
import { closest } from '../suggest';
import { snippet } from './diagnostics';
import { evaluate } from './evaluate';
import type { Evaluated, Reader } from './reader';
import { DSL_FUNCTIONS, DSL_TYPE_NAMES } from './registry';

const ALLOWED = "a model file may contain only imports from 'nnc', const declarations and 'export default model({...})'";

export function readImport(r: Reader, node: ImportDeclaration): void {
  // A broken file can leave something other than a string literal where the module name
  // goes (`import { x } from dense`); ts-morph's module-specifier getters throw on that.
  const specifier = node.compilerNode.moduleSpecifier;
  if (!ts.isStringLiteral(specifier)) {
    r.report(node, `an import needs a module name in quotes: import { model } from 'nnc'`);
    for (const name of importedNames(node)) r.scope.set(name, { kind: 'broken' });
    return;
  }
  const from = specifier.text;
  if (from !== 'nnc') {
    r.report(node.getModuleSpecifier(), `import from '${snippet(from)}' is not allowed: ${ALLOWED}`);
    for (const name of importedNames(node)) r.scope.set(name, { kind: 'broken' });
    return;
  }
  const clause = node.getImportClause();
  if (clause === undefined) return;
  if (clause.getDefaultImport() !== undefined || clause.getNamespaceImport() !== undefined) {
    r.report(clause, "use named imports from 'nnc', as in: import { model, conv2d } from 'nnc'");
    for (const name of importedNames(node)) r.scope.set(name, { kind: 'broken' });
  }
  for (const specifier of clause.getNamedImports()) {
    const exported = specifier.getNameNode().getText();
    const local = specifier.getAliasNode()?.getText() ?? exported;
    const fn = DSL_FUNCTIONS.get(exported);
    if (clause.isTypeOnly() || specifier.isTypeOnly() || DSL_TYPE_NAMES.has(exported)) {
      r.scope.set(local, { kind: 'type', name: exported });
    } else if (fn !== undefined) {
      r.scope.set(local, { kind: 'function', name: exported, fn });
    } else {
      const near = closest(exported, [...DSL_FUNCTIONS.keys()]);
      r.report(specifier, `'nnc' has no export '${exported}'${near === null ? '' : ` (did you mean '${near}'?)`}`);
      r.scope.set(local, { kind: 'broken' });
    }
  }
}

function importedNames(node: ImportDeclaration): string[] {
  const clause = node.getImportClause();
  if (clause === undefined) return [];
  const names = clause.getNamedImports().map((s) => s.getAliasNode()?.getText() ?? s.getName());
  const single = clause.getDefaultImport() ?? clause.getNamespaceImport();
  return single === undefined ? names : [...names, single.getText()];
}

/** Marks every top-level const as declared-but-pending, so early uses say so. */
export function declareConsts(r: Reader, statements: readonly Statement[]): void {
  for (const statement of statements) {
    if (!Node.isVariableStatement(statement) || statement.getDeclarationKind() !== VariableDeclarationKind.Const) continue;
    for (const declaration of statement.getDeclarations()) {
      const name = declaration.getNameNode();
      if (Node.isIdentifier(name) && !r.scope.has(name.getText())) r.scope.set(name.getText(), { kind: 'pending' });
    }
  }
}

export function readConst(r: Reader, node: VariableStatement): void {
  if (node.getDeclarationKind() !== VariableDeclarationKind.Const) {
    r.report(node, `'${node.getDeclarationKind()}' is not allowed: declare values with 'const'`);
    return;
  }
  if (node.hasModifier(SyntaxKind.DeclareKeyword)) {
    r.report(node, `'declare' is not allowed: ${ALLOWED}`);
    return;
  }
  for (const declaration of node.getDeclarations()) {
    const name = declaration.getNameNode();
    const initializer = declaration.getInitializer();
    if (!Node.isIdentifier(name)) {
      r.report(name, 'destructuring is not allowed in a model file: bind one name per const');
    } else if (r.scope.get(name.getText())?.kind !== 'pending') {
      r.report(name, `'${name.getText()}' is already declared`);
    } else if (initializer === undefined) {
      r.report(name, `'${name.getText()}' has no value: write const ${name.getText()} = ...`);
      r.scope.set(name.getText(), { kind: 'const', result: null });
    } else {
      r.scope.set(name.getText(), { kind: 'const', result: evaluate(r, initializer) });
    }
  }
}

export function readDefaultExport(r: Reader, expression: Node): Evaluated | null {
  const result = evaluate(r, expression);
  if (result === null) return null;
  if (result.origin !== 'model') {
    return r.report(expression, `the default export must be a call to model({...}); '${snippet(expression.getText())}' is not`);
  }
  return result;
}

const STATEMENT_PHRASES: ReadonlyMap<SyntaxKind, string> = new Map([
  [SyntaxKind.ForStatement, 'a for loop'],
  [SyntaxKind.ForOfStatement, 'a for-of loop'],
  [SyntaxKind.ForInStatement, 'a for-in loop'],
  [SyntaxKind.WhileStatement, 'a while loop'],
  [SyntaxKind.DoStatement, 'a do-while loop'],
  [SyntaxKind.IfStatement, 'an if statement'],
  [SyntaxKind.SwitchStatement, 'a switch statement'],
  [SyntaxKind.TryStatement, 'a try statement'],
  [SyntaxKind.ThrowStatement, 'a throw statement'],
  [SyntaxKind.FunctionDeclaration, 'a function declaration'],
  [SyntaxKind.ClassDeclaration, 'a class declaration'],
  [SyntaxKind.ExpressionStatement, 'an expression statement'],
  [SyntaxKind.Block, 'a block'],
  [SyntaxKind.LabeledStatement, 'a labelled statement'],
  [SyntaxKind.ExportDeclaration, "an export list (use 'export default')"],
  [SyntaxKind.TypeAliasDeclaration, 'a type declaration'],
  [SyntaxKind.InterfaceDeclaration, 'an interface declaration'],
  [SyntaxKind.EnumDeclaration, 'an enum declaration'],
  [SyntaxKind.ModuleDeclaration, 'a namespace declaration'],
  [SyntaxKind.ImportEqualsDeclaration, "'import ... = require(...)'"],
]);

export function reportStatement(r: Reader, node: Statement): void {
  const phrase = STATEMENT_PHRASES.get(node.getKind()) ?? `a ${node.getKindName()}`;
  r.report(node, `${phrase} ('${snippet(node.getText())}') is not allowed: ${ALLOWED}`);
}
