// nnc web <model.ts|model.nnc> --out DIR: a static site that trains and runs the model in a
// web page: index.html, the runtime bundled for the browser, the compiled model, its
// weights, a sample of its data, and site.json tying them together. `nnc serve DIR` serves it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from '../command';
import { UsageError } from '../command';
import { intOption, onePositional, parseCommandArgs, stringOption } from '../args';
import { writeCompiledModel, OutputError } from '../../compiler/package/write';
import type { CompiledModelFiles } from '../../format/manifest';
import { checkInputShape, sliceDataset, type Dataset } from '../../runtime/data/dataset';
import type { NamedTensor } from '../../runtime/engine';
import { readSafetensors, writeSafetensors } from '../../runtime/io/safetensors';
import { checkTensorsMatch } from '../../runtime/io/safetensors-bytes';
import { CHECKPOINT_FORMAT } from '../../runtime/train/checkpoint-record';
import { labelModeForLoss } from '../../runtime/train/compatibility';
import { SITE_FILE, type SiteConfig } from '../../web/site';
import { compiledFor, openModel, type ModelArg } from '../model-arg';
import { nonEmpty } from './train-args';
import { asUsageErrors } from './train-errors';
import { DataCache, dataSourceFor } from './train-data';
import { bundlePage } from './web-bundle';
import { DATA_DIR, writeImages } from './web-data';
import { buildSizes, defaultBatchSizes, parseBatchSizes, trainableSizes, type PageCounts } from './web-plan';

const usage = `Usage: nnc web <model.ts|model.nnc> --out <dir> [options]

Writes a static site that runs the model in a web page: draw a digit and see the class
probabilities, classify test digits, and train the model in the page on WebGL (gpu.js) or
WebAssembly, then download the weights (safetensors, which nnc eval reads). Serve it with
nnc serve <dir> (cross-origin isolation lets WebAssembly use every core).

Options:
  --out <dir>            the site's folder (new, empty, or an earlier nnc web site)
  --weights <file>       start from these weights (default: the model's seeded initial weights)
  --batch-sizes <n,...>  training batch sizes the page offers (default: 32, 128 and the model's)
  --train-images <n>     training images to include, the last validationSplit validating (default 5000)
  --test-images <n>      test images to include (default 1000)
  --samples <n>          test digits the page shows and classifies (default 24)
  -h, --help             show this help
`;

const MODEL_DIR = 'model';
const WEIGHTS_FILE = 'weights.safetensors';

function checkOut(out: string): void {
  if (!fs.existsSync(out)) return;
  if (!fs.statSync(out).isDirectory()) throw new UsageError(`--out ${out}: exists and is not a folder`);
  if (fs.readdirSync(out).length > 0 && !fs.existsSync(path.join(out, SITE_FILE))) {
    throw new UsageError(`--out ${out}: a folder that is not empty and not an nnc web site; choose another --out`);
  }
}

function checkMnistShaped(m: ModelArg): void {
  const io = m.facts.io;
  if (io.inputShape.join(',') !== '28,28,1' || io.classes !== 10) {
    throw new UsageError(`${m.arg}: the page draws and shows 28x28 grey digits in 10 classes; this model takes [${io.inputShape.join(', ')}] with ${io.classes} classes`);
  }
}

/** The model's parameters and state from a weights or checkpoint file, checked against the model. */
function readWeights(file: string, compiled: CompiledModelFiles): NamedTensor[] {
  const { tensors, metadata } = readSafetensors(file);
  const expected = [...compiled.manifest.params, ...compiled.manifest.state];
  const names = new Set(expected.map((p) => p.name));
  const params = metadata.format === CHECKPOINT_FORMAT ? tensors.filter((t) => names.has(t.name)) : tensors;
  checkTensorsMatch(expected, params, file);
  return params;
}

export const command: Command = {
  name: 'web',
  usage,
  async run(args) {
    const p = parseCommandArgs(args, {
      out: { type: 'string' }, weights: { type: 'string' }, 'batch-sizes': { type: 'string' },
      'train-images': { type: 'string' }, 'test-images': { type: 'string' }, samples: { type: 'string' },
    });
    if (p.values.help) { process.stdout.write(usage); return 0; }
    const file = onePositional(p, 'model file');
    const out = nonEmpty(p, 'out');
    if (out === undefined) throw new UsageError('--out <dir> is required (the folder to write the site to)');
    const weights = nonEmpty(p, 'weights');
    const batchFlag = stringOption(p, 'batch-sizes');
    const trainImages = intOption(p, 'train-images', { min: 2 }) ?? 5000;
    const testImages = intOption(p, 'test-images') ?? 1000;
    const samples = intOption(p, 'samples') ?? 24;
    checkOut(out);
    return asUsageErrors(async () => {
      const model = await openModel(file);
      if (model === null) return 1;
      const plan = await planSite(model, { batchFlag, trainImages, testImages, samples, weights });
      writeOrFail(out, () => writeSite(out, plan));
      const scripts = await bundlePage(out);
      const { site, counts } = plan;
      process.stdout.write(`Wrote ${out}/: ${[...scripts, SITE_FILE, site.model, ...(site.weights ? [site.weights] : []), `${DATA_DIR}/`].join(', ')}\n`
        + `  ${site.name}: train at batch ${site.batchSizes.join(', ')} on ${counts.train} images (validating on ${counts.val}); ${site.samples} of ${counts.test} test digits shown\n`
        + `Serve it with: nnc serve ${out}\n`);
      return 0;
    });
  },
};

interface SiteRequest {
  readonly batchFlag: string | undefined;
  readonly trainImages: number;
  readonly testImages: number;
  readonly samples: number;
  readonly weights: string | undefined;
}

/** Everything the site holds, checked and computed before anything is written. */
interface SitePlan {
  readonly site: Omit<SiteConfig, 'train' | 'test'>;
  readonly counts: PageCounts;
  readonly compiled: CompiledModelFiles;
  readonly params: NamedTensor[] | null;
  readonly sets: { readonly train: Dataset; readonly test: Dataset };
}

async function planSite(model: ModelArg, req: SiteRequest): Promise<SitePlan> {
  checkMnistShaped(model);
  const normalize = model.facts.data.normalize;
  if (normalize !== undefined && normalize !== 'scale') {
    throw new UsageError(`${model.arg}: the page feeds the model pixels in [0, 1] (normalize: 'scale'); this model's data has normalize: '${normalize}'`);
  }
  const sets = new DataCache().get(dataSourceFor(model, undefined), model);
  checkInputShape(sets.train, model.facts.io.inputShape, model.arg);
  const fit = model.facts.fit;
  const total = Math.min(req.trainImages, sets.train.count);
  const split = Math.floor(total * (1 - fit.validationSplit));
  const counts: PageCounts = { train: split, val: total - split, test: Math.min(req.testImages, sets.test.count) };
  const wanted = (req.batchFlag === undefined ? defaultBatchSizes(fit.batchSize) : parseBatchSizes(req.batchFlag)).filter((b) => b <= counts.train);
  if (wanted.length === 0) throw new UsageError(`no batch size fits ${counts.train} training images; raise --train-images or lower --batch-sizes`);
  const compiled = model.front !== null ? await compiledFor(model, buildSizes(wanted, counts)) : (model.compiled as CompiledModelFiles);
  const batchSizes = model.front !== null ? wanted : trainableSizes(compiled, wanted, counts, model.arg);
  const params = req.weights === undefined ? null : readWeights(req.weights, compiled);
  const site = {
    name: model.facts.name, model: `${MODEL_DIR}/`, weights: params === null ? null : WEIGHTS_FILE,
    samples: Math.min(req.samples, counts.test), validationSplit: fit.validationSplit, seed: fit.seed, labelMode: labelModeForLoss(model.facts.loss),
    batchSizes, defaultBatchSize: batchSizes.includes(fit.batchSize) ? fit.batchSize : batchSizes[batchSizes.length - 1],
  };
  return { site, counts, compiled, params, sets: { train: sliceDataset(sets.train, 0, total), test: sets.test } };
}

function writeSite(out: string, plan: SitePlan): void {
  const { site, counts, params, sets } = plan;
  fs.mkdirSync(out, { recursive: true });
  writeModel(path.join(out, MODEL_DIR), plan.compiled);
  if (params !== null) writeSafetensors(path.join(out, WEIGHTS_FILE), params, { format: 'nnc-weights', model: site.name });
  else fs.rmSync(path.join(out, WEIGHTS_FILE), { force: true });
  const config: SiteConfig = { ...site, train: writeImages(out, 'train', sets.train, sets.train.count), test: writeImages(out, 't10k', sets.test, counts.test) };
  fs.writeFileSync(path.join(out, SITE_FILE), JSON.stringify(config, null, 1) + '\n');
}

/** Runs `write`, a file system error (a read-only folder, a full disk) becoming one line. */
function writeOrFail(out: string, write: () => void): void {
  try {
    write();
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
    if (code) throw new UsageError(`cannot write ${out}: ${code}`);
    throw e;
  }
}

function writeModel(dir: string, compiled: CompiledModelFiles): void {
  try {
    writeCompiledModel(dir, compiled);
  } catch (e) {
    if (e instanceof OutputError) throw new UsageError(e.message);
    throw e;
  }
}
