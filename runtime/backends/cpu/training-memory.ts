// Where the CPU engine's training state lives: in the memory of the training program that
// ran last (its params and optimizer slots are updated in place by the compiled update),
// or in plain arrays between programs. Moving it costs a copy of params and slots. The
// weights are the trainable params (which have optimizer slots) followed by the state.

import type { CpuUpdateLayout } from '../../../format/manifest';
import type { NamedTensor } from '../../engine';
import type { ProgramRunner } from './program-runner';

function regionOf(u: CpuUpdateLayout, slot: string): number {
  const at = u.slots[slot];
  if (at === undefined) throw new Error(`the compiled update has no optimizer slot '${slot}'`);
  return at;
}

export class TrainingMemory {
  readonly shapes: readonly (readonly number[])[];
  step = 0;
  private params: Float32Array[];
  private slots: Map<string, Float32Array[]>;
  /** The training program holding the live state, or null when the arrays hold it. */
  private home: ProgramRunner | null = null;

  /** `initial`: the trainable params, then the state; the first `trainable` have optimizer slots. */
  constructor(initial: readonly NamedTensor[], private readonly slotNames: readonly string[], private readonly trainable: number) {
    this.shapes = initial.map((p) => p.shape);
    this.params = initial.map((p) => p.data.slice());
    this.slots = new Map(slotNames.map((s) => [s, this.trainableParams().map((p) => new Float32Array(p.length))]));
  }

  private trainableParams(): Float32Array[] {
    return this.params.slice(0, this.trainable);
  }

  paramViews(r: ProgramRunner, names: readonly string[]): Float32Array[] {
    return names.map((n) => r.param(n));
  }

  /** Slot views in a training program's memory (its update region, or fresh arrays if it has none). */
  slotViews(r: ProgramRunner): Map<string, Float32Array[]> {
    const u = r.program.update;
    if (!u) return this.slots;
    return new Map(this.slotNames.map((s) => [s, this.trainableParams().map((p, k) => r.view(regionOf(u, s) + u.paramOffsets[k], p.length))]));
  }

  /** Makes `r` the home of the training state. */
  moveTo(r: ProgramRunner, names: readonly string[]): void {
    if (this.home === r) return;
    this.pullHome(names);
    this.paramViews(r, names).forEach((v, k) => v.set(this.params[k]));
    if (r.program.update) {
      const views = this.slotViews(r);
      for (const [s, arrays] of this.slots) (views.get(s) as Float32Array[]).forEach((v, k) => v.set(arrays[k]));
    }
    this.home = r;
  }

  /** Copies the current params into an inference program. */
  showParams(r: ProgramRunner, names: readonly string[]): void {
    const current = this.home ? this.paramViews(this.home, names) : this.params;
    this.paramViews(r, names).forEach((v, k) => v.set(current[k]));
  }

  snapshot(names: readonly string[]): { params: NamedTensor[]; slots: Map<string, Float32Array[]> } {
    this.pullHome(names);
    return {
      params: names.map((name, k) => ({ name, shape: this.shapes[k], data: this.params[k].slice() })),
      slots: new Map([...this.slots].map(([s, arrays]) => [s, arrays.map((a) => a.slice())])),
    };
  }

  restore(params: readonly NamedTensor[], slot: (name: string, k: number) => Float32Array | null, step: number): void {
    this.params = params.map((p) => p.data.slice());
    this.slots = new Map(this.slotNames.map((s) => [s, this.trainableParams().map((p, k) => slot(s, k)?.slice() ?? new Float32Array(p.length))]));
    this.step = step;
    this.home = null;
  }

  /** Copies the state out of its home program into the arrays. */
  private pullHome(names: readonly string[]): void {
    const h = this.home;
    if (!h) return;
    this.paramViews(h, names).forEach((v, k) => this.params[k].set(v));
    if (h.program.update) {
      const views = this.slotViews(h);
      for (const [s, arrays] of this.slots) arrays.forEach((a, k) => a.set((views.get(s) as Float32Array[])[k]));
    }
    this.home = null;
  }
}
