import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { encodeIdx as encodeIdxRuntime, readIdx } from '../../../runtime/data/idx';
import { DataError } from '../../../runtime/data/errors';
import { encodeIdx, scratchDir, writeIdx } from './idx-files';

describe('readIdx', () => {
  let dir: string;
  before(() => { dir = scratchDir(); });
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it("the runtime's encoder writes the same bytes as the test's own encoder, for any shape", () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }), (dims) => {
      const data = Uint8Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, k) => (k * 37) % 256);
      assert.deepEqual(Buffer.from(encodeIdxRuntime(dims, data)), Buffer.from(encodeIdx(dims, data)));
    }), { seed: 7, numRuns: 50 });
  });

  it('reads back random dims and bytes, plain and gzipped', () => {
    const arb = fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }).chain((dims) => {
      const size = dims.reduce((a, b) => a * b, 1);
      return fc.tuple(fc.constant(dims), fc.uint8Array({ minLength: size, maxLength: size }), fc.boolean());
    });
    let n = 0;
    fc.assert(fc.property(arb, ([dims, data, gzip]) => {
      const file = writeIdx(path.join(dir, `r${n++}${gzip ? '.gz' : ''}`), dims, data, gzip);
      const got = readIdx(file);
      assert.deepEqual(got.dims, dims);
      assert.deepEqual(Array.from(got.data), Array.from(data));
    }), { numRuns: 40 });
  });

  it('detects gzip by content even without the .gz suffix', () => {
    const file = writeIdx(path.join(dir, 'zipped-no-suffix'), [2, 2], Uint8Array.of(1, 2, 3, 4), true);
    assert.deepEqual(Array.from(readIdx(file).data), [1, 2, 3, 4]);
  });

  it('reports a truncated file with expected and actual byte counts', () => {
    const full = encodeIdx([3, 2, 2], new Uint8Array(12));
    const file = path.join(dir, 'truncated');
    fs.writeFileSync(file, full.subarray(0, full.length - 5));
    assert.throws(() => readIdx(file), (err: unknown) => err instanceof DataError &&
      err.message === `${file}: truncated IDX file: expected 28 bytes (dims [3, 2, 2]), got 23`);
  });

  it('reports a truncated header', () => {
    const file = path.join(dir, 'short-header');
    fs.writeFileSync(file, encodeIdx([7, 7, 7], new Uint8Array(0)).subarray(0, 10));
    assert.throws(() => readIdx(file), { message: `${file}: truncated IDX file: expected 16 header bytes for 3 dimensions, got 10` });
  });

  it('reports a wrong magic number in hex', () => {
    const file = path.join(dir, 'magic');
    const bytes = encodeIdx([1], Uint8Array.of(9));
    bytes[0] = 0x1a; bytes[1] = 0x2b;
    fs.writeFileSync(file, bytes);
    assert.throws(() => readIdx(file), { message: `${file}: wrong magic number 0x1a2b0801: an IDX file starts with 0x0000` });
  });

  it('reads every IDX element type, big-endian, as its own typed array', () => {
    // Each value written with Buffer's own big-endian writers, one type at a time.
    const cases: { type: number; bytes: number; write: (b: Buffer, v: number, at: number) => void; values: number[]; kind: string }[] = [
      { type: 0x09, bytes: 1, write: (b, v, at) => b.writeInt8(v, at), values: [-128, -1, 0, 127], kind: 'Int8Array' },
      { type: 0x0b, bytes: 2, write: (b, v, at) => b.writeInt16BE(v, at), values: [-32768, -2, 300, 32767], kind: 'Int16Array' },
      { type: 0x0c, bytes: 4, write: (b, v, at) => b.writeInt32BE(v, at), values: [-(2 ** 31), -7, 70000, 2 ** 31 - 1], kind: 'Int32Array' },
      { type: 0x0d, bytes: 4, write: (b, v, at) => b.writeFloatBE(v, at), values: [-1.5, 0.1, 3.25e-8, 65504], kind: 'Float32Array' },
      { type: 0x0e, bytes: 8, write: (b, v, at) => b.writeDoubleBE(v, at), values: [-1e300, 0.1, Math.PI, 5e-324], kind: 'Float64Array' },
    ];
    for (const c of cases) {
      const data = Buffer.alloc(c.values.length * c.bytes);
      c.values.forEach((v, i) => c.write(data, v, i * c.bytes));
      const file = path.join(dir, `typed-${c.type}`);
      fs.writeFileSync(file, encodeIdx([2, 2], data, c.type));
      const got = readIdx(file);
      assert.deepEqual(got.dims, [2, 2]);
      assert.equal(got.type, c.type);
      assert.equal(got.data.constructor.name, c.kind);
      const want = c.type === 0x0d ? c.values.map(Math.fround) : c.values;
      assert.deepEqual(Array.from(got.data), want);
    }
  });

  it('reports a truncated file of multi-byte elements by bytes', () => {
    const file = path.join(dir, 'short-floats');
    fs.writeFileSync(file, encodeIdx([3], new Uint8Array(10), 0x0d));
    assert.throws(() => readIdx(file), { message: `${file}: truncated IDX file: expected 20 bytes (dims [3]), got 18` });
  });

  it('reports an unknown data type', () => {
    const file = path.join(dir, 'unknown');
    fs.writeFileSync(file, encodeIdx([1], new Uint8Array(4), 0x0a));
    assert.throws(() => readIdx(file), {
      message: `${file}: unknown IDX data type 0x0a (magic 0x00000a01); the types are 0x08 (unsigned byte), 0x09 (signed byte), `
        + '0x0b (int16), 0x0c (int32), 0x0d (float32) and 0x0e (float64)',
    });
  });

  it('reports a missing file', () => {
    const file = path.join(dir, 'nope-idx3-ubyte');
    assert.throws(() => readIdx(file), (err: unknown) => err instanceof DataError && err.message === `${file}: file not found`);
  });

  it('reports corrupt gzip data', () => {
    const file = path.join(dir, 'broken.gz');
    fs.writeFileSync(file, Uint8Array.of(0x1f, 0x8b, 1, 2, 3));
    assert.throws(() => readIdx(file), (err: unknown) => err instanceof DataError &&
      err.message.startsWith(`${file}: cannot decompress gzip data (`) && !err.message.includes('\n'));
  });
});
