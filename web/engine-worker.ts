// The page's engine, in a Web Worker: it loads the compiled model, its weights and the
// sample of MNIST, classifies, and trains with the runtime's fit(). Here the WebAssembly
// threads may block (a page's main thread may not), and gpu.js draws on an OffscreenCanvas.

import { encodeSafetensors } from '../runtime/io/safetensors-bytes';
import { loadWeightsBytes } from '../runtime/io/weights-bytes';
import { fetchBytes, fetchCompiledModel } from '../runtime/model-fetch';
import { createWebEngine, webThreads } from '../runtime/web';
import { fetchImages } from './data';
import type { FromWorker, ToWorker } from './protocol';
import type { SiteConfig } from './site';
import { runTraining } from './worker-train';
import { webglInfo } from './webgl-info';
import { classifySamples, engineInfo, sampleSet, type Loaded } from './worker-state';

const scope = self as unknown as { onmessage: ((e: MessageEvent<ToWorker>) => void) | null; postMessage(m: FromWorker, transfer?: Transferable[]): void };
const post = (m: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(m, transfer);
const notice = (line: string): void => post({ type: 'notice', line });

let loaded: Loaded | null = null;

async function load(site: SiteConfig, siteUrl: string, threads: number | null): Promise<void> {
  const fetchFn = (u: string): Promise<Response> => fetch(u);
  const compiled = await fetchCompiledModel(new URL(site.model, siteUrl).href, fetchFn);
  const classes = compiled.manifest.io.classes;
  const [weights, train, test] = await Promise.all([
    site.weights === null ? Promise.resolve(null) : fetchBytes(new URL(site.weights, siteUrl).href, fetchFn),
    fetchImages(site.train, siteUrl, fetchFn, classes),
    fetchImages(site.test, siteUrl, fetchFn, classes),
  ]);
  const can = webThreads();
  const use = threads ?? can.threads;
  const engine = await createWebEngine(compiled, { backend: 'cpu', seed: site.seed, threads: use, notice });
  if (weights !== null && site.weights !== null) loadWeightsBytes(engine, weights, site.weights);
  const l: Loaded = { site, compiled, train, test, threads: use, engine, backend: 'cpu', runs: 0, training: null };
  loaded = l;
  const samples = sampleSet(l);
  const probs = classifySamples(l);
  post({
    type: 'loaded', engine: engineInfo(l), threadLimit: use > 1 ? null : can.limit, webgl: webglInfo(),
    samples: { x: samples.x.slice(), labels: samples.labels.slice(), probs },
  });
}

function weights(l: Loaded): void {
  const name = `${l.site.name}-weights.safetensors`;
  const bytes = encodeSafetensors(l.engine.getState().params, { format: 'nnc-weights', model: l.site.name }, name);
  post({ type: 'weights', name, bytes }, [bytes.buffer]);
}

async function handle(m: ToWorker): Promise<void> {
  if (m.type === 'load') return load(m.site, m.siteUrl, m.threads);
  const l = loaded;
  if (l === null) throw new Error(`'${m.type}' before the model was loaded`);
  if (m.type === 'predict') {
    const probs = l.engine.predict(m.x, m.x.length / l.engine.inputSize);
    post({ type: 'predicted', id: m.id, probs }, [probs.buffer]);
  } else if (m.type === 'train') {
    if (l.training) throw new Error('training is already running');
    await runTraining(l, m, post);
  } else if (m.type === 'stop') {
    l.training?.abort();
  } else {
    weights(l);
  }
}

scope.onmessage = (e) => {
  handle(e.data).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
};
