import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import type { NamedTensor } from '../../../runtime/engine';
import { checkTensorsMatch, readSafetensors, writeSafetensors } from '../../../runtime/io/safetensors';
import { WeightsFileError } from '../../../runtime/io/errors';

/** A safetensors file assembled by hand from the spec: u64 LE length, JSON padded with spaces, LE data. */
function handBuilt(json: string, data: number[]): Buffer {
  const padded = json + ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(padded)));
  const body = Buffer.alloc(data.length * 4);
  data.forEach((v, i) => body.writeFloatLE(v, i * 4));
  return Buffer.concat([length, Buffer.from(padded), body]);
}

const tensorArb = fc.record({
  name: fc.string({ unit: 'grapheme', minLength: 0, maxLength: 12 }),
  shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
}).chain(({ name, shape }) => {
  const size = shape.reduce((a, b) => a * b, 1);
  return fc.float32Array({ minLength: size, maxLength: size }).map((data): NamedTensor => ({ name, shape, data }));
});

describe('safetensors', () => {
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnc-st-')); });
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('round-trips random names, shapes, values and metadata', () => {
    const arb = fc.tuple(
      fc.uniqueArray(tensorArb, { selector: (t) => t.name, maxLength: 5 }).filter((ts) => ts.every((t) => t.name !== '__metadata__')),
      fc.option(fc.dictionary(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' })), { nil: undefined }),
    );
    const file = path.join(dir, 'round.safetensors');
    fc.assert(fc.property(arb, ([tensors, metadata]) => {
      writeSafetensors(file, tensors, metadata);
      const back = readSafetensors(file);
      const bytes = fs.readFileSync(file);
      assert.equal(Number(bytes.readBigUInt64LE(0)) % 8, 0);
      assert.deepEqual(Object.entries(back.metadata), Object.entries(metadata ?? {}));
      assert.equal(back.tensors.length, tensors.length);
      for (const t of tensors) {
        const got = back.tensors.find((b) => b.name === t.name);
        assert.ok(got !== undefined, `missing ${t.name}`);
        assert.deepEqual(got.shape, t.shape);
        assert.deepEqual(Buffer.from(got.data.buffer), Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      }
    }), { numRuns: 60 });
  });

  it('writes exactly the bytes of the hand-built file (metadata first, names in byte order)', () => {
    const file = path.join(dir, 'exact.safetensors');
    writeSafetensors(file, [
      { name: 'b', shape: [2], data: Float32Array.of(3, 4) },
      { name: '1', shape: [], data: Float32Array.of(-2.5) },
      { name: 'a', shape: [1, 2], data: Float32Array.of(1, 2) },
    ], { format: 'nnc' });
    const json = '{"__metadata__":{"format":"nnc"},' +
      '"1":{"dtype":"F32","shape":[],"data_offsets":[0,4]},' +
      '"a":{"dtype":"F32","shape":[1,2],"data_offsets":[4,12]},' +
      '"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}}';
    assert.deepEqual(fs.readFileSync(file), handBuilt(json, [-2.5, 1, 2, 3, 4]));
  });

  it('reads a hand-built file with the tensors listed out of data order', () => {
    const file = path.join(dir, 'hand.safetensors');
    const json = '{"w":{"dtype":"F32","shape":[2,1],"data_offsets":[4,12]},"v":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    fs.writeFileSync(file, handBuilt(json, [7, 8, 9]));
    const { tensors, metadata } = readSafetensors(file);
    assert.deepEqual(metadata, {});
    assert.deepEqual(tensors.map((t) => [t.name, t.shape, Array.from(t.data)]), [['v', [1], [7]], ['w', [2, 1], [8, 9]]]);
  });

  const corrupt: [string, () => Buffer, string][] = [
    ['too short', () => Buffer.from([1, 2, 3]), 'not a valid safetensors file: 3 bytes is too short for the 8-byte header length'],
    ['header past the end', () => { const b = handBuilt('{}', []); b.writeBigUInt64LE(99n); return b; },
      'not a valid safetensors file: header length 99 runs past the end of the 16-byte file'],
    ['not JSON', () => handBuilt('{nope', []), 'not a valid safetensors file: header is not valid JSON ('],
    ['no brace', () => handBuilt('[]', []), "not a valid safetensors file: header must start with '{', found \"[\""],
    ['gap in data', () => handBuilt('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', [0, 0]),
      'not a valid safetensors file: tensor "a" starts at data offset 4, expected 0 (a gap or an overlap)'],
    ['trailing data', () => handBuilt('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', [0, 0]),
      'not a valid safetensors file: the tensors cover 4 data bytes but the file holds 8'],
    ['size mismatch', () => handBuilt('{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', [0, 0]),
      'not a valid safetensors file: tensor "a" has shape [3] (12 bytes) but data_offsets [0, 8] span 8 bytes'],
    ['other dtype', () => handBuilt('{"a":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}}', [0]),
      'tensor "a" has dtype I32; nnc reads F32 tensors only'],
    ['bad metadata', () => handBuilt('{"__metadata__":{"k":1}}', []), 'not a valid safetensors file: __metadata__ value for "k" is not a string'],
  ];
  for (const [what, bytes, message] of corrupt) {
    it(`rejects a corrupt file in one line: ${what}`, () => {
      const file = path.join(dir, `corrupt-${what.replace(/ /g, '-')}`);
      fs.writeFileSync(file, bytes());
      assert.throws(() => readSafetensors(file), (err: unknown) => err instanceof WeightsFileError &&
        err.message.startsWith(`${file}: ${message}`) && !err.message.includes('\n'));
    });
  }

  it('names a missing file', () => {
    const file = path.join(dir, 'absent.safetensors');
    assert.throws(() => readSafetensors(file), { message: `${file}: file not found` });
  });

  it('refuses to write a tensor whose data does not fit its shape', () => {
    const file = path.join(dir, 'bad.safetensors');
    assert.throws(() => writeSafetensors(file, [{ name: 'k', shape: [2, 2], data: new Float32Array(3) }]), {
      message: `${file}: tensor "k" has shape [2, 2] (4 values) but 3 values`,
    });
    assert.equal(fs.existsSync(file), false);
  });
});

describe('checkTensorsMatch', () => {
  const expected = [{ name: 'conv1.kernel', shape: [3, 3, 1, 32] }, { name: 'conv1.bias', shape: [32] }];
  const t = (name: string, shape: number[]): NamedTensor => ({ name, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });

  it('accepts the same names and shapes in any order', () => {
    checkTensorsMatch(expected, [t('conv1.bias', [32]), t('conv1.kernel', [3, 3, 1, 32])], 'w.safetensors');
  });

  it('names the first missing, mis-shaped or extra tensor', () => {
    assert.throws(() => checkTensorsMatch(expected, [t('conv1.kernel', [3, 3, 1, 32])], 'w.safetensors'), {
      message: 'w.safetensors: missing tensor "conv1.bias" (the model expects shape [32])',
    });
    assert.throws(() => checkTensorsMatch(expected, [t('conv1.kernel', [3, 3, 1, 16]), t('conv1.bias', [32])], 'w.safetensors'), {
      message: 'w.safetensors: tensor "conv1.kernel" has shape [3, 3, 1, 16] but the model expects [3, 3, 1, 32]',
    });
    assert.throws(() => checkTensorsMatch(expected, [...expected.map((e) => t(e.name, e.shape)), t('dense9.bias', [10])], 'w.safetensors'), {
      message: 'w.safetensors: unexpected tensor "dense9.bias" with shape [10]; the model has no such parameter',
    });
  });
});
