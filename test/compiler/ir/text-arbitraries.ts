// fast-check generators for the IR's text form: graphs whose nodes need not be well typed
// (the parser does not check ops), with attributes of every AttrValue form the printer
// writes: numbers (negative, exponents, -0), bare words, strings that need quotes,
// reserved words, nested lists and maps, `kind(...)` objects, null and booleans.

import fc from 'fast-check';
import type { AttrValue, Attrs, Dim, Graph, Node, TensorType } from '../../../compiler/ir/types';

/** Words the printer may leave unquoted (same pattern as the printer's). */
export const arbBareWord: fc.Arbitrary<string> = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.:-]{0,8}$/);

/** Strings that must be quoted, or that look like other values when unquoted. */
const arbTrickyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', 'true', 'false', 'null', 'N', '123', '-1', '1e5', 'a b', '"q"', 'x(y)', 'k=v', 'a,b', '[x]', '{}', '%3', 'tab\there', 'new\nline', 'back\\slash', 'ünï', 'a:'),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);

/** Object keys: anything except `__proto__` (which a plain object cannot hold as data). */
const arbKey: fc.Arbitrary<string> = fc.oneof(arbBareWord, arbTrickyString).filter((k) => k !== '__proto__');

const arbNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(-0, 0.25, -1.5e-7, 2.5e21, 5e-324, Number.MAX_VALUE, -Number.MIN_VALUE),
);

function objectOf(keys: fc.Arbitrary<string>, values: fc.Arbitrary<AttrValue>): fc.Arbitrary<{ [k: string]: AttrValue }> {
  return fc.array(fc.tuple(keys, values), { maxLength: 3 }).map((entries) => Object.fromEntries(entries));
}

const { value } = fc.letrec<{ value: AttrValue; list: AttrValue; map: AttrValue; kindObject: AttrValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    arbNumber, arbBareWord, arbTrickyString, fc.boolean(), fc.constant(null),
    tie('list'), tie('map'), tie('kindObject'),
  ),
  list: fc.array(tie('value'), { maxLength: 3 }),
  map: objectOf(arbKey, tie('value')),
  kindObject: fc.tuple(arbBareWord, objectOf(arbKey.filter((k) => k !== 'kind'), tie('value')))
    .map(([kind, rest]): AttrValue => ({ kind, ...rest })),
}));

export const arbAttrValue: fc.Arbitrary<AttrValue> = value;

export const arbAttrs: fc.Arbitrary<Attrs> = objectOf(arbKey, arbAttrValue);

const arbDim: fc.Arbitrary<Dim> = fc.oneof(fc.constant<Dim>('N'), fc.nat({ max: 300 }));

export const arbType: fc.Arbitrary<TensorType> = fc.record({
  shape: fc.array(arbDim, { maxLength: 4 }),
  dtype: fc.constantFrom('f32', 'i32' as const),
}, { noNullPrototype: true });

interface NodeDraft {
  readonly gap: number;
  readonly op: string;
  readonly picks: readonly number[];
  readonly attrs: Attrs;
  readonly type: TensorType;
}

const arbDraft: fc.Arbitrary<NodeDraft> = fc.record({
  gap: fc.nat({ max: 3 }),
  op: arbBareWord,
  picks: fc.array(fc.nat(), { maxLength: 3 }),
  attrs: arbAttrs,
  type: arbType,
}, { noNullPrototype: true });

/** Graphs in SSA form (ids increasing, possibly with gaps; inputs defined earlier). */
export const arbTextGraph: fc.Arbitrary<Graph> = fc
  .tuple(fc.array(arbDraft, { minLength: 1, maxLength: 6 }), fc.array(fc.tuple(arbKey, fc.nat()), { maxLength: 3 }))
  .map(([drafts, outs]) => {
    const nodes: Node[] = [];
    let id = 0;
    for (const d of drafts) {
      id += d.gap;
      const inputs = nodes.length === 0 ? [] : d.picks.map((p) => nodes[p % nodes.length].id);
      nodes.push({ id, op: d.op, inputs, attrs: d.attrs, type: d.type });
      id++;
    }
    const outputs = Object.fromEntries(outs.map(([name, p]) => [name, nodes[p % nodes.length].id]));
    return { nodes, outputs };
  });
