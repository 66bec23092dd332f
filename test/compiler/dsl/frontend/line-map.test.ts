import { strict as assert } from 'node:assert';
import { LineMap } from '../../../../compiler/dsl/frontend/line-map';

describe('LineMap', () => {
  it('breaks lines at \\n, \\r\\n and a lone \\r, and counts columns from 1', () => {
    const map = new LineMap('ab\ncd\r\nef\rg');
    const at = (offset: number): [number, number] => {
      const { line, column } = map.position(offset);
      return [line, column];
    };
    assert.deepStrictEqual([0, 1, 2, 3, 5, 6, 7, 10, 11].map(at), [[1, 1], [1, 2], [1, 3], [2, 1], [2, 3], [2, 4], [3, 1], [4, 1], [4, 2]]);
  });
});
