import { strict as assert } from 'assert';
import fc from 'fast-check';
import {
  NORMALIZATION_KEY, applyNormalization, fitNormalization, normalizationMetadata, pixelValues, readNormalization, trainedNormalization,
} from '../../../runtime/data/normalize';
import { DataError } from '../../../runtime/data/errors';

describe('input normalisation', () => {
  it("'scale' of pixels is byte / 255 with no statistics, the float32 nnc always gave MNIST", () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const x = pixelValues(bytes, 'scale');
    bytes.forEach((b, i) => assert.equal(x[i], Math.fround(b / 255)));
    assert.equal(fitNormalization('scale', true, x, 1), null);
    assert.deepEqual(Array.from(pixelValues(Uint8Array.of(0, 7, 255), 'none')), [0, 7, 255]);
  });

  it("'standardize' gives each channel (last axis) mean 0 and standard deviation 1 over the fitted rows", () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 30 }), fc.integer({ min: 0, max: 1000 }),
      (channels, rows, seed) => {
        const x = Float32Array.from({ length: rows * channels }, (_, i) => Math.fround(Math.sin(seed + i * 1.7) * (1 + (i % channels) * 10) + (i % channels)));
        const n = fitNormalization('standardize', false, x, channels);
        assert.ok(n !== null);
        const y = applyNormalization(n, x);
        for (let c = 0; c < channels; c++) {
          const col = Array.from({ length: rows }, (_, r) => y[r * channels + c]);
          const mean = col.reduce((a, b) => a + b, 0) / rows;
          const sd = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / rows);
          assert.ok(Math.abs(mean) < 1e-5, `channel ${c} mean ${mean}`);
          assert.ok(Math.abs(sd - 1) < 1e-5, `channel ${c} sd ${sd}`);
        }
      }), { numRuns: 60 });
  });

  it("'scale' of data without a fixed range maps the fitted rows' range to [0, 1]; constant channels become 0", () => {
    const x = Float32Array.of(-3, 5, 1, 5, 7, 5);
    const n = fitNormalization('scale', false, x, 2);
    assert.deepEqual(n, { mode: 'scale', offset: [-3, 5], divisor: [10, 1] });
    assert.deepEqual(Array.from(applyNormalization(n, x)), [0, 0, 0.4, 0, 1, 0].map(Math.fround));
    assert.equal(fitNormalization('none', false, x, 2), null);
  });

  it('round-trips through weights metadata exactly, and refuses malformed or missing statistics in one line', () => {
    const n = fitNormalization('standardize', false, Float32Array.of(0.1, 0.2, 0.7), 1);
    assert.ok(n !== null);
    const meta = normalizationMetadata(n);
    assert.deepEqual(readNormalization(meta, 'w.safetensors'), n);
    assert.deepEqual(normalizationMetadata(null), {});
    assert.equal(trainedNormalization({}, 'w.safetensors', [3], null), null);
    assert.throws(() => trainedNormalization({}, 'w.safetensors', [3], 'standardize'), (e: unknown) => e instanceof DataError
      && e.message.startsWith("w.safetensors: holds no input normalization statistics, but the model's data is normalized with 'standardize'"));
    assert.throws(() => trainedNormalization(meta, 'w.safetensors', [2, 2], null), { message: "w.safetensors: its input normalization has 1 channels but the model's input [2, 2] has 2" });
    assert.throws(() => readNormalization({ [NORMALIZATION_KEY]: '{"mode":"scale","offset":[0],"divisor":[0]}' }, 'w'), /positive divisors/);
    assert.throws(() => readNormalization({ [NORMALIZATION_KEY]: '{' }, 'w'), { message: `w: its ${NORMALIZATION_KEY} metadata is not JSON` });
  });
});
