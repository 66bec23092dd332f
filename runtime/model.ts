// A loaded model's inference API (predict, classify, evaluate) over an Engine, whatever
// loaded it: loadModel from a folder in Node (api.ts) or from a URL in a page (web.ts).

import type { Manifest } from '../format/manifest';
import type { Engine } from './engine';
import { EngineError } from './engine';
import type { Dataset } from './data/dataset';
import { evaluate, predict, type Evaluation } from './train/evaluate';
import { type InputNormalization, applyNormalization } from './data/normalize';
import { outputWidth, predictedClass } from './backends/io-shapes';

/** Nested arrays of numbers, e.g. [28][28][1] for one image or [n][784] for many. */
export type NestedNumbers = number | readonly NestedNumbers[];
export type Examples = Float32Array | readonly NestedNumbers[];
/** Class indices (one per example), or one-hot rows. */
export type Labels = Int32Array | Uint8Array | readonly number[] | readonly (readonly number[])[];

export interface LoadedModel {
  readonly manifest: Manifest;
  /**
   * Examples per call are any count: each needs manifest.io.inputSize values as the data
   * source gives them (pixels in [0, 1] under the default 'scale', CSV values as in the file);
   * a normalisation fitted in training (recorded in the weights file) is applied here.
   */
  predict(x: Examples): Float32Array;
  /** The arg-max class of each example. */
  classify(x: Examples): number[];
  evaluate(x: Examples, labels: Labels): Evaluation;
  dispose(): void;
}

/**
 * The model over its engine; disposing it disposes the engine. `normalization`: what its
 * weights were trained with (a weights file records it), applied to every example given.
 */
export function modelOver(manifest: Manifest, engine: Engine, normalization: InputNormalization | null = null): LoadedModel {
  return new Model(manifest, engine, normalization);
}

class Model implements LoadedModel {
  private disposed = false;

  constructor(readonly manifest: Manifest, private readonly engine: Engine, private readonly normalization: InputNormalization | null) {}

  predict(x: Examples): Float32Array {
    const ds = this.dataset(x, null);
    return predict(this.live(), ds, this.batchSize());
  }

  classify(x: Examples): number[] {
    const probs = this.predict(x);
    const io = this.manifest.io;
    const out: number[] = [];
    for (let i = 0; i * outputWidth(io) < probs.length; i++) out.push(predictedClass(probs, i, io));
    return out;
  }

  evaluate(x: Examples, labels: Labels): Evaluation {
    const ds = this.dataset(x, labels);
    return evaluate(this.live(), ds, this.batchSize(), this.manifest.io.sparse ? 'sparse' : 'onehot');
  }

  dispose(): void {
    if (!this.disposed) this.engine.dispose();
    this.disposed = true;
  }

  private live(): Engine {
    if (this.disposed) throw new EngineError(`${this.manifest.name}: the model was disposed`);
    return this.engine;
  }

  private batchSize(): number {
    return this.manifest.fit.batchSize;
  }

  private dataset(x: Examples, labels: Labels | null): Dataset {
    const io = this.manifest.io;
    const flat = x instanceof Float32Array ? x : Float32Array.from(flatten(x));
    if (flat.length === 0 || flat.length % io.inputSize !== 0) {
      throw new EngineError(`${this.manifest.name}: ${flat.length} input values are not whole examples of ${io.inputSize} ([${io.inputShape.join(', ')}])`);
    }
    const count = flat.length / io.inputSize;
    const values = this.normalization === null ? flat : applyNormalization(this.normalization, flat);
    return { x: values, labels: labels === null ? new Int32Array(count) : classIndices(labels, count, io.classes, this.manifest.name), count, inputShape: io.inputShape, classes: io.classes };
  }
}

function flatten(x: NestedNumbers): number[] {
  if (typeof x === 'number') return [x];
  const out: number[] = [];
  const walk = (v: NestedNumbers): void => {
    if (typeof v === 'number') out.push(v);
    else for (const e of v) walk(e);
  };
  walk(x);
  return out;
}

function classIndices(labels: Labels, count: number, classes: number, name: string): Int32Array {
  const rows = Array.from(labels as ArrayLike<number | readonly number[]>, (l) => (typeof l === 'number' ? l : argmax(l)));
  if (rows.length !== count) throw new EngineError(`${name}: ${rows.length} labels for ${count} examples`);
  const bad = rows.findIndex((l) => !Number.isInteger(l) || l < 0 || l >= classes);
  if (bad >= 0) throw new EngineError(`${name}: label ${rows[bad]} of example ${bad} is not a class in 0..${classes - 1}`);
  return Int32Array.from(rows);
}

function argmax(row: readonly number[]): number {
  let best = 0;
  for (let c = 1; c < row.length; c++) if (row[c] > row[best]) best = c;
  return best;
}
