// Test helper: small, recognisable training histories.

import type { History } from '../../../runtime/engine';

export function history(model: string, epochs: number, withValidation = true): History {
  return {
    model,
    epochs: Array.from({ length: epochs }, (_, e) => ({
      epoch: e,
      loss: 1 / (e + 1),
      accuracy: 0.8 + 0.02 * e,
      valLoss: withValidation ? 1.1 / (e + 1) : null,
      valAccuracy: withValidation ? 0.79 + 0.02 * e : null,
      seconds: 10,
    })),
  };
}
