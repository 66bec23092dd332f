// nnc export <model.ts|model.nnc> --weights FILE -o model.onnx: writes the model's inference
// graph with trained weights as an ONNX model (opset 13, same NHWC input as nnc), atomically:
// a model that cannot be exported leaves no file behind.

import * as path from 'node:path';
import type { Command } from '../command';
import { UsageError } from '../command';
import { onePositional, parseCommandArgs, stringOption } from '../args';
import { exportOnnx, OnnxExportError, ONNX_INPUT, ONNX_OUTPUT } from '../../compiler/export/onnx/export';
import { OPSET } from '../../compiler/export/onnx/proto';
import { parseGraph } from '../../compiler/ir/parser';
import type { Graph } from '../../compiler/ir/types';
import { nncVersion } from '../../compiler/package/version';
import type { ParamInfo } from '../../format/manifest';
import { writeFileAtomic } from '../../runtime/io/atomic';
import { checkTensorsMatch, readSafetensors } from '../../runtime/io/safetensors';
import { CHECKPOINT_FORMAT } from '../../runtime/train/checkpoint-record';
import type { NamedTensor } from '../../runtime/engine';
import { escapeText } from '../escape';
import { nonEmpty } from './train-args';
import { asUsageErrors } from './train-errors';
import { openModel, type ModelArg } from '../model-arg';

const usage = `Usage: nnc export <model.ts|model.nnc> --weights <file> -o <model.onnx> [--format onnx]

Writes the model's inference graph (its softmax output) with the weights in <file> as an
ONNX model (opset 13) that onnxruntime, PyTorch's ONNX tools and other runtimes load. It
takes the same input as nnc: float32 x [N, height, width, channels] (channels-last), and
gives probs [N, classes]; N, the batch size, is free. The model's name, nnc's version and
the model source's SHA-256 are in the ONNX metadata.

Options:
  --weights <file>   weights.safetensors from nnc train, or a checkpoint (required)
  -o, --out <file>   the ONNX file to write (required)
  --format <name>    onnx (the only format, and the default)
  -h, --help         show this help
`;

export const command: Command = {
  name: 'export',
  usage,
  async run(args) {
    const p = parseCommandArgs(args, { weights: { type: 'string' }, out: { type: 'string', short: 'o' }, format: { type: 'string' } });
    if (p.values.help) { process.stdout.write(usage); return 0; }
    const file = onePositional(p, 'model file');
    const weights = nonEmpty(p, 'weights');
    if (weights === undefined) throw new UsageError('--weights <file> is required (e.g. runs/<model>-<timestamp>/weights.safetensors)');
    const out = nonEmpty(p, 'out');
    if (out === undefined) throw new UsageError('-o <file> is required: the ONNX file to write (e.g. -o model.onnx)');
    const format = stringOption(p, 'format') ?? 'onnx';
    if (format !== 'onnx') throw new UsageError(`--format must be onnx, got '${format}'`);
    return asUsageErrors(async () => {
      const model = await openModel(file);
      if (model === null) return 1;
      const { graph, params } = inferenceGraph(model);
      const tensors = readWeights(weights, params);
      let bytes: Uint8Array;
      try {
        bytes = exportOnnx(graph, tensors, { name: model.facts.name, nncVersion: nncVersion(), sourceSha256: model.facts.sha256, sourceFile: sourceFile(model) });
      } catch (e) {
        if (e instanceof OnnxExportError) throw new UsageError(`${file}: ${e.message}; nothing was written`);
        throw e;
      }
      writeOut(out, bytes);
      const io = model.facts.io;
      process.stdout.write(`Wrote ${escapeText(out)} (ONNX opset ${OPSET}, ${(bytes.length / 1e6).toFixed(2)} MB): input ${ONNX_INPUT} float32 [N,${io.inputShape.join(',')}], `
        + `output ${ONNX_OUTPUT} float32 [N,${io.outputShape.join(',')}]\n`);
      return 0;
    });
  },
};

/** The forward graph and params (state included): the model file's own, or those the compiled model carries as IR text. */
function inferenceGraph(m: ModelArg): { graph: Graph; params: readonly ParamInfo[] } {
  if (m.front !== null) return { graph: m.front.forward, params: [...m.front.paramInfo, ...m.front.stateInfo] };
  const manifest = (m.compiled as NonNullable<ModelArg['compiled']>).manifest;
  try {
    return { graph: parseGraph(manifest.graphs.forward), params: [...manifest.params, ...manifest.state] };
  } catch (e) {
    throw new UsageError(`${path.join(m.arg, 'manifest.json')}: graphs.forward does not read as IR (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
}

/** The model's params from a weights file or a checkpoint (whose optimizer slots are left out). */
function readWeights(file: string, params: readonly ParamInfo[]): NamedTensor[] {
  const { tensors, metadata } = readSafetensors(file);
  const names = new Set(params.map((q) => q.name));
  const own = metadata.format === CHECKPOINT_FORMAT ? tensors.filter((t) => names.has(t.name)) : tensors;
  checkTensorsMatch(params, own, file);
  // NaN or infinity would export a model that answers NaN: name the weights file instead.
  for (const t of own) {
    const bad = t.data.filter((v) => !Number.isFinite(v)).length;
    if (bad > 0) throw new UsageError(`${file}: ${bad} of the ${t.data.length} values of ${JSON.stringify(t.name)} are NaN or infinite; nothing was written`);
  }
  return own;
}

function sourceFile(m: ModelArg): string {
  return path.basename(m.front !== null ? m.front.file : (m.compiled as NonNullable<ModelArg['compiled']>).manifest.source.file);
}

const WRITE_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'its folder does not exist', EISDIR: 'it is a folder', ENOTDIR: 'a part of its path is not a folder',
  EACCES: 'permission denied', EROFS: 'the file system is read-only', ENOSPC: 'no space left on the device',
};

function writeOut(out: string, bytes: Uint8Array): void {
  try {
    writeFileAtomic(out, bytes);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new UsageError(`cannot write ${out}: ${WRITE_ERRORS[code] ?? (code || String(e))}`);
  }
}
