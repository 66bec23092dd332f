// Start-up of a model file against its compiled model, side by side in one run: the time
// from command start to the end of a short training run (1000 MNIST images: 4 steps, one
// validation and one test batch, so start-up dominates), and `nnc eval` on the 10000 test
// images. Each figure is the median of whole `nnc` processes, the two forms alternating.
//   npx tsx bench/startup.ts [--runs N]        (uses dist/: run `npm run build` first)

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadMnist, type Dataset } from '../runtime/data/dataset';
import { encodeIdx } from '../runtime/data/idx';

const ROOT = path.resolve(__dirname, '..');
const NNC = path.join(ROOT, 'bin', 'nnc.js');

function nnc(args: readonly string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, [NNC, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nnc ${args.join(' ')} failed:\n${r.stderr}`);
  return performance.now() - t;
}

function writeSet(dir: string, prefix: string, ds: Dataset, count: number): void {
  const size = ds.x.length / ds.count;
  const pixels = Uint8Array.from(ds.x.subarray(0, count * size), (v) => Math.round(v * 255));
  fs.writeFileSync(path.join(dir, `${prefix}-images-idx3-ubyte`), encodeIdx([count, 28, 28], pixels));
  fs.writeFileSync(path.join(dir, `${prefix}-labels-idx1-ubyte`), encodeIdx([count], Uint8Array.from(ds.labels.subarray(0, count))));
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: 'string' } } });
  const runs = Number(values.runs ?? 5);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nnc-startup-'));
  try {
    const mnist = loadMnist();
    const small = path.join(work, 'mnist-1000');
    fs.mkdirSync(small);
    writeSet(small, 'train', mnist.train, 1250);
    writeSet(small, 't10k', mnist.test, 250);
    const source = path.join(ROOT, 'models', 'mnist-prelu.ts');
    const compiled = path.join(work, 'mnist-prelu.nnc');
    const build = nnc(['build', source, '--out', compiled]);
    const weights = path.join(work, 'run', 'weights.safetensors');
    nnc(['train', compiled, '--data', small, '--epochs', '1', '--out', path.join(work, 'run')]);
    const cases = [
      { what: 'train 1 epoch of 1000 images', args: (m: string) => ['train', m, '--data', small, '--epochs', '1', '--out', path.join(work, `r${Math.random()}`)] },
      { what: 'eval on 10000 test images', args: (m: string) => ['eval', m, '--weights', weights] },
    ];
    console.log(`nnc start-up: mnist-prelu, model file vs compiled model (nnc build took ${(build / 1000).toFixed(1)} s), median of ${runs} runs each, ${os.availableParallelism()} cores, load ${os.loadavg()[0].toFixed(1)}`);
    for (const c of cases) {
      const times = { file: [] as number[], compiled: [] as number[] };
      for (let r = 0; r < runs; r++) {
        times.file.push(nnc(c.args(source)));
        times.compiled.push(nnc(c.args(compiled)));
      }
      const [f, k] = [median(times.file), median(times.compiled)];
      console.log(`${c.what.padEnd(30)} model file ${(f / 1000).toFixed(2)} s   compiled ${(k / 1000).toFixed(2)} s   ${(f / k).toFixed(2)}x`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
