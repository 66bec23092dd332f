import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allOps, getOp, hasOp } from '../../../compiler/ops/index';
import { KIND_LEVEL } from '../../../compiler/ops/op';

const catalogue = readFileSync(join(__dirname, '../../../compiler/ops/README.md'), 'utf8');
/** Op names in the first column of the catalogue's table rows. */
const catalogued = catalogue.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| op ') && !l.startsWith('|---'))
  .flatMap((l) => l.split('|')[1].split(',').map((s) => s.trim()));

describe('ops/index (the op table)', () => {
  it('holds each op once, under its own name, with a known kind', () => {
    const names = allOps().map((op) => op.name);
    assert.equal(new Set(names).size, names.length);
    for (const op of allOps()) {
      assert.equal(getOp(op.name), op);
      assert.ok(op.kind in KIND_LEVEL, `${op.name}: kind ${op.kind}`);
    }
    assert.ok(!hasOp('conv3d'));
    assert.throws(() => getOp('conv3d'), /unknown op 'conv3d'/);
  });

  it('matches the catalogue in README.md, op for op', () => {
    assert.deepEqual([...catalogued].sort(), allOps().map((op) => op.name).sort());
  });

  it('gives every elementwise and broadcast op a scalar form, and every op a test file', () => {
    for (const op of allOps()) {
      if (op.kind === 'elementwise' || op.kind === 'broadcast') assert.ok(op.scalar, `${op.name} has no scalar form`);
      assert.ok(existsSync(join(__dirname, `${op.name}.test.ts`)), `no test/compiler/ops/${op.name}.test.ts`);
    }
  });
});
