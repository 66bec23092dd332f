// Array and object literals, with spreads of arrays and objects read earlier in the file.
// Each element and property keeps the location it came from (through spreads too).

import { Node, type ArrayLiteralExpression, type ObjectLiteralExpression, type PropertyName } from 'ts-morph';
import { describeValue, type PathKey } from '../errors';
import { snippet } from './diagnostics';
import { leaf, type LocTree } from './loc-tree';
import type { Evaluated, Reader } from './reader';

export type Evaluate = (node: Node, depth: number) => Evaluated | null;

export function arrayLiteral(r: Reader, node: ArrayLiteralExpression, depth: number, evaluate: Evaluate): Evaluated | null {
  const values: unknown[] = [];
  const children = new Map<PathKey, LocTree>();
  let failed = false;
  for (const element of node.getElements()) {
    if (Node.isOmittedExpression(element)) {
      r.report(element, "an empty slot in an array ('[a, , b]') is not allowed in a model file");
      failed = true;
      continue;
    }
    const spread = Node.isSpreadElement(element);
    const item = evaluate(spread ? element.getExpression() : element, depth + 1);
    if (item === null) {
      failed = true;
    } else if (!spread) {
      if (!r.spend(1, element)) return null;
      children.set(values.length, item.tree);
      values.push(item.value);
    } else if (!Array.isArray(item.value)) {
      r.report(element, `only an array can be spread into an array; '${snippet(element.getExpression().getText())}' is ${describeValue(item.value)}`);
      failed = true;
    } else {
      if (!r.spend(item.value.length, element)) return null;
      const items: readonly unknown[] = item.value;
      items.forEach((value, i) => {
        children.set(values.length, item.tree.children.get(i) ?? leaf(r.locationOf(element)));
        values.push(value);
      });
    }
  }
  return failed ? null : { value: values, tree: { at: r.locationOf(node), children }, origin: null };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The key a property name denotes, or null (reported) for the kinds a model file may not use. */
function propertyKey(r: Reader, name: PropertyName): string | null {
  let key: string | null = null;
  if (Node.isIdentifier(name)) key = name.getText();
  else if (Node.isStringLiteral(name)) key = name.getLiteralValue();
  else if (Node.isNumericLiteral(name)) key = String(Number(name.compilerNode.text));
  if (key === null) return r.report(name, `computed or private property names ('${snippet(name.getText())}') are not allowed in a model file`);
  if (key === '__proto__') return r.report(name, "'__proto__' is not allowed as a property name in a model file");
  return key;
}

export function objectLiteral(r: Reader, node: ObjectLiteralExpression, depth: number, evaluate: Evaluate): Evaluated | null {
  const value: Record<string, unknown> = {};
  const children = new Map<PathKey, LocTree>();
  let failed = false;
  const put = (key: string, item: unknown, tree: LocTree): void => {
    value[key] = item;
    children.set(key, tree);
  };
  for (const property of node.getProperties()) {
    if (!r.spend(1, property)) return null;
    if (Node.isSpreadAssignment(property)) {
      const spread = evaluate(property.getExpression(), depth + 1);
      if (spread === null) failed = true;
      else if (!isPlainObject(spread.value)) {
        r.report(property, `only an object can be spread into an object; '${snippet(property.getExpression().getText())}' is ${describeValue(spread.value)}`);
        failed = true;
      } else {
        const source = spread.value;
        if (!r.spend(Object.keys(source).length, property)) return null;
        for (const key of Object.keys(source)) put(key, source[key], spread.tree.children.get(key) ?? leaf(r.locationOf(property)));
      }
      continue;
    }
    if (!Node.isPropertyAssignment(property) && !Node.isShorthandPropertyAssignment(property)) {
      r.report(property, `methods and accessors ('${snippet(property.getText())}') are not allowed in a model file`);
      failed = true;
      continue;
    }
    const key = propertyKey(r, property.getNameNode());
    const initializer = Node.isPropertyAssignment(property) ? property.getInitializer() : property.getNameNode();
    const item = initializer === undefined ? r.report(property, 'a property needs a value') : evaluate(initializer, depth + 1);
    if (key === null || item === null) failed = true;
    else put(key, item.value, { at: r.locationOf(property), children: item.tree.children });
  }
  return failed ? null : { value, tree: { at: r.locationOf(node), children }, origin: null };
}
