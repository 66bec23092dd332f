// Seeds for fast-check properties that must cover a fixed set of cases in CI yet explore
// elsewhere: NNC_FC_SEED when set (to replay a failure), the property's fixed seed in CI,
// and otherwise a fresh seed per run, which a failure prints so it can be replayed.

import fc from 'fast-check';

export interface PropertySeed {
  readonly seed: number;
  /** True when the seed is the property's fixed one: its coverage is known and asserted. */
  readonly fixed: boolean;
}

export function propertySeed(fixedSeed: number): PropertySeed {
  const given = process.env.NNC_FC_SEED;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isInteger(seed)) throw new Error(`NNC_FC_SEED must be an integer, got '${given}'`);
    return { seed, fixed: seed === fixedSeed };
  }
  if (process.env.CI) return { seed: fixedSeed, fixed: true };
  return { seed: (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0, fixed: false };
}

/** fc.assert with `seed`; a failure's message starts with how to replay it. */
export async function assertSeeded<T>(property: fc.IAsyncProperty<T>, seed: number, numRuns: number): Promise<void> {
  try {
    await fc.assert(property, { seed, numRuns });
  } catch (e) {
    const err = e as Error;
    err.message = `replay with NNC_FC_SEED=${seed} (fast-check seed ${seed}, ${numRuns} runs)\n${err.message}`;
    throw err;
  }
}
