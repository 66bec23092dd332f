// A real, tiny Engine for the training-loop tests: softmax regression with input dropout,
// trained by Adam on Float32Arrays. It learns for real, draws its dropout masks from the
// step's seed (so seeds matter for reproducibility), and keeps its state in float32 exactly
// as a compiled engine would, so bit-identical resume can be checked on it.

import type { BatchResult, Engine, NamedTensor, TrainingState } from '../../../runtime/engine';
import { Rng } from '../../../format/rng';

export interface SoftmaxEngineOptions {
  readonly inputSize: number;
  readonly classes: number;
  readonly sparseLabels?: boolean;
  readonly learningRate?: number;
  readonly dropout?: number;
  readonly initSeed?: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7;

export class SoftmaxEngine implements Engine {
  readonly description = 'test double: softmax regression, Adam';
  readonly inputSize: number;
  readonly labelSize: number;
  private readonly classes: number;
  private readonly lr: number;
  private readonly dropout: number;
  private kernel: Float32Array;
  private bias: Float32Array;
  private slots: Float32Array[];
  private step = 0;
  /** Every call's batch size, so tests can see partial batches. */
  readonly batchSizes: number[] = [];

  constructor(opts: SoftmaxEngineOptions) {
    this.inputSize = opts.inputSize;
    this.classes = opts.classes;
    this.labelSize = opts.sparseLabels ? 1 : opts.classes;
    this.lr = opts.learningRate ?? 0.05;
    this.dropout = opts.dropout ?? 0.1;
    const rng = new Rng(opts.initSeed ?? 7);
    this.kernel = Float32Array.from({ length: this.inputSize * this.classes }, () => (rng.next() - 0.5) * 0.2);
    this.bias = new Float32Array(this.classes);
    this.slots = [0, 1, 2, 3].map((i) => new Float32Array(i < 2 ? this.kernel.length : this.classes));
  }

  trainStep(x: Float32Array, labels: Float32Array, batch: number, seed: number): BatchResult {
    this.checkBatch(x, labels, batch);
    this.batchSizes.push(batch);
    const keep = this.dropoutMask(x.length, seed);
    const { loss, correct, probs } = this.forward(x, labels, batch, keep);
    const dKernel = new Float64Array(this.kernel.length);
    const dBias = new Float64Array(this.classes);
    for (let b = 0; b < batch; b++) {
      for (let c = 0; c < this.classes; c++) {
        const d = (probs[b * this.classes + c] - this.target(labels, b, c)) / batch;
        dBias[c] += d;
        for (let i = 0; i < this.inputSize; i++) dKernel[i * this.classes + c] += d * this.input(x, keep, b, i);
      }
    }
    this.step++;
    this.adam(this.kernel, dKernel, this.slots[0], this.slots[1]);
    this.adam(this.bias, dBias, this.slots[2], this.slots[3]);
    return { loss, correct };
  }

  evaluate(x: Float32Array, labels: Float32Array, batch: number, outputs?: Float32Array): BatchResult {
    this.checkBatch(x, labels, batch);
    this.batchSizes.push(batch);
    const { loss, correct, probs } = this.forward(x, labels, batch, null);
    outputs?.set(probs);
    return { loss, correct };
  }

  predict(x: Float32Array, batch: number): Float32Array {
    return Float32Array.from(this.forward(x, new Float32Array(batch * this.labelSize), batch, null).probs);
  }

  getState(): TrainingState {
    const names = ['adam.m:dense.kernel', 'adam.v:dense.kernel', 'adam.m:dense.bias', 'adam.v:dense.bias'];
    return {
      params: [this.tensor('dense.kernel', [this.inputSize, this.classes], this.kernel), this.tensor('dense.bias', [this.classes], this.bias)],
      slots: this.slots.map((s, i) => this.tensor(names[i], [s.length], s)),
      step: this.step,
    };
  }

  setState(state: TrainingState): void {
    this.kernel = Float32Array.from(state.params[0].data);
    this.bias = Float32Array.from(state.params[1].data);
    this.slots = state.slots.map((s) => Float32Array.from(s.data));
    this.step = state.step;
  }

  dispose(): void {
    this.batchSizes.length = 0;
  }

  private tensor(name: string, shape: number[], data: Float32Array): NamedTensor {
    return { name, shape, data: Float32Array.from(data) };
  }

  private checkBatch(x: Float32Array, labels: Float32Array, batch: number): void {
    if (x.length !== batch * this.inputSize || labels.length !== batch * this.labelSize) {
      throw new Error(`batch of ${batch}: got ${x.length} inputs and ${labels.length} labels`);
    }
  }

  private dropoutMask(size: number, seed: number): Float32Array {
    const rng = new Rng(seed);
    const scale = 1 / (1 - this.dropout);
    return Float32Array.from({ length: size }, () => (rng.next() < this.dropout ? 0 : scale));
  }

  private input(x: Float32Array, keep: Float32Array | null, b: number, i: number): number {
    const k = b * this.inputSize + i;
    return keep === null ? x[k] : x[k] * keep[k];
  }

  private target(labels: Float32Array, b: number, c: number): number {
    if (this.labelSize === 1) return labels[b] === c ? 1 : 0;
    return labels[b * this.classes + c];
  }

  private forward(x: Float32Array, labels: Float32Array, batch: number, keep: Float32Array | null) {
    const probs = new Float64Array(batch * this.classes);
    let loss = 0;
    let correct = 0;
    for (let b = 0; b < batch; b++) {
      const row = probs.subarray(b * this.classes, (b + 1) * this.classes);
      for (let c = 0; c < this.classes; c++) {
        let z = this.bias[c];
        for (let i = 0; i < this.inputSize; i++) z += this.input(x, keep, b, i) * this.kernel[i * this.classes + c];
        row[c] = z;
      }
      const max = Math.max(...row);
      let sum = 0;
      for (let c = 0; c < this.classes; c++) sum += (row[c] = Math.exp(row[c] - max));
      let best = 0;
      for (let c = 0; c < this.classes; c++) {
        row[c] /= sum;
        if (row[c] > row[best]) best = c;
        loss -= this.target(labels, b, c) * Math.log(Math.max(row[c], 1e-12));
      }
      if (this.target(labels, b, best) === 1) correct++;
    }
    return { loss: loss / batch, correct, probs };
  }

  private adam(param: Float32Array, grad: Float64Array, m: Float32Array, v: Float32Array): void {
    const lrT = this.lr * Math.sqrt(1 - BETA2 ** this.step) / (1 - BETA1 ** this.step);
    for (let i = 0; i < param.length; i++) {
      m[i] = BETA1 * m[i] + (1 - BETA1) * grad[i];
      v[i] = BETA2 * v[i] + (1 - BETA2) * grad[i] * grad[i];
      param[i] -= lrT * m[i] / (Math.sqrt(v[i]) + EPSILON);
    }
  }
}
