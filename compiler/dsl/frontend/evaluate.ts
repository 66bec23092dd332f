// Reads one expression of the accepted subset into a plain value, without running anything:
// literals, negative numbers, arrays, objects, const names, and calls of the DSL functions,
// which it makes itself with the values it read. Anything else is a diagnostic at its node.

import { Node, SyntaxKind, ts, type CallExpression, type Identifier, type NumericLiteral, type PrefixUnaryExpression } from 'ts-morph';
import { DslError, describeValue } from '../errors';
import { closest } from '../suggest';
import { snippet } from './diagnostics';
import { arrayLiteral, objectLiteral } from './collections';
import { leaf, locate, NO_CHILDREN, type LocTree } from './loc-tree';
import type { Evaluated, Reader } from './reader';
import { DSL_FUNCTIONS } from './registry';

const MAX_DEPTH = 100;

/** Wrappers the compiler erases: they do not change the value at run time. */
function unwrap(node: Node): Node | null {
  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isSatisfiesExpression(node)) return node.getExpression();
  if (Node.isTypeAssertion(node) || Node.isNonNullExpression(node)) return node.getExpression();
  return null;
}

/** A numeric literal's value. The compiler's normalised text, not ts-morph's getLiteralValue(), which reads 5e-324 as 5. */
function numericValue(node: NumericLiteral): number {
  return Number(node.compilerNode.text);
}

function literal(node: Node): { value: unknown } | null {
  if (Node.isNumericLiteral(node)) return { value: numericValue(node) };
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return { value: node.getLiteralValue() };
  if (Node.isTrueLiteral(node) || Node.isFalseLiteral(node)) return { value: node.getLiteralValue() };
  if (Node.isNullLiteral(node)) return { value: null };
  return null;
}

export function evaluate(r: Reader, node: Node, depth = 0): Evaluated | null {
  if (depth > MAX_DEPTH) return r.report(node, `expression nested more than ${MAX_DEPTH} levels deep`);
  const inner = unwrap(node);
  if (inner !== null) return evaluate(r, inner, depth + 1);
  const constant = literal(node);
  if (constant !== null) return { value: constant.value, tree: leaf(r.locationOf(node)), origin: null };
  const next = (child: Node, d: number): Evaluated | null => evaluate(r, child, d);
  if (Node.isPrefixUnaryExpression(node)) return negation(r, node, depth);
  if (Node.isIdentifier(node)) return reference(r, node);
  if (Node.isArrayLiteralExpression(node)) return arrayLiteral(r, node, depth, next);
  if (Node.isObjectLiteralExpression(node)) return objectLiteral(r, node, depth, next);
  if (Node.isCallExpression(node)) return call(r, node, depth);
  return r.report(node, notAllowed(node));
}

function negation(r: Reader, node: PrefixUnaryExpression, depth: number): Evaluated | null {
  const operator = node.getOperatorToken();
  if (operator !== SyntaxKind.MinusToken) return r.report(node, notAllowed(node, `the '${ts.tokenToString(operator) ?? '?'}' operator`));
  const operand = evaluate(r, node.getOperand(), depth + 1);
  if (operand === null) return null;
  if (typeof operand.value !== 'number') return r.report(node, `'-' applies only to numbers; '${snippet(node.getOperand().getText())}' is ${describeValue(operand.value)}`);
  return { value: -operand.value, tree: leaf(r.locationOf(node)), origin: null };
}

function unknownName(r: Reader, name: string): string {
  if (DSL_FUNCTIONS.has(name)) return `'${name}' is not imported: add it to the import from 'nnc'`;
  const near = closest(name, [...r.scope.keys()]);
  const hint = near === null ? '' : ` (did you mean '${near}'?)`;
  return `unknown name '${name}'${hint}: a model file can only use its own const bindings and what it imports from 'nnc'`;
}

function reference(r: Reader, node: Identifier): Evaluated | null {
  const name = node.getText();
  const binding = r.scope.get(name);
  if (binding === undefined) return r.report(node, unknownName(r, name));
  switch (binding.kind) {
    case 'broken': return null;
    case 'function': return r.report(node, `'${name}' is a function: call it, as in ${name}(...)`);
    case 'type': return r.report(node, `'${name}' is a type, not a value`);
    case 'pending': return r.report(node, `'${name}' is used before its declaration`);
    case 'const': {
      const bound = binding.result;
      return bound === null ? null : { value: bound.value, tree: { at: r.locationOf(node), children: bound.tree.children }, origin: bound.origin };
    }
  }
}

function unknownCall(r: Reader, node: CallExpression): string {
  const callee = node.getExpression();
  const text = snippet(callee.getText());
  const binding = Node.isIdentifier(callee) ? r.scope.get(text) : undefined;
  if (binding !== undefined) return `'${text}' is not a function imported from 'nnc'`;
  if (Node.isIdentifier(callee) && DSL_FUNCTIONS.has(text)) return unknownName(r, text);
  const near = Node.isIdentifier(callee) ? closest(text, [...DSL_FUNCTIONS.keys()]) : null;
  const hint = near === null ? '' : ` (did you mean '${near}'?)`;
  return `call to unknown function '${text}'${hint}: a model file may only call the functions it imports from 'nnc'`;
}

function call(r: Reader, node: CallExpression, depth: number): Evaluated | null {
  const callee = node.getExpression();
  const binding = Node.isIdentifier(callee) ? r.scope.get(callee.getText()) : undefined;
  if (binding?.kind === 'broken') return null;
  if (binding?.kind !== 'function') return r.report(callee, unknownCall(r, node));
  const { name, fn } = binding;
  const args = node.getArguments();
  if (args.length > fn.arity) return r.report(args[fn.arity], `${name}() takes ${fn.arity === 0 ? 'no arguments' : 'one argument'}`);
  if (args.length > 0 && Node.isSpreadElement(args[0])) return r.report(args[0], "spread arguments ('f(...x)') are not allowed in a model file");
  const argument = args.length > 0 ? evaluate(r, args[0], depth + 1) : undefined;
  if (argument === null) return null;
  const at = r.locationOf(node);
  let value: unknown;
  try {
    value = fn.invoke(argument?.value);
  } catch (error) {
    if (error instanceof DslError) return r.reportAt(locate(argument?.tree ?? leaf(at), error.path), error.message);
    return r.report(node, `${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const children: ReadonlyMap<string | number, LocTree> =
    argument === undefined ? NO_CHILDREN : fn.positional !== null ? new Map([[fn.positional, argument.tree]]) : argument.tree.children;
  return { value, tree: { at, children }, origin: name };
}

const PHRASES: ReadonlyMap<SyntaxKind, string> = new Map([
  [SyntaxKind.BinaryExpression, 'an operator expression'],
  [SyntaxKind.ConditionalExpression, "a conditional ('a ? b : c')"],
  [SyntaxKind.ArrowFunction, 'a function'],
  [SyntaxKind.FunctionExpression, 'a function'],
  [SyntaxKind.ClassExpression, 'a class'],
  [SyntaxKind.NewExpression, "'new'"],
  [SyntaxKind.PropertyAccessExpression, 'property access'],
  [SyntaxKind.ElementAccessExpression, 'element access'],
  [SyntaxKind.TemplateExpression, 'a template string with substitutions'],
  [SyntaxKind.TaggedTemplateExpression, 'a tagged template'],
  [SyntaxKind.PostfixUnaryExpression, "'++' or '--'"],
  [SyntaxKind.AwaitExpression, "'await'"],
  [SyntaxKind.TypeOfExpression, "'typeof'"],
  [SyntaxKind.DeleteExpression, "'delete'"],
  [SyntaxKind.VoidExpression, "'void'"],
  [SyntaxKind.RegularExpressionLiteral, 'a regular expression'],
  [SyntaxKind.BigIntLiteral, 'a bigint literal'],
  [SyntaxKind.ThisKeyword, "'this'"],
]);

function notAllowed(node: Node, what?: string): string {
  const phrase = what ?? PHRASES.get(node.getKind()) ?? `a ${node.getKindName()}`;
  return `${phrase} ('${snippet(node.getText())}') is not allowed in a model file: it may hold only literals, arrays, objects, const names and calls of the functions imported from 'nnc'`;
}
