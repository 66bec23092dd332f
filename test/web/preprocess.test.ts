// The drawing pad's preprocessing against MNIST itself: MNIST's digits were made by exactly
// this normalisation (longer side of the ink box scaled to 20 pixels, centre of mass in the
// middle of 28x28), so a digit drawn large anywhere on the pad must come back as itself.

import { strict as assert } from 'node:assert';
import { loadMnist } from '../../runtime/data/dataset';
import { centreOfMass, inkBox, mnistInput } from '../../web/preprocess';

const PAD = 280;

/** A 28x28 digit blown up `scale` times (nearest neighbour) onto a PAD x PAD pad at (ox, oy). */
function drawLarge(digit: Float32Array, scale: number, ox: number, oy: number): Float32Array {
  const pad = new Float32Array(PAD * PAD);
  for (let y = 0; y < 28 * scale; y++) {
    for (let x = 0; x < 28 * scale; x++) pad[(y + oy) * PAD + x + ox] = digit[Math.floor(y / scale) * 28 + Math.floor(x / scale)];
  }
  return pad;
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
  return ab / Math.sqrt(aa * bb);
}

describe('web/preprocess: a drawing made into an MNIST input', () => {
  it('gives back MNIST test digits drawn 9 times larger anywhere on the pad', () => {
    const { test } = loadMnist();
    let exact = 0;
    const count = 200;
    for (let n = 0; n < count; n++) {
      const digit = test.x.subarray(n * 784, (n + 1) * 784);
      const out = mnistInput(drawLarge(digit, 9, (n * 7) % 25, (n * 11) % 27), PAD, PAD);
      assert.ok(out !== null);
      const r = correlation(out, digit);
      assert.ok(r > 0.999, `test digit ${n}: correlation ${r} with the original`);
      if (out.every((v, i) => Math.abs(v - digit[i]) < 1e-6)) exact++;
    }
    // The rest differ by a one-pixel shift where the centre of mass sits on a pixel boundary.
    assert.ok(exact >= 0.9 * count, `${exact} of ${count} digits came back pixel for pixel`);
  });

  it('scales the ink box to 20 pixels on its longer side, keeping its area and aspect, centred by mass', () => {
    const pad = new Float32Array(PAD * PAD);
    for (let y = 40; y < 90; y++) for (let x = 150; x < 250; x++) pad[y * PAD + x] = 1; // 100 wide, 50 high
    const out = mnistInput(pad, PAD, PAD) as Float32Array;
    const box = inkBox(out, 28, 28);
    assert.deepEqual(box && [box.width, box.height], [20, 10]);
    assert.ok(Math.abs(out.reduce((a, b) => a + b, 0) - 200) < 1e-3, 'a 20x10 block of full ink');
    const c = centreOfMass(out, 28, 28);
    assert.ok(Math.abs(c.x - 14.5) <= 0.5 && Math.abs(c.y - 14.5) <= 0.5, `centre of mass at ${c.x}, ${c.y}`);
  });

  it('area-averages: a one-pixel gap three times too fine for the grid leaves a third of its cell empty', () => {
    const pad = new Float32Array(PAD * PAD);
    for (let y = 0; y < 60; y++) for (let x = 0; x < 60; x++) pad[(100 + y) * PAD + 100 + x] = x === 31 ? 0 : 1;
    const out = mnistInput(pad, PAD, PAD) as Float32Array;
    const box = inkBox(out, 28, 28) as { x: number; y: number };
    const column = Array.from({ length: 20 }, (_, r) => out[(box.y + r) * 28 + box.x + 10]);
    assert.ok(column.every((v) => Math.abs(v - 2 / 3) < 1e-6), `column 10 of the box: ${column.join(' ')}`);
    assert.ok(Math.abs(out.reduce((a, b) => a + b, 0) - (3600 - 60) / 9) < 1e-3, 'the ink is kept, scaled by (20/60)^2');
  });

  it('rounds a narrow box to whole pixels, and grows a tiny one to the 20-pixel box', () => {
    const pad = new Float32Array(PAD * PAD);
    for (let y = 100; y < 130; y++) for (let x = 100; x < 107; x++) pad[y * PAD + x] = 1; // 7 wide, 30 high
    const box = inkBox(mnistInput(pad, PAD, PAD) as Float32Array, 28, 28);
    assert.deepEqual(box && [box.width, box.height], [5, 20]); // 7 * 20/30 = 4.67 columns
    const dot = new Float32Array(PAD * PAD);
    dot[5 * PAD + 5] = 1;
    const grown = mnistInput(dot, PAD, PAD) as Float32Array;
    assert.equal(grown.filter((v) => v === 1).length, 400, 'one pixel of ink fills the 20x20 box');
  });

  it('returns null for an empty pad', () => {
    assert.equal(mnistInput(new Float32Array(PAD * PAD), PAD, PAD), null);
  });
});
