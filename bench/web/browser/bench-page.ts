// The bench page: bench.ts calls window.runBench(request); each request runs in a fresh
// worker (so one measurement's threads and WebGL context do not linger into the next).

import type { BenchRequest, BenchResult } from './protocol';

function runBench(request: BenchRequest): Promise<BenchResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker('bench-worker.js');
    worker.onmessage = (e: MessageEvent<{ ok: true; result: BenchResult } | { ok: false; error: string }>) => {
      worker.terminate();
      if (e.data.ok) resolve(e.data.result);
      else reject(new Error(e.data.error));
    };
    worker.onerror = (e) => { worker.terminate(); reject(new Error(e.message)); };
    worker.postMessage(request);
  });
}

(window as unknown as { runBench: typeof runBench }).runBench = runBench;
document.body.dataset.state = 'ready';
