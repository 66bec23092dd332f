// --fma on nnc train/eval: the CPU programs' multiply-add form, chosen by the user. Both
// forms train the tiny model to losses that agree to float32 rounding, not bit for bit on a
// CPU with FMA; a bad value is one line. Each command runs in its own process: --fma on
// turns on a V8 flag, process-wide, which would put every later test on the fused form.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import type { CliResult } from './train-cli';
import { tempDir, writeTinyIdx, writeTinyModel } from './train-fixtures';
import { oneLineNoStack } from './hostile-fixtures';

function nnc(...argv: string[]): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'train-cli.ts'), ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

const testLoss = (stdout: string): number => Number(/Test loss: (\S+)/.exec(stdout)?.[1]);

describe('nnc --fma', function () {
  this.timeout(180_000);
  let work: string;
  before(() => {
    work = tempDir('nnc-fma-');
    writeTinyIdx(path.join(work, 'data'));
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('trains with the exact and the fused form to close losses, and eval reads either', async () => {
    const file = writeTinyModel(path.join(work, 'tiny.ts'));
    const exact = await nnc('train', file, '--fma', 'off', '--out', path.join(work, 'exact'));
    const fused = await nnc('train', file, '--fma', 'on', '--out', path.join(work, 'fused'));
    assert.equal(exact.code, 0, exact.stderr);
    assert.equal(fused.code, 0, fused.stderr);
    const [a, b] = [testLoss(exact.stdout), testLoss(fused.stdout)];
    assert.ok(Number.isFinite(a) && Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(a)), `exact ${a}, fused ${b}`);
    const evaluated = await nnc('eval', file, '--weights', path.join(work, 'fused', 'weights.safetensors'), '--fma', 'on');
    assert.equal(evaluated.code, 0, evaluated.stderr);
    assert.equal(testLoss(evaluated.stdout), b, 'eval in the fused form reproduces the fused run');
    assert.match(evaluated.stdout, /test examples, cpu \(WebAssembly SIMD with FMA, \d+ threads?\)/);
    const plain = await nnc('eval', file, '--weights', path.join(work, 'fused', 'weights.safetensors'), '--fma', 'off');
    assert.match(plain.stdout, /test examples, cpu \(WebAssembly SIMD, \d+ threads?\)/);
  });

  it('refuses another value in one line', async () => {
    const r = await nnc('eval', writeTinyModel(path.join(work, 'other.ts')), '--weights', 'w.safetensors', '--fma', 'fast');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--fma must be one of auto, on, off, got 'fast'/);
    oneLineNoStack(r.stderr);
  });
});
