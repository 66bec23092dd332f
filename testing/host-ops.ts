// Host ops from the compiler's float64 reference: what the CLI (and the tests) hand the CPU
// runtime for program steps without a WebAssembly form. Each op evaluates in float64 on its
// float32 inputs and rounds once to float32, as the runtime ran such steps before programs
// were compiled ahead of time.

import { getOp } from '../compiler/ops/index';
import { tensor } from '../compiler/ir/tensor';
import type { HostOps } from '../runtime/backends/cpu/host-ops';

export const referenceHostOps: HostOps = (node, inputs, batch) => {
  const out = getOp(node.op).evaluate(inputs.map((t) => tensor(t.shape, t.data)), node.attrs, {
    outShape: node.output.shape, batch, random: () => 0,
  });
  return Float32Array.from(out.data);
};
