// Every input is checked before the first step, and user text is printed escaped: test sets
// that do not fit, eval with the test set alone, model files that are FIFOs or devices,
// weights full of NaN, strict integer flags, control characters in paths (issue 16,
// items 4 and 6).

import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { nnc } from './train-cli';
import {
  linkToDevZero, makeFifo, oneLineNoStack, writeEmptyTestIdx, writeNanWeights, writeTestOnlyIdx, writeWrongSizedTestIdx, trainedTiny,
} from './hostile-fixtures';

describe('nnc: inputs checked before the first step', function () {
  this.timeout(120_000);
  let work: string;
  let tiny: string;
  let weights: string;
  before(async () => {
    ({ work, tiny, weights } = await trainedTiny('nnc-inputs-'));
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('a test set of another image size, or an empty one, is refused before training, naming the file', async () => {
    const cases: [string, RegExp][] = [
      [writeWrongSizedTestIdx(path.join(work, 'd5')), /d5\/t10k-images-idx3-ubyte: model input shape \[4, 4, 1\] does not match the data's example shape \[5, 5, 1\]/],
      [writeEmptyTestIdx(path.join(work, 'dempty')), /dempty\/t10k-images-idx3-ubyte: the test set is empty/],
    ];
    for (const [data, message] of cases) {
      const out = path.join(work, `out-${path.basename(data)}`);
      const r = await nnc('train', tiny, '--backend', 'reference', '--data', data, '--out', out);
      assert.equal(r.code, 1);
      assert.match(r.stderr, message);
      oneLineNoStack(r.stderr);
      assert.ok(!r.stdout.includes('Epoch'), 'no epoch ran');
      assert.ok(!fs.existsSync(out), 'the run folder it made is removed again');
    }
  });

  it('labels beyond the model\'s classes are refused at load, naming the file', async () => {
    const five = path.join(work, 'five.ts');
    fs.writeFileSync(five, fs.readFileSync(tiny, 'utf8').replace("units: 10, activation: 'softmax'", "units: 5, activation: 'softmax'"));
    const r = await nnc('train', five, '--backend', 'reference', '--out', path.join(work, 'five-run'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /train-labels-idx1-ubyte: label \d at index \d+ is outside 0\.\.4/);
  });

  it('nnc eval needs only the test set', async () => {
    const testOnly = writeTestOnlyIdx(path.join(work, 'dtest'));
    const r = await nnc('eval', tiny, '--weights', weights, '--backend', 'reference', '--data', testOnly);
    assert.equal(r.code, 0, r.stderr);
    const withAll = await nnc('eval', tiny, '--weights', weights, '--backend', 'reference');
    assert.equal(/Test loss: .*/.exec(r.stdout)?.[0], /Test loss: .*/.exec(withAll.stdout)?.[0]);
  });

  it('model and weights files that are FIFOs or devices are refused without reading them', async () => {
    const cases: [string | null, RegExp][] = [
      [makeFifo(path.join(work, 'fifo.ts')), /fifo\.ts'?: it is a FIFO \(named pipe\), not a regular file/],
      [linkToDevZero(path.join(work, 'zero.ts')), /zero\.ts'?: it is a character device, not a regular file/],
    ];
    for (const [file, message] of cases) {
      if (file === null) continue;
      for (const args of [['train', file, '--out', path.join(work, 'fifo-run')], ['build', file, '--out', path.join(work, 'fifo.nnc')], ['eval', file, '--weights', weights]]) {
        const r = await nnc(...args);
        assert.equal(r.code, 1, args[0]);
        assert.match(r.stderr, message);
        oneLineNoStack(r.stderr);
      }
      const asWeights = await nnc('eval', tiny, '--weights', file, '--backend', 'reference');
      assert.equal(asWeights.code, 1);
      assert.match(asWeights.stderr, /is (a FIFO \(named pipe\)|a character device), not a regular file/);
    }
  });

  it('weights that hold NaN are named as such instead of evaluated', async () => {
    const nan = writeNanWeights(weights, path.join(work, 'nan.safetensors'));
    for (const args of [['eval', tiny, '--weights', nan], ['predict', tiny, '--weights', nan, '--input', path.join(work, 'data', 't10k-images-idx3-ubyte')]]) {
      const r = await nnc(...args, '--backend', 'reference');
      assert.equal(r.code, 1, args[0]);
      assert.match(r.stderr, /nan\.safetensors: the weights hold NaN: 192 of the 192 values of "dense_1\.kernel" are not finite numbers/);
      assert.ok(!r.stdout.includes('Test loss'));
    }
  });

  it('integers are decimal digits within their range; seeds are u32', async () => {
    const cases: [string[], RegExp][] = [
      [['--epochs', '1e2'], /--epochs must be an integer from 1 to 1000000, got '1e2'/],
      [['--epochs', '0x2'], /--epochs must be an integer from 1 to 1000000, got '0x2'/],
      [['--epochs', '2.0'], /--epochs must be an integer from 1 to 1000000, got '2\.0'/],
      [['--epochs', ' 2'], /--epochs must be an integer from 1 to 1000000, got ' 2'/],
      [['--seed', '4294967297'], /--seed must be an integer from 0 to 4294967295, got '4294967297'/],
      [['--seed', '1e300'], /--seed must be an integer from 0 to 4294967295, got '1e300'/],
      [['--batch-size', '99999999999999999999'], /--batch-size must be an integer from 1 to 2147483647/],
      [['--threads', '1025'], /--threads must be an integer from 1 to 1024, got '1025'/],
    ];
    for (const [args, message] of cases) {
      // --out in the temp folder: were a value wrongly taken, the run must not land in the repository.
      const r = await nnc('train', tiny, '--backend', 'reference', '--out', path.join(work, 'flags'), ...args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, message);
      oneLineNoStack(r.stderr);
    }
    const max = await nnc('train', tiny, '--backend', 'reference', '--seed', '4294967295', '--out', path.join(work, 'max-seed'));
    assert.equal(max.code, 0, max.stderr);
  });

  it('--help gives every numeric option its range', async () => {
    const ranges: Record<string, RegExp[]> = {
      train: [/--epochs <n> +epochs to train, 1\.\.1000000/, /--batch-size <n> +examples per batch, 1\.\.2147483647/, /--seed <n> +.*, 0\.\.4294967295/, /--threads <n> +CPU backend threads, 1\.\.1024/],
      eval: [/--batch-size <n> +examples per batch, 1\.\.2147483647/, /--threads <n> +CPU backend threads, 1\.\.1024/],
      predict: [/--batch-size <n> +examples per batch, 1\.\.2147483647/, /--threads <n> +CPU backend threads, 1\.\.1024/],
      compare: [/--epochs <n> +epochs to train, 1\.\.1000000/, /--seed <n> +.*, 0\.\.4294967295/],
      build: [/--batch <n> +.*, 1\.\.2147483647/, /--train-batches <n,\.\.\.> +.*each 1\.\.2147483647/, /--infer-batches <n,\.\.\.> +.*each 1\.\.2147483647/],
    };
    for (const [command, patterns] of Object.entries(ranges)) {
      const r = await nnc(command, '--help');
      assert.equal(r.code, 0);
      for (const p of patterns) assert.match(r.stdout, p, command);
    }
  });

  it('control characters in a path are printed escaped, on one line', async () => {
    const model = path.join(work, 'ctl.ts');
    fs.writeFileSync(model, fs.readFileSync(tiny, 'utf8').replace("idx('data')", "idx('da\\x1b[31mta\\nx')"));
    const r = await nnc('train', model, '--backend', 'reference', '--out', path.join(work, 'ctl-run'));
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `nnc train: ${work}/da\\x1b[31mta\\nx: data folder not found\n`);
    const flag = await nnc('train', tiny, '--out', path.join(work, 'flags'), '--epochs', '\u001b]0;owned\u0007');
    assert.equal(flag.stderr, "nnc train: --epochs must be an integer from 1 to 1000000, got '\\x1b]0;owned\\x07'\n");
  });
});
