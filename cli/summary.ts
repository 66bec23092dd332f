// A Keras-style model summary: each layer, its output shape, its parameter count.

import type { CompiledModel } from '../compiler/pipeline';
import type { Shape } from '../compiler/ir/types';

function shapeText(s: Shape): string {
  return `(${s.map((d) => (d === 'N' ? 'None' : String(d))).join(', ')})`;
}

export function formatSummary(m: CompiledModel): string {
  const rows = m.layers.map((l) => [`${l.name} (${l.className})`, shapeText(l.outputShape), l.params.toLocaleString('en-US')]);
  const header = ['Layer (type)', 'Output Shape', 'Param #'];
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)) + 2);
  const line = (cells: string[]): string => cells.map((c, k) => (k === 2 ? c.padStart(widths[k]) : c.padEnd(widths[k]))).join('').trimEnd();
  const rule = (ch: string): string => ch.repeat(widths.reduce((a, b) => a + b, 0));
  // Keras counts state (batch norm's moving statistics) as non-trainable params.
  const nonTrainable = m.stateInfo.reduce((acc, s) => acc + s.shape.reduce((a, b) => a * b, 1), 0);
  return [
    `Model: "${m.spec.name}"`,
    rule('_'),
    line(header),
    rule('='),
    ...rows.map(line),
    rule('='),
    `Total params: ${m.paramCount.toLocaleString('en-US')}`,
    `Trainable params: ${(m.paramCount - nonTrainable).toLocaleString('en-US')}`,
    `Non-trainable params: ${nonTrainable.toLocaleString('en-US')}`,
  ].join('\n') + '\n';
}
