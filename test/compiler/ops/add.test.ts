import { binaryCases, broadcastShapeOf } from './support/cases';
import { assertShapeError, f32, itChecksGradients, itInfersTheEvaluatedShape, itMatchesScalar } from './support/properties';

describe('ops/add', () => {
  itChecksGradients('add', binaryCases());
  itMatchesScalar('add', binaryCases({ min: -1e3, max: 1e3 }));
  itInfersTheEvaluatedShape('add', binaryCases(), broadcastShapeOf);

  it('keeps the batch dim N symbolic: N broadcasts with 1 only', () => {
    assertShapeError('add', [f32(['N', 3]), f32([4, 3])], {}, /^add: shapes \[N,3\] and \[4,3\] do not broadcast$/);
  });

  it('rejects shapes that do not broadcast', () => {
    assertShapeError('add', [f32([2, 3]), f32([4])], {}, /^add: shapes \[2,3\] and \[4\] do not broadcast$/);
  });

  it('rejects integer inputs', () => {
    assertShapeError('add', [f32([2]), { shape: [2], dtype: 'i32' }], {}, /^add: input 1 has dtype i32, expected f32$/);
  });
});
