// The CPU Engine: the compiled training step (fused WebAssembly SIMD kernels) and the
// compiled inference graph, one program per batch size, with Keras' optimizer update on the
// parameter buffers in place.

import type { CompiledModel } from '../../../compiler/pipeline';
import { simplify } from '../../../compiler/passes/simplify';
import { fuse } from '../../../compiler/passes/fuse';
import { buildCpuProgram } from '../../../compiler/codegen/cpu/program';
import type { ConstraintSpec } from '../../../compiler/dsl/spec';
import type { BatchResult, Engine, NamedTensor, TrainingState } from '../../engine';
import { initializeParams } from '../../params/init';
import { applyConstraint } from '../../params/constraints';
import { applyUpdate, slotNames } from '../reference/optimizer';
import { countCorrect, modelIO } from '../io-shapes';
import { availableParallelism } from 'node:os';
import { ProgramRunner } from './program-runner';
import { loadAssembler } from '../../../compiler/codegen/cpu/wat/module';

type Mode = 'train' | 'infer';

export async function createCpuEngine(model: CompiledModel, seed: number, threads = availableParallelism()): Promise<Engine> {
  const io = modelIO(model);
  const fused = { train: fuse(simplify(model.training)), infer: fuse(simplify(model.forward)) };
  const runners = new Map<string, ProgramRunner>();
  const names = model.params.map((p) => String(p.attrs.name));
  // The parameters' home: plain arrays, copied into a program's memory when it runs.
  let params: NamedTensor[] = initializeParams(model.params, seed);
  const optimizerSlots = slotNames(model.spec.optimizer);
  let slots = new Map(optimizerSlots.map((s) => [s, params.map((p) => new Float32Array(p.data.length))]));
  let step = 0;
  let resident: ProgramRunner | null = null;

  await loadAssembler();
  // The model's batch size runs on every core; another size (a last, partial batch) is
  // compiled when first seen, synchronously, on one thread.
  const full = model.spec.fit.batchSize;
  for (const mode of ['train', 'infer'] as const) {
    runners.set(`${mode}:${full}`, await ProgramRunner.createThreaded(buildCpuProgram(fused[mode], full, threads)));
  }
  const get = (mode: Mode, batch: number): ProgramRunner => {
    const key = `${mode}:${batch}`;
    let r = runners.get(key);
    if (!r) {
      r = ProgramRunner.create(buildCpuProgram(fused[mode], batch, 1));
      runners.set(key, r);
    }
    return r;
  };
  const paramIds = (r: ProgramRunner): number[] => names.map((n) => r.program.graph.nodes.find((x) => x.op === 'param' && x.attrs.name === n)?.id ?? -1);
  const load = (r: ProgramRunner, x: Float32Array, labels: Float32Array, batch: number): void => {
    if (resident !== r) {
      paramIds(r).forEach((id, k) => { if (id >= 0) r.valueView(id).set(params[k].data); });
    }
    const g = r.program.graph;
    const input = (name: string): number => (g.nodes.find((n) => n.op === 'input' && n.attrs.name === name) as { id: number }).id;
    r.valueView(input('x')).set(x.subarray(0, batch * io.inputSize));
    r.valueView(input('labels')).set(labels.subarray(0, batch * io.labelSize));
  };
  const result = (r: ProgramRunner, labels: Float32Array, batch: number): BatchResult => ({
    loss: r.valueView(r.program.graph.outputs.loss)[0],
    correct: countCorrect(r.valueView(r.program.graph.outputs.probs), labels, batch, io),
  });

  const engine: Engine = {
    description: `cpu (WebAssembly SIMD, ${threads} thread${threads > 1 ? 's' : ''})`,
    inputSize: io.inputSize,
    labelSize: io.labelSize,
    trainStep(x, labels, batch, stepSeed) {
      const r = get('train', batch);
      load(r, x, labels, batch);
      r.run(stepSeed);
      step += 1;
      const ids = paramIds(r);
      const views = ids.map((id) => r.valueView(id));
      const grads = names.map((n) => r.valueView(r.program.graph.outputs[`grad:${n}`]));
      applyUpdate(model.spec.optimizer, views, grads, slots, step);
      model.params.forEach((node, k) => {
        const c = node.attrs.constraint as unknown as ConstraintSpec | undefined;
        if (c) applyConstraint(c, views[k], params[k].shape);
      });
      views.forEach((v, k) => params[k].data.set(v));
      resident = r;
      return result(r, labels, batch);
    },
    evaluate(x, labels, batch) {
      const r = get('infer', batch);
      load(r, x, labels, batch);
      resident = r;
      r.run(0);
      return result(r, labels, batch);
    },
    predict(x, batch) {
      const r = get('infer', batch);
      load(r, x, new Float32Array(batch * io.labelSize), batch);
      resident = r;
      r.run(0);
      return r.valueView(r.program.graph.outputs.probs).slice();
    },
    getState(): TrainingState {
      const slotTensors = [...slots].flatMap(([s, arrays]) => arrays.map((a, k) => ({ name: `${model.spec.optimizer.kind}.${s}:${params[k].name}`, shape: params[k].shape, data: a.slice() })));
      return { params: params.map((p) => ({ ...p, data: p.data.slice() })), slots: slotTensors, step };
    },
    setState(state) {
      params = model.params.map((node) => {
        const t = state.params.find((p) => p.name === String(node.attrs.name));
        if (!t) throw new Error(`state has no parameter ${String(node.attrs.name)}`);
        return { ...t, data: t.data.slice() };
      });
      slots = new Map(optimizerSlots.map((s) => [s, params.map((p) => {
        const t = state.slots.find((x) => x.name === `${model.spec.optimizer.kind}.${s}:${p.name}`);
        return t ? t.data.slice() : new Float32Array(p.data.length);
      })]));
      step = state.step;
      resident = null;
    },
    dispose() { for (const r of runners.values()) r.dispose(); runners.clear(); },
  };
  return engine;
}
