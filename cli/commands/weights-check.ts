// Weights that hold NaN or infinity give a NaN loss and arbitrary classes; saying so names
// the real problem (the weights file) instead of printing `Test loss: NaN` as a result.

import type { Engine } from '../../runtime/engine';
import { WeightsFileError } from '../../runtime/io/errors';

export function checkFiniteWeights(engine: Engine, file: string): void {
  for (const t of engine.getState().params) {
    let bad = 0;
    let nan = false;
    for (const v of t.data) {
      if (Number.isFinite(v)) continue;
      if (bad === 0) nan = Number.isNaN(v);
      bad++;
    }
    if (bad > 0) {
      throw new WeightsFileError(file, `the weights hold ${nan ? 'NaN' : 'infinity'}: ${bad} of the ${t.data.length} values of ${JSON.stringify(t.name)} are not finite numbers, so they cannot be evaluated`);
    }
  }
}
