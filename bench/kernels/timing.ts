// Timing for kernel benchmarks on a shared machine: the best wall-clock time of several
// runs (the least disturbed by other processes) and the mean CPU time of the whole
// process per run (all threads together; it does not grow when other processes steal
// the cores, so it shows the work a run costs even when wall time is noisy).

export interface Timing {
  readonly bestWallMs: number;
  readonly meanCpuMs: number;
}

export function timeRuns(run: () => void, runs: number): Timing {
  run();
  let bestWallMs = Infinity;
  let cpu = 0;
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    run();
    bestWallMs = Math.min(bestWallMs, Number(process.hrtime.bigint() - t0) / 1e6);
    const d = process.cpuUsage(c0);
    cpu += (d.user + d.system) / 1e3;
  }
  return { bestWallMs, meanCpuMs: cpu / runs };
}

/** GFLOP/s for `flops` done in `ms` milliseconds. */
export function gflops(flops: number, ms: number): number {
  return flops / ms / 1e6;
}
