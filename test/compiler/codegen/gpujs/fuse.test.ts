import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { compileFile } from '../../../../compiler/pipeline';
import { simplify } from '../../../../compiler/passes/simplify';
import { planGpuKernels } from '../../../../compiler/codegen/gpujs/fuse';
import { getOp } from '../../../../compiler/ops/index';

function seedTraining(name: string) {
  const r = compileFile(path.join(__dirname, '../../../../models', `${name}.ts`));
  if (!r.ok) throw new Error(r.diagnostics.join('\n'));
  return simplify(r.model.training);
}

describe('codegen/gpujs fuse', () => {
  for (const name of ['mnist-prelu', 'mnist-relu']) {
    it(`${name}: every non-source node is computed by exactly one step, after the values it reads`, () => {
      const graph = seedTraining(name);
      const steps = planGpuKernels(graph, 4);
      const owner = new Map<number, number>();
      steps.forEach((s, k) => s.nodes.forEach((n) => {
        assert.ok(!owner.has(n), `%${n} is in two steps`);
        owner.set(n, k);
      }));
      const ready = new Set(graph.nodes.filter((n) => getOp(n.op).kind === 'source').map((n) => n.id));
      for (const n of graph.nodes) if (!ready.has(n.id)) assert.ok(owner.has(n.id), `%${n.id} ${n.op} is computed by no step`);
      for (const s of steps) {
        for (const i of s.inputs) assert.ok(ready.has(i), `step for %${s.value} reads %${i} before it is computed`);
        ready.add(s.value);
      }
      for (const id of Object.values(graph.outputs)) assert.ok(ready.has(id));
    });
  }

  it('fuses conv2d with its bias add, and PReLU\'s backward chain into one kernel', () => {
    const graph = seedTraining('mnist-prelu');
    const ops = (ids: readonly number[]) => ids.map((id) => graph.nodes.find((n) => n.id === id)?.op);
    const steps = planGpuKernels(graph, 4).map((s) => ops(s.nodes));
    assert.ok(steps.some((o) => o[0] === 'conv2d' && o.includes('add')), 'conv2d + add');
    assert.ok(steps.some((o) => o.includes('where') && o.includes('greater') && o.includes('mul')), 'dx = where(x > 0, dy, alpha dy)');
    assert.ok(steps.length < graph.nodes.length / 2 + 10, `${steps.length} steps for ${graph.nodes.length} nodes`);
  });
});
