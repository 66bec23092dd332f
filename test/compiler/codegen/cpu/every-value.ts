// The value-by-value harness of program.test.ts, shared: a graph's CPU program, generated as
// `nnc build` does and run through the runtime, must hold the float64 interpreter's value in
// every buffer it materialises (each made a `probe:%id` output), and its real (memory-sharing)
// plan must produce the graph's outputs on 2 threads.

import { strict as assert } from 'node:assert';
import type { CpuProgram } from '../../../../compiler/codegen/cpu/program';
import { interpret } from '../../../../compiler/ir/interpret';
import type { Tensor } from '../../../../compiler/ir/tensor';
import type { Graph, Node } from '../../../../compiler/ir/types';
import { fuse } from '../../../../compiler/passes/fuse';
import type { CompiledModel } from '../../../../compiler/pipeline';
import { generateCpuProgram, type GeneratedCpuProgram } from '../../../../compiler/package/cpu';
import { ProgramRunner } from '../../../../runtime/backends/cpu/program-runner';
import { nodePools } from '../../../../runtime/backends/cpu/threads';
import { referenceHostOps } from '../../../../testing/host-ops';
import { modelFeeds } from '../../../../testing/check-model';

// float32 kernels against the float64 reference; the error bound grows with the tensor's
// largest magnitude, since a long reduction's rounding scales with its terms, not its result.
const ATOL = 1e-4;
const RTOL = 1e-3;

/** The model's feeds at `batch`, rounded to float32 so both sides start from the same numbers. */
export function float32Feeds(model: CompiledModel, batch: number, seed: number): Record<string, Tensor> {
  const feeds = modelFeeds(model, batch, seed, 0.01);
  for (const t of Object.values(feeds)) for (let i = 0; i < t.data.length; i++) t.data[i] = Math.fround(t.data[i]);
  return feeds;
}

/** Runs a generated program as the runtime does, on `threads` threads, host steps by the reference. */
function runProgram(generated: GeneratedCpuProgram, feeds: Readonly<Record<string, Tensor>>, seed: number, threads: number): ProgramRunner {
  const { program, wasm } = generated;
  const runner = ProgramRunner.create(program, new WebAssembly.Module(wasm), { threads, hostOps: referenceHostOps, pools: nodePools });
  for (const name of Object.keys(program.inputs)) runner.input(name).set(feeds[name].data);
  for (const name of Object.keys(program.params)) runner.param(name).set(feeds[name].data);
  runner.run(seed);
  return runner;
}

/** A message for the worst element outside the float32 tolerance, or null. */
function mismatch(got: Float32Array, want: Tensor): string | null {
  if (got.length !== want.data.length) return `${got.length} values, expected ${want.data.length}`;
  let scale = 1;
  for (const v of want.data) scale = Math.max(scale, Math.abs(v));
  let worst = -1, excess = 0;
  for (let i = 0; i < got.length; i++) {
    const over = Math.abs(got[i] - want.data[i]) - (ATOL * scale + RTOL * Math.abs(want.data[i]));
    if (!(over <= excess)) { excess = over; worst = i; }
  }
  return worst < 0 ? null : `[${worst}] = ${got[worst]}, reference ${want.data[worst]} (scale ${scale})`;
}

/** The same graph with every value `program` materialises made a graph output (outputs are pinned, so each keeps its buffer). */
function probeEveryValue(graph: Graph, program: CpuProgram): Graph {
  const probes: Record<string, number> = {};
  for (const id of program.slots.keys()) probes[`probe:%${id}`] = id;
  return { nodes: graph.nodes, outputs: { ...graph.outputs, ...probes } };
}

/** Failures (one line each) of the program of `graph` (already simplified) against the interpreter. */
export function checkEveryValue(graph: Graph, feeds: Readonly<Record<string, Tensor>>, batch: number, seed: number): string[] {
  const real = generateCpuProgram(fuse(graph), 'infer', batch, null, 'real.wasm');
  const probed = generateCpuProgram(fuse(probeEveryValue(graph, real.source)), 'infer', batch, null, 'probed.wasm');
  assert.deepEqual(probed.source.steps, real.source.steps, 'making values outputs changed the kernels');
  const reference = interpret(graph, feeds, { seed }).values;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const failures: string[] = [];
  const compare = (runner: ProgramRunner, outputs: Iterable<[string, number]>, what: string): void => {
    for (const [name, id] of outputs) {
      const problem = mismatch(runner.output(name), reference.get(id) as Tensor);
      if (problem) failures.push(`${what} %${id} = ${(byId.get(id) as Node).op} [${real.source.slots.get(id)?.shape}]: ${problem}`);
    }
  };
  const probedRunner = runProgram(probed, feeds, seed, 1);
  compare(probedRunner, [...probed.source.slots.keys()].map((id): [string, number] => [`probe:%${id}`, id]), 'value');
  const realRunner = runProgram(real, feeds, seed, 2);
  compare(realRunner, Object.entries(graph.outputs), 'output');
  probedRunner.dispose();
  realRunner.dispose();
  return failures;
}
