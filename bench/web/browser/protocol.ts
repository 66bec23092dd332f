// What bench.ts asks the bench page's worker to time, and what comes back.

export type BenchRequest =
  | { readonly kind: 'nnc'; readonly backend: 'cpu' | 'gpu'; readonly threads: number; readonly warmup: number; readonly steps: number }
  | { readonly kind: 'tfjs'; readonly warmup: number; readonly steps: number };

export interface BenchResult {
  /** Milliseconds of each timed step. */
  readonly ms: readonly number[];
  /** What ran: the engine's description, or TF.js's backend. */
  readonly what: string;
  /** Loss of the first and last step, so a run that does not train is seen. */
  readonly losses: readonly [number, number];
  readonly renderer?: string;
}

export const BATCH = 250;

/** The batch bench/step.ts times (deterministic pixels, labels cycling through the classes). */
export function syntheticBatch(): { x: Float32Array; labels: Float32Array } {
  const x = new Float32Array(BATCH * 784);
  for (let i = 0; i < x.length; i++) x[i] = ((i * 2654435761) % 1000) / 1000;
  const labels = new Float32Array(BATCH * 10);
  for (let i = 0; i < BATCH; i++) labels[i * 10 + (i % 10)] = 1;
  return { x, labels };
}
