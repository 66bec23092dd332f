import { binaryCases, broadcastShapeOf } from './support/cases';
import { assertShapeError, f32, itChecksGradients, itInfersTheEvaluatedShape, itMatchesScalar } from './support/properties';

describe('ops/div', () => {
  // The divisor stays away from 0, where the quotient and its derivatives blow up.
  itChecksGradients('div', binaryCases({}, { min: -2, max: 2, awayFromZero: 0.5 }));
  itMatchesScalar('div', binaryCases({ min: -1e3, max: 1e3 }));
  itInfersTheEvaluatedShape('div', binaryCases({}, { min: 0.5, max: 2 }), broadcastShapeOf);

  it('rejects shapes that do not broadcast', () => {
    assertShapeError('div', [f32(['N', 2]), f32(['N', 3])], {}, /^div: shapes \[N,2\] and \[N,3\] do not broadcast$/);
  });
});
