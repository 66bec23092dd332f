// The page nnc web writes: it reads site.json, starts the engine worker (engine-worker.ts)
// and wires the drawing pad, the sample digits and the train panel to it. When the model
// is loaded and the samples classified, document.body.dataset.state is "ready".

import { mnistInput } from './preprocess';
import type { FromWorker, ToWorker } from './protocol';
import { drawPad } from './draw';
import { paintDigit, ProbabilityBars, SampleView } from './samples';
import { SITE_FILE, type SiteConfig } from './site';
import { describe, TrainPanel } from './train-panel';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** ?threads=N sets the WebAssembly thread count, ?steps=N stops training after N steps. */
function numberParam(name: string): number | null {
  const v = new URLSearchParams(location.search).get(name);
  const n = v === null ? NaN : Number(v);
  return Number.isInteger(n) && n > 0 ? n : null;
}

function showError(message: string): void {
  $('error').textContent = message;
  if (document.body.dataset.state !== 'ready') document.body.dataset.state = 'error';
}

function addNotice(line: string): void {
  const n = $('notices');
  n.textContent = n.textContent ? `${n.textContent} · ${line}` : line;
}

function download(name: string, bytes: Uint8Array<ArrayBuffer>): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

class Page {
  private readonly worker = new Worker('nnc-worker.js');
  private readonly bars = new ProbabilityBars(10);
  private samples: SampleView | null = null;
  private panel: TrainPanel | null = null;
  private lastPredict = 0;

  constructor(private readonly site: SiteConfig) {
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => this.receive(e.data);
    this.worker.onerror = (e) => showError(`the engine worker failed: ${e.message}`);
    const pad = drawPad($<HTMLCanvasElement>('draw'), (ink) => this.drawn(ink));
    $('clear').addEventListener('click', () => pad.clear());
    $('train-form').addEventListener('submit', (e) => { e.preventDefault(); this.train(); });
    $('stop').addEventListener('click', () => this.send({ type: 'stop' }));
    $('download').addEventListener('click', () => { if (this.ready()) this.send({ type: 'weights' }); });
    this.send({ type: 'load', site, siteUrl: new URL(SITE_FILE, location.href).href, threads: numberParam('threads') });
  }

  /** The model is loaded: the worker takes requests. */
  private ready(): boolean {
    return document.body.dataset.state === 'ready';
  }

  private send(m: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(m, transfer);
  }

  private drawn(ink: Float32Array): void {
    const canvas = $<HTMLCanvasElement>('draw');
    const x = mnistInput(ink, canvas.width, canvas.height);
    paintDigit($<HTMLCanvasElement>('preview'), x ?? new Float32Array(784));
    if (x === null) { this.bars.show(null); return; }
    if (!this.ready()) return;
    this.lastPredict += 1;
    this.send({ type: 'predict', id: this.lastPredict, x }, [x.buffer]);
  }

  private train(): void {
    if (!this.panel) return;
    const s = this.panel.settings();
    const maxSteps = numberParam('steps');
    this.panel.start(maxSteps);
    this.send({ type: 'train', backend: s.backend, epochs: s.epochs, batchSize: s.batchSize, maxSteps });
  }

  private receive(m: FromWorker): void {
    switch (m.type) {
      case 'loaded': {
        const gl = 'renderer' in m.webgl ? `${m.webgl.version} on ${m.webgl.renderer}` : `none (${m.webgl.missing})`;
        $('engine-line').textContent = `${describe(m.engine)} · WebGL: ${gl}`;
        $('engine-line').dataset.renderer = 'renderer' in m.webgl ? m.webgl.renderer : '';
        if (m.threadLimit) addNotice(`WebAssembly runs on one thread: ${m.threadLimit}`);
        this.panel = new TrainPanel(this.site.batchSizes, this.site.defaultBatchSize, 'renderer' in m.webgl ? m.webgl.renderer : null);
        this.samples = new SampleView(m.samples.x, m.samples.labels, 10);
        this.samples.show(m.samples.probs);
        document.body.dataset.state = 'ready';
        return;
      }
      case 'predicted': if (m.id === this.lastPredict) this.bars.show(m.probs); return;
      case 'progress': this.panel?.progress(m.progress); return;
      case 'epoch': this.panel?.epoch(m.record); return;
      case 'trained':
        this.panel?.finish(m.how, m.steps, m.engine, m.test, this.site.test.count);
        this.samples?.show(m.sampleProbs);
        return;
      case 'weights': download(m.name, m.bytes); return;
      case 'notice': addNotice(m.line); return;
      case 'error':
        showError(m.message);
        if (document.body.dataset.train === 'running') this.panel?.failed();
    }
  }
}

async function main(): Promise<void> {
  const response = await fetch(SITE_FILE);
  if (!response.ok) throw new Error(`${SITE_FILE}: HTTP ${response.status} (is this a folder written by nnc web?)`);
  const site = (await response.json()) as SiteConfig;
  $('model-name').textContent = site.name;
  document.title = `nnc · ${site.name}`;
  new Page(site);
}

main().catch((e: unknown) => showError(e instanceof Error ? e.message : String(e)));
