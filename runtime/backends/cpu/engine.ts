// The CPU Engine: the compiled training step (fused WebAssembly SIMD kernels, the optimizer
// update included) and the compiled inference graph, one program per batch size. The
// training state lives in the memory of the program that ran last; switching programs
// (a partial last batch, evaluation) copies it, which happens a few times per epoch.

import { availableParallelism } from 'node:os';
import type { CompiledModel } from '../../../compiler/pipeline';
import { simplify } from '../../../compiler/passes/simplify';
import { fuse } from '../../../compiler/passes/fuse';
import { buildCpuProgram } from '../../../compiler/codegen/cpu/program';
import { loadAssembler } from '../../../compiler/codegen/cpu/wat/module';
import type { ConstraintSpec } from '../../../format/spec';
import type { BatchResult, Engine, NamedTensor, TrainingState } from '../../engine';
import { initializeParams } from '../../params/init';
import { applyConstraint } from '../../params/constraints';
import { applyUpdate, slotNames } from '../../params/optimizer';
import { countCorrect, modelIO } from '../io-shapes';
import { ProgramRunner } from './program-runner';
import { TrainingMemory } from './training-memory';

type Mode = 'train' | 'infer';

export async function createCpuEngine(model: CompiledModel, seed: number, threads = availableParallelism()): Promise<Engine> {
  const io = modelIO(model);
  const optimizer = model.spec.optimizer;
  const fused = { train: fuse(simplify(model.training)), infer: fuse(simplify(model.forward)) };
  const names = model.params.map((p) => String(p.attrs.name));
  const state = new TrainingMemory(initializeParams(model.params, seed), slotNames(optimizer));
  const runners = new Map<string, ProgramRunner>();
  const build = (mode: Mode, batch: number, t: number) => buildCpuProgram(fused[mode], batch, t, mode === 'train' ? optimizer : null);

  await loadAssembler();
  // The model's batch size runs on every core; another size (a last, partial batch) is
  // compiled when first seen, synchronously, on one thread.
  const full = model.spec.fit.batchSize;
  for (const mode of ['train', 'infer'] as const) runners.set(`${mode}:${full}`, await ProgramRunner.createThreaded(build(mode, full, threads)));
  const get = (mode: Mode, batch: number): ProgramRunner => {
    const key = `${mode}:${batch}`;
    let r = runners.get(key);
    if (!r) { r = ProgramRunner.create(build(mode, batch, 1)); runners.set(key, r); }
    return r;
  };
  const loadInputs = (r: ProgramRunner, x: Float32Array, labels: Float32Array, batch: number): void => {
    r.valueView(r.inputId('x')).set(x.subarray(0, batch * io.inputSize));
    r.valueView(r.inputId('labels')).set(labels.subarray(0, batch * io.labelSize));
  };
  const result = (r: ProgramRunner, labels: Float32Array, batch: number): BatchResult => ({
    loss: r.valueView(r.program.graph.outputs.loss)[0],
    correct: countCorrect(r.valueView(r.program.graph.outputs.probs), labels, batch, io),
  });
  const constraints = model.params.map((n) => n.attrs.constraint as unknown as ConstraintSpec | undefined);
  const constrained = constraints.some((c) => c !== undefined);
  const infer = (x: Float32Array, labels: Float32Array, batch: number): ProgramRunner => {
    const r = get('infer', batch);
    state.showParams(r, names);
    loadInputs(r, x, labels, batch);
    r.run(0);
    return r;
  };

  return {
    description: `cpu (WebAssembly SIMD, ${threads} thread${threads > 1 ? 's' : ''})`,
    inputSize: io.inputSize,
    labelSize: io.labelSize,
    trainStep(x, labels, batch, stepSeed) {
      const r = get('train', batch);
      state.moveTo(r, names);
      loadInputs(r, x, labels, batch);
      state.step += 1;
      const update = r.program.update;
      if (update) {
        r.writeF32(update.lrSlot, optimizer.learningRate);
        r.writeI32(update.stepSlot, state.step);
      }
      r.run(stepSeed);
      if (!update) {
        // No single-region layout (an unusual graph): update the buffers in place from JS.
        applyUpdate(optimizer, state.paramViews(r, names), names.map((n) => r.valueView(r.program.graph.outputs[`grad:${n}`])), state.slotViews(r), state.step);
      }
      if (constrained) state.paramViews(r, names).forEach((v, k) => { const c = constraints[k]; if (c) applyConstraint(c, v, state.shapes[k]); });
      return result(r, labels, batch);
    },
    evaluate(x, labels, batch) {
      return result(infer(x, labels, batch), labels, batch);
    },
    predict(x, batch) {
      return infer(x, new Float32Array(batch * io.labelSize), batch).valueView(model.forward.outputs.probs).slice();
    },
    getState(): TrainingState {
      const snapshot = state.snapshot(names);
      const slots: NamedTensor[] = [...snapshot.slots].flatMap(([s, arrays]) => arrays.map((a, k) => ({ name: `${optimizer.kind}.${s}:${names[k]}`, shape: state.shapes[k], data: a })));
      return { params: snapshot.params, slots, step: state.step };
    },
    setState(s) {
      const params = names.map((n) => {
        const t = s.params.find((p) => p.name === n);
        if (!t) throw new Error(`state has no parameter ${n}`);
        return t;
      });
      state.restore(params, (slot, k) => s.slots.find((t) => t.name === `${optimizer.kind}.${slot}:${names[k]}`)?.data ?? null, s.step);
    },
    dispose() { for (const r of runners.values()) r.dispose(); runners.clear(); },
  };
}
