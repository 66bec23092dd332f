// Host steps: a program node without a WebAssembly form runs through the HostOps the engine
// is given (the compiler's float64 reference in the CLI and here). Without them the engine
// refuses to load, naming the ops.

import { strict as assert } from 'node:assert';
import { createCpuEngine } from '../../../../runtime/backends/cpu/engine';
import { EngineError } from '../../../../runtime/engine';
import { createReferenceEngine } from '../../../../testing/reference-engine';
import { referenceHostOps } from '../../../../testing/host-ops';
import { buildCpuModel, hostStepModel, viaJson } from './build';
import { compareEngines, withEngines } from './compare';

describe('runtime/backends/cpu engine: host steps', function () {
  this.timeout(120_000);

  it('runs host steps with the reference host ops like the reference engine, on 1 and 2 threads to the same bits', async () => {
    const model = hostStepModel();
    const files = await buildCpuModel(model);
    const hostSteps = files.manifest.cpu.flatMap((p) => p.steps.filter((s) => s.kind === 'host'));
    assert.ok(hostSteps.length > 0, 'the model was meant to have host steps');
    const engines = [1, 2].map((threads) => createCpuEngine(viaJson(files), { seed: 4, threads, hostOps: referenceHostOps }));
    await withEngines(engines, (cpu) => {
      for (const engine of cpu) compareEngines(model, engine, createReferenceEngine(model, 4), 3, 4);
      assert.deepEqual(cpu[1].getState(), cpu[0].getState());
    });
  });

  it('refuses to load without host ops, in one line naming the ops', async () => {
    const files = await buildCpuModel(hostStepModel());
    await assert.rejects(createCpuEngine(files, { seed: 1 }), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.message, 'this compiled model runs prelu, mul, sumTo (shape [6,1,1]) on the host; load it through the nnc CLI, which supplies host ops');
      return true;
    });
  });
});
