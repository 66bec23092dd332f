import { strict as assert } from 'assert';
import { SourceWriter } from '../../../../compiler/codegen/gpujs/writer';

describe('SourceWriter', () => {
  it('hands out distinct names and indents blocks', () => {
    const w = new SourceWriter();
    const names = [w.fresh('k'), w.fresh('k'), w.fresh('acc')];
    assert.equal(new Set(names).size, 3);
    w.loop('k', 3, (k) => w.guard([`${k} > 0`], () => w.line('x();')));
    assert.equal(w.text(), '  for (let k3 = 0; k3 < 3; k3++) {\n    if (k3 > 0) {\n      x();\n    }\n  }');
  });

  it('inlines a one-pass loop, omits an empty guard, and refuses a loop bound that is not a positive integer', () => {
    const w = new SourceWriter();
    w.loop('k', 1, (k) => w.guard([], () => w.line(`y(${k});`)));
    assert.equal(w.text(), '  const k0 = 0;\n  y(k0);');
    assert.throws(() => w.loop('k', 0, () => undefined), /loop bound 0/);
    assert.throws(() => w.loop('k', 2.5, () => undefined), /loop bound 2.5/);
  });
});
