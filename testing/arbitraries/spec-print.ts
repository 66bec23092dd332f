// printModelSource: writes a ModelSpec back as a model file made of DSL calls, so tests can
// check that the front end reads what the DSL would build. Nested specs with a `kind`
// become calls of the function of that name; layers become calls of their `type`.

import type { LayerSpec, ModelSpec } from '../../format/spec';

export interface PrintOptions {
  /** Bind each layer to a const and spread them into `layers` (exercises names and spreads). */
  readonly hoist?: boolean;
}

function printNumber(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Printer {
  readonly imports = new Set<string>(['model']);

  value(v: unknown): string {
    if (typeof v === 'number') return printNumber(v);
    if (typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'boolean' || v === null) return String(v);
    if (Array.isArray(v)) return `[${v.map((item: unknown) => this.value(item)).join(', ')}]`;
    if (isRecord(v)) return typeof v.kind === 'string' ? this.kindCall(v.kind, v) : this.object(v, []);
    throw new Error(`printModelSource: cannot print ${typeof v}`);
  }

  /** `{ a: 1, b: 2 }` without `omit` keys and without null-valued keys (null is every such option's default). */
  object(v: object, omit: readonly string[]): string {
    const entries = Object.entries(v).filter(([k, item]: [string, unknown]) => !omit.includes(k) && item !== null);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, item]) => `${k}: ${this.value(item)}`).join(', ')} }`;
  }

  kindCall(kind: string, v: Readonly<Record<string, unknown>>): string {
    this.imports.add(kind);
    const rest = Object.keys(v).filter((k) => k !== 'kind');
    if (rest.length === 0) return `${kind}()`;
    if (kind === 'constant' || (kind === 'idx' && rest.length === 1)) return `${kind}(${this.value(v[rest[0]])})`;
    return `${kind}(${this.object(v, ['kind'])})`;
  }

  layer(layer: LayerSpec): string {
    this.imports.add(layer.type);
    const options = this.object(layer, ['type']);
    return `${layer.type}(${options === '{}' ? '' : options})`;
  }
}

export function printModelSource(spec: ModelSpec, options: PrintOptions = {}): string {
  const p = new Printer();
  const layers = spec.layers.map((layer) => p.layer(layer));
  const consts = options.hoist ? layers.map((text, i) => `const layer${i} = ${text};\n`).join('') : '';
  const layerList = options.hoist
    ? `[...layers]`
    : `[\n${layers.map((text) => `    ${text},\n`).join('')}  ]`;
  const body = [
    `  name: ${p.value(spec.name)},`,
    `  input: ${p.value(spec.input)},`,
    `  layers: ${layerList},`,
    `  loss: ${spec.fromLogits === true ? p.value({ kind: spec.loss, fromLogits: true }) : p.value(spec.loss)},`,
    `  optimizer: ${p.value(spec.optimizer)},`,
    `  metrics: ${p.value(spec.metrics)},`,
    `  fit: ${p.value(spec.fit)},`,
    `  data: ${p.value(spec.data)},`,
  ];
  const hoisted = options.hoist ? `${consts}const layers = [${layers.map((_, i) => `layer${i}`).join(', ')}];\n\n` : '';
  const imports = `import { ${[...p.imports].join(', ')} } from 'nnc';\n\n`;
  return `${imports}${hoisted}export default model({\n${body.join('\n')}\n});\n`;
}
