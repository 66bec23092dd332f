// PyTorch's training step on the seed models (torch_step.py), timed in its own process.

import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export interface Timing { readonly median: number; readonly min: number }

/** Median ms per step, or why the peer could not run. */
export function timeTorch(model: string, steps: number, warmup: number, threads: number): Timing | string {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return 'peer not run: /usr/bin/python3 is missing';
  const script = path.join(__dirname, 'torch_step.py');
  const r = spawnSync(python, [script, '--model', model, '--steps', String(steps), '--warmup', String(warmup), '--threads', String(threads)], { encoding: 'utf8' });
  if (r.status !== 0) {
    const why = /No module named 'torch'/.test(r.stderr) ? 'PyTorch is not installed (apt-get install python3-torch)' : r.stderr.trim().split('\n').pop();
    return `peer not run: ${why}`;
  }
  const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { ms_per_step: number };
  return { median: out.ms_per_step, min: out.ms_per_step };
}
