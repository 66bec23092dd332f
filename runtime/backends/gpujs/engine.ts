// The gpu.js Engine: the simplified training graph run as fused gpu.js kernels (see
// codegen/gpujs/fuse.ts) in pipeline mode (values stay textures between kernels; only the
// loss and the outputs come back each step), parameters updated on the GPU by
// double-buffered Adam kernels. Nodes
// without a gpu.js kernel (small host-side ops such as shapeCount) run their float64
// reference on the host. Dropout masks come from the same RNG sequence as every backend.

import type { GPU } from 'gpu.js';
import type { CompiledModel } from '../../../compiler/pipeline';
import type { Graph, Node } from '../../../compiler/ir/types';
import { bindShape, shapeSize } from '../../../compiler/ir/types';
import { simplify } from '../../../compiler/passes/simplify';
import { planGpuKernels } from '../../../compiler/codegen/gpujs/fuse';
import { getOp } from '../../../compiler/ops/index';
import { tensor } from '../../../compiler/ir/tensor';
import type { ConstraintSpec } from '../../../format/spec';
import type { BatchResult, Engine, TrainingState } from '../../engine';
import { initializeParams } from '../../params/init';
import { applyConstraint } from '../../params/constraints';
import { countCorrect, modelIO } from '../io-shapes';
import { Rng } from '../../../format/rng';
import { compileGpuNode, readGpuValue, type CompiledGpuNode, type GpuValue } from './kernels';
import { GpuAdamParam } from './adam';
import { createGpuContext } from './context';

type Step = { readonly value: number; readonly run: (values: Map<number, GpuValue>) => GpuValue };

/** One graph compiled for one batch size: its fused gpu.js kernels in order (host steps for ops without one). */
function compileGraph(gpu: GPU, graph: Graph, batch: number, kernels: CompiledGpuNode[]): Step[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  return planGpuKernels(graph, batch).map((s): Step => {
    if (s.kernel) {
      const k = compileGpuNode(gpu, s.kernel);
      kernels.push(k);
      return { value: s.value, run: (values) => k.run(s.inputs.map((i) => values.get(i) as GpuValue)) };
    }
    const node = byId.get(s.value) as Node;
    const outShape = bindShape(node.type.shape, batch);
    return {
      value: s.value,
      run: (values) => {
        const args = node.inputs.map((i) => tensor(bindShape((byId.get(i) as Node).type.shape, batch), readGpuValue(values.get(i) as GpuValue)));
        return Float32Array.from(getOp(node.op).evaluate(args, node.attrs, { outShape, batch, random: () => 0 }).data);
      },
    };
  });
}

export async function createGpuEngine(model: CompiledModel, seed: number): Promise<Engine | { reason: string }> {
  const ctx = createGpuContext();
  if (!ctx.ok) return { reason: ctx.reason };
  const optimizer = model.spec.optimizer;
  if (optimizer.kind !== 'adam') return { reason: `the gpu.js backend updates with Adam only; this model uses ${optimizer.kind}` };
  const gpu = ctx.gpu;
  const io = modelIO(model);
  const graphs = { train: simplify(model.training), infer: simplify(model.forward) };
  const kernels: CompiledGpuNode[] = [];
  const compiled = new Map<string, Step[]>();
  const stepsFor = (mode: 'train' | 'infer', batch: number): Step[] => {
    const key = `${mode}:${batch}`;
    let s = compiled.get(key);
    if (!s) { s = compileGraph(gpu, graphs[mode], batch, kernels); compiled.set(key, s); }
    return s;
  };
  const initial = initializeParams(model.params, seed);
  const names = initial.map((p) => p.name);
  const params = initial.map((p) => new GpuAdamParam(gpu, p.shape, { ...optimizer }, p.data));
  const constraints = model.params.map((n) => n.attrs.constraint as unknown as ConstraintSpec | undefined);
  let step = 0;

  const run = (mode: 'train' | 'infer', x: Float32Array, labels: Float32Array, batch: number, stepSeed: number): Map<number, GpuValue> => {
    const graph = graphs[mode];
    const values = new Map<number, GpuValue>();
    const rng = new Rng(stepSeed);
    for (const n of graph.nodes) {
      if (n.op === 'input') values.set(n.id, n.attrs.name === 'x' ? x.subarray(0, batch * io.inputSize) : labels.subarray(0, batch * io.labelSize));
      else if (n.op === 'param') values.set(n.id, params[names.indexOf(String(n.attrs.name))].value);
      else if (n.op === 'constant') values.set(n.id, new Float32Array(shapeSize(bindShape(n.type.shape, batch))).fill(Number(n.attrs.value)));
      else if (n.op === 'dropoutMask') {
        const rate = Number(n.attrs.rate);
        const mask = new Float32Array(shapeSize(bindShape(n.type.shape, batch)));
        rng.fillMask(mask, rate, 1 / (1 - rate));
        values.set(n.id, mask);
      }
    }
    for (const s of stepsFor(mode, batch)) values.set(s.value, s.run(values));
    return values;
  };
  const result = (graph: Graph, values: Map<number, GpuValue>, labels: Float32Array, batch: number): BatchResult => ({
    loss: readGpuValue(values.get(graph.outputs.loss) as GpuValue)[0],
    correct: countCorrect(readGpuValue(values.get(graph.outputs.probs) as GpuValue), labels, batch, io),
  });

  return {
    description: `gpu (gpu.js, ${ctx.kernelClass})`,
    inputSize: io.inputSize,
    labelSize: io.labelSize,
    trainStep(x, labels, batch, stepSeed) {
      const values = run('train', x, labels, batch, stepSeed);
      const out = result(graphs.train, values, labels, batch);
      step += 1;
      params.forEach((p, k) => {
        p.update(values.get(graphs.train.outputs[`grad:${names[k]}`]) as GpuValue, step);
        const c = constraints[k];
        if (c) {
          const s = p.readState();
          applyConstraint(c, s.param, p.shape);
          p.setState(s);
        }
      });
      return out;
    },
    evaluate(x, labels, batch) {
      return result(graphs.infer, run('infer', x, labels, batch, 0), labels, batch);
    },
    predict(x, batch) {
      const values = run('infer', x, new Float32Array(batch * io.labelSize), batch, 0);
      return readGpuValue(values.get(graphs.infer.outputs.probs) as GpuValue);
    },
    getState(): TrainingState {
      const states = params.map((p) => p.readState());
      return {
        params: states.map((s, k) => ({ name: names[k], shape: params[k].shape, data: s.param })),
        slots: [
          ...states.map((s, k) => ({ name: `adam.m:${names[k]}`, shape: params[k].shape, data: s.m })),
          ...states.map((s, k) => ({ name: `adam.v:${names[k]}`, shape: params[k].shape, data: s.v })),
        ],
        step,
      };
    },
    setState(s) {
      params.forEach((p, k) => {
        const find = (name: string): Float32Array | undefined => [...s.params, ...s.slots].find((t) => t.name === name)?.data;
        const param = find(names[k]);
        if (!param) throw new Error(`state has no parameter ${names[k]}`);
        p.setState({ param, m: find(`adam.m:${names[k]}`) ?? new Float32Array(param.length), v: find(`adam.v:${names[k]}`) ?? new Float32Array(param.length) });
      });
      step = s.step;
    },
    dispose() {
      for (const k of kernels) k.destroy();
      for (const p of params) p.destroy();
      gpu.destroy();
    },
  };
}
