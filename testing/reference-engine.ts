// The reference Engine: runs the compiler's graphs on the float64 interpreter. Slow; it is
// the oracle the compiled backends are compared with, and it trains small models in tests.

import type { CompiledModel } from '../compiler/pipeline';
import { interpret } from '../compiler/ir/interpret';
import { tensor, type Tensor } from '../compiler/ir/tensor';
import type { BatchResult, Engine, NamedTensor, TrainingState } from '../runtime/engine';
import { initializeParams } from '../runtime/params/init';
import { applyConstraint } from '../runtime/params/constraints';
import { applyUpdate, slotNames } from '../runtime/params/optimizer';
import { scoreBatch } from '../runtime/backends/io-shapes';
import { stateOutput } from '../format/manifest';

/** What the float64 engine runs: the compiler's graphs (from a model file, or parsed back from a compiled model). */
export type ReferenceModel = Pick<CompiledModel, 'forward' | 'training' | 'paramInfo' | 'stateInfo' | 'io'> & { readonly spec: Pick<CompiledModel['spec'], 'optimizer'> };

export function createReferenceEngine(model: ReferenceModel, seed: number): Engine {
  const io = model.io;
  // Trainable params, then state (their seeds follow the params', as in every engine).
  const initial = initializeParams([...model.paramInfo, ...model.stateInfo], seed);
  let params = initial.slice(0, model.paramInfo.length);
  let state = initial.slice(model.paramInfo.length);
  const names = slotNames(model.spec.optimizer);
  let slots = new Map(names.map((s) => [s, params.map((p) => new Float32Array(p.data.length))]));
  let step = 0;

  const feeds = (x: Float32Array, labels: Float32Array, batch: number): Record<string, Tensor> => {
    const f: Record<string, Tensor> = {
      x: tensor([batch, ...io.inputShape], x.subarray(0, batch * io.inputSize)),
      labels: tensor(io.sparse ? [batch] : [batch, io.labelSize], labels.subarray(0, batch * io.labelSize)),
    };
    for (const p of [...params, ...state]) f[p.name] = tensor(p.shape, p.data);
    return f;
  };
  const result = (out: Record<string, Tensor>, labels: Float32Array, batch: number): BatchResult => ({
    loss: out.loss.data[0],
    ...scoreBatch(out.probs.data, labels, batch, io),
  });

  return {
    description: 'reference (float64 interpreter)',
    inputSize: io.inputSize,
    labelSize: io.labelSize,
    trainStep(x, labels, batch, stepSeed) {
      const { outputs } = interpret(model.training, feeds(x, labels, batch), { seed: stepSeed });
      step += 1;
      const grads = params.map((p) => outputs[`grad:${p.name}`].data);
      applyUpdate(model.spec.optimizer, params.map((p) => p.data), grads, slots, step);
      model.paramInfo.forEach((p, k) => {
        if (p.constraint) applyConstraint(p.constraint, params[k].data, params[k].shape);
      });
      state = state.map((s) => ({ ...s, data: Float32Array.from(outputs[stateOutput(s.name)].data) }));
      return result(outputs, labels, batch);
    },
    evaluate(x, labels, batch, out) {
      const { outputs } = interpret(model.forward, feeds(x, labels, batch));
      out?.set(outputs.probs.data);
      return result(outputs, labels, batch);
    },
    predict(x, batch) {
      const zeros = new Float32Array(batch * io.labelSize);
      return Float32Array.from(interpret(model.forward, feeds(x, zeros, batch)).outputs.probs.data);
    },
    getState(): TrainingState {
      const copy = (t: NamedTensor): NamedTensor => ({ ...t, data: t.data.slice() });
      const slotTensors = [...slots].flatMap(([s, arrays]) => arrays.map((a, k) => ({ name: `${model.spec.optimizer.kind}.${s}:${params[k].name}`, shape: params[k].shape, data: a.slice() })));
      return { params: [...params, ...state].map(copy), slots: slotTensors, step };
    },
    setState(s) {
      const find = (info: { readonly name: string }): NamedTensor => {
        const t = s.params.find((p) => p.name === info.name);
        if (!t) throw new Error(`state has no parameter ${info.name}`);
        return { ...t, data: t.data.slice() };
      };
      params = model.paramInfo.map(find);
      state = model.stateInfo.map(find);
      slots = new Map(names.map((slot) => [slot, params.map((p) => {
        const t = s.slots.find((x) => x.name === `${model.spec.optimizer.kind}.${slot}:${p.name}`);
        return t ? t.data.slice() : new Float32Array(p.data.length);
      })]));
      step = s.step;
    },
    dispose() { /* nothing held */ },
  };
}
