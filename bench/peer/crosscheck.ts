// nnc's compiled training step against PyTorch's: the seed model without its dropout layers
// (the only randomness in a step), nnc's initial params, the first batch of MNIST; a few
// steps on nnc's CPU backend, then the same steps in PyTorch float64 with Keras' Adam
// (bench/peer/torch_crosscheck.py), which prints how far the gradients (Adam's m and v)
// and params are apart. Not a test: it needs Debian's python3-torch.
// Run: npx tsx bench/peer/crosscheck.ts [--model relu|prelu] [--steps N]

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildModel, compileFile, compileSpec } from '../../compiler/pipeline';
import { createEngine } from '../../runtime/backends/index';
import { loadMnist } from '../../runtime/data/dataset';
import { writeSafetensors } from '../../runtime/io/safetensors';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<number> {
  const kind = option('model', 'prelu');
  const steps = Number(option('steps', '2'));
  if (kind !== 'relu' && kind !== 'prelu') throw new Error(`--model must be relu or prelu, got ${kind}`);
  const compiled = compileFile(path.join(__dirname, '..', '..', 'models', `mnist-${kind}.ts`));
  if (!compiled.ok) throw new Error(compiled.diagnostics.join('\n'));
  const spec = compiled.model.spec;
  const model = compileSpec({ ...spec, layers: spec.layers.filter((l) => l.type !== 'dropout') });
  const engine = await createEngine(await buildModel(model, { gpu: false }), { backend: 'cpu', seed: spec.fit.seed });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnc-crosscheck-'));
  try {
    const batch = spec.fit.batchSize;
    const { train } = loadMnist();
    const x = train.x.slice(0, batch * engine.inputSize);
    const labels = new Float32Array(batch * 10);
    for (let b = 0; b < batch; b++) labels[b * 10 + train.labels[b]] = 1;
    const before = engine.getState().params.map((p) => ({ ...p, data: p.data.slice() }));
    writeSafetensors(path.join(dir, 'before.safetensors'), [...before, { name: 'x', shape: [batch, ...spec.input], data: x }, { name: 'labels', shape: [batch, 10], data: labels }]);
    for (let s = 0; s < steps; s++) console.log(`nnc step ${s + 1}: loss ${engine.trainStep(x, labels, batch, s).loss.toFixed(7)}`);
    const after = engine.getState();
    writeSafetensors(path.join(dir, 'after.safetensors'), [...after.params, ...after.slots]);
    const torch = spawnSync('/usr/bin/python3', [path.join(__dirname, 'torch_crosscheck.py'), dir, '--model', kind, '--steps', String(steps)], { stdio: 'inherit' });
    return torch.status ?? 1;
  } finally {
    engine.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => { console.error(e instanceof Error ? e.message : String(e)); process.exitCode = 1; });
