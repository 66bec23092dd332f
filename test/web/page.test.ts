// The page nnc web writes, driven in headless Chromium as a user would use it: it loads
// and classifies the test digits as `nnc predict` does, turns a mouse stroke into class
// probabilities, and trains in the page on WebAssembly (to the Node CPU backend's weights)
// and on WebGL (gpu.js on Chromium's software renderer here), its weights downloading as a
// file `nnc eval` reads.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'puppeteer-core';
import { serveStatic, type StaticServer } from '../../cli/static-server';
import { createEngine } from '../../runtime/backends/index';
import { loadIdxDataset, sliceDataset } from '../../runtime/data/dataset';
import { readSafetensors } from '../../runtime/io/safetensors';
import { loadWeights } from '../../runtime/io/weights';
import { readCompiledModel } from '../../runtime/model-files';
import { TrainingInterrupted } from '../../runtime/train/errors';
import { fit } from '../../runtime/train/fit';
import { nnc } from '../cli/train-cli';
import { tempDir } from '../cli/train-fixtures';
import { launchChromium, requireChromium, watchPage, type LaunchedChromium } from '../support/chromium';
import { BATCH, writeSite, type SiteFixture } from './site-fixture';

interface Opened { readonly page: Page; readonly problems: string[] }

// What the callbacks run in the page touch (this file is typed without the DOM library).
interface PageElement { readonly dataset: Record<string, string | undefined>; readonly textContent: string | null }
declare const document: { readonly body: PageElement; getElementById(id: string): PageElement | null; querySelectorAll(selector: string): ArrayLike<PageElement> };
declare const crossOriginIsolated: boolean;
declare const navigator: { readonly hardwareConcurrency: number };

describe('nnc web: the page in headless Chromium', function () {
  this.timeout(120_000);
  let root: string;
  let fx: SiteFixture;
  let server: StaticServer;
  let chromium: LaunchedChromium;

  before(async function () {
    requireChromium(this);
    root = tempDir('nnc-web-');
    fx = await writeSite(root);
    server = await serveStatic(fx.dir, 0);
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    await server?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  async function open(query = '', at = server): Promise<Opened> {
    const page = await chromium.browser.newPage();
    const problems = watchPage(page, at.url);
    await page.goto(at.url + query);
    // Polling by time, not by frame: WebGL on SwiftShader can hold frames back for seconds.
    await page.waitForFunction(() => document.body.dataset.state !== 'loading', { polling: 100, timeout: 60_000 });
    const state = await page.evaluate(() => [document.body.dataset.state, document.getElementById('error')?.textContent]);
    assert.equal(state[0], 'ready', `the page did not get ready: ${state[1]}`);
    return { page, problems };
  }

  async function samplePredictions(page: Page): Promise<{ classes: number[]; probs: number[] }> {
    return page.$eval('#sample-predictions', (e) => ({
      classes: (e.textContent ?? '').split(' ').map(Number),
      probs: JSON.parse((e as PageElement).dataset.probabilities ?? '[]') as number[],
    }));
  }

  /** Trains in the page (its ?steps= limit applies) and returns #train-status's hooks. */
  async function train(page: Page, backend: 'cpu' | 'gpu', epochs: number): Promise<{ steps: number; losses: number[]; backend: string; text: string }> {
    await page.select('#backend', backend);
    await page.select('#batch-size', String(BATCH));
    await page.$eval('#epochs', (e, n) => { (e as { value: string }).value = String(n); }, epochs);
    await page.click('#train');
    await page.waitForFunction(() => document.body.dataset.train !== undefined && document.body.dataset.train !== 'running', { polling: 250, timeout: 110_000 });
    const r: Record<string, string | undefined> = await page.$eval('#train-status', (e) => ({ ...(e as PageElement).dataset, text: e.textContent ?? '' }));
    const outcome = await page.evaluate(() => [document.body.dataset.train, document.getElementById('error')?.textContent]);
    assert.notEqual(outcome[0], 'error', `training failed: ${outcome[1]}`);
    return { steps: Number(r.step), losses: (r.losses ?? '').split(' ').map(Number), backend: r.backend ?? '', text: r.text ?? '' };
  }

  async function downloadWeights(page: Page): Promise<string> {
    const file = path.join(chromium.downloads, `${fx.site.name}-weights.safetensors`);
    fs.rmSync(file, { force: true });
    await page.click('#download');
    for (let t = 0; t < 200 && !fs.existsSync(file); t++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(fs.existsSync(file), `no download at ${file}`);
    return file;
  }

  const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

  it('gets ready with no console errors, classifying the test digits as nnc predict does', async () => {
    const { page, problems } = await open();
    const threads = await page.$eval('#engine-line', (e) => e.textContent ?? '');
    const cores = await page.evaluate(() => (crossOriginIsolated ? navigator.hardwareConcurrency : 0));
    assert.ok(cores > 0, 'nnc serve\'s headers make the page cross-origin isolated');
    // Chromium has relaxed SIMD: the page runs the fused-multiply-add programs.
    assert.match(threads, new RegExp(`WebAssembly SIMD with FMA, ${cores} threads?\\)`));
    const got = await samplePredictions(page);
    const r = await nnc('predict', path.join(fx.dir, 'model'), '--weights', fx.weights, '--input', path.join(fx.dir, fx.site.test.images), '--json');
    assert.equal(r.code, 0, r.stderr);
    const expected = r.stdout.trim().split('\n').slice(0, fx.site.samples).map((l) => JSON.parse(l) as { class: number; probabilities: number[] });
    assert.deepEqual(got.classes, expected.map((e) => e.class));
    const want = expected.flatMap((e) => e.probabilities);
    assert.equal(got.probs.length, want.length);
    const worst = Math.max(...got.probs.map((p, i) => Math.abs(p - want[i])));
    assert.ok(worst <= 1e-4, `probabilities differ by up to ${worst}`);
    assert.ok(new Set(got.classes).size > 3, `trained weights predict several classes: ${got.classes.join(' ')}`);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('says so and runs on one thread when the page is not cross-origin isolated', async () => {
    const plain = await serveStatic(fx.dir, 0, { crossOriginIsolated: false });
    try {
      const { page, problems } = await open('', plain);
      assert.match(await page.$eval('#engine-line', (e) => e.textContent ?? ''), /WebAssembly SIMD with FMA, 1 thread\)/);
      assert.match(await page.$eval('#notices', (e) => e.textContent ?? ''), /one thread: the page is not cross-origin isolated/);
      const isolated = await open();
      assert.deepEqual(await samplePredictions(page), await samplePredictions(isolated.page));
      assert.deepEqual([...problems, ...isolated.problems], []);
      await page.close();
      await isolated.page.close();
    } finally {
      await plain.close();
    }
  });

  it('turns a stroke drawn with the mouse into ten probabilities that sum to 1', async () => {
    const { page, problems } = await open();
    const box = await (await page.$('#draw'))?.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + 150, box.y + 40);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + 150 - i, box.y + 40 + i * 10);
    await page.mouse.up();
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#draw-probs li')).every((li) => li.dataset.p), { polling: 50, timeout: 10_000 });
    const probs = await page.$$eval('#draw-probs li', (lis) => lis.map((li) => Number((li as PageElement).dataset.p)));
    assert.equal(probs.length, 10);
    assert.ok(probs.every((p) => p >= 0 && p <= 1), probs.join(' '));
    assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-5, `the probabilities sum to ${probs.reduce((a, b) => a + b, 0)}`);
    const preview = await page.$eval('#preview', (c) => {
      const canvas = c as { getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null };
      const d = canvas.getContext('2d')?.getImageData(0, 0, 28, 28).data ?? [];
      let ink = 0;
      for (let i = 0; i < d.length; i += 4) ink += d[i];
      return ink / 255;
    });
    assert.ok(preview > 10, `the 28x28 input shows the stroke (ink ${preview})`);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('trains 3 steps on WebAssembly to the Node CPU backend\'s weights, and nnc eval reads the downloaded file', async () => {
    const { page, problems } = await open('?steps=3');
    const run = await train(page, 'cpu', 1);
    assert.equal(run.steps, 3);
    assert.equal(run.backend, 'cpu');
    const downloaded = readSafetensors(await downloadWeights(page));
    // The same 3 steps in Node: the page's data files, split, seed and batch size.
    const engine = await createEngine(readCompiledModel(path.join(fx.dir, 'model')), { backend: 'cpu', seed: fx.site.seed, threads: 1 });
    loadWeights(engine, fx.weights);
    const before = engine.getState().params;
    const all = loadIdxDataset(path.join(fx.dir, fx.site.train.images), path.join(fx.dir, fx.site.train.labels));
    const split = Math.floor(all.count * (1 - fx.site.validationSplit));
    const stop = new AbortController();
    let steps = 0;
    await fit(engine, { train: sliceDataset(all, 0, split), val: sliceDataset(all, split, all.count) }, {
      epochs: 1, batchSize: BATCH, shuffle: true, seed: fx.site.seed, labelMode: 'onehot', signal: stop.signal,
      onBatch: () => { if (++steps === 3) stop.abort(); },
    }).catch((e: unknown) => { if (!(e instanceof TrainingInterrupted)) throw e; });
    const node = engine.getState().params;
    engine.dispose();
    assert.deepEqual(downloaded.tensors.map((t) => t.name).sort(), node.map((t) => t.name).sort());
    for (const t of node) {
      const d = downloaded.tensors.find((x) => x.name === t.name)?.data as Float32Array;
      const b = before.find((x) => x.name === t.name)?.data as Float32Array;
      const worst = Math.max(...Array.from(t.data, (v, i) => Math.abs(v - d[i]) / (1e-6 + 1e-5 * Math.abs(v))));
      assert.ok(worst <= 1, `${t.name}: the page's weights differ from Node's beyond float32 tolerance`);
      assert.ok(Array.from(t.data).some((v, i) => v !== b[i]), `${t.name} changed in training`);
    }
    const r = await nnc('eval', path.join(fx.dir, 'model'), '--weights', path.join(chromium.downloads, `${fx.site.name}-weights.safetensors`));
    assert.equal(r.code, 0, r.stderr);
    const accuracy = Number(/Test accuracy: ([\d.]+)/.exec(r.stdout)?.[1]);
    assert.ok(accuracy > 0.5, `nnc eval of the downloaded weights: ${r.stdout}`);
    assert.deepEqual(problems, []);
    await page.close();
  });

  // The WebAssembly run's batch losses: the WebGL run takes the same steps from the same weights.
  let wasmLosses: number[] | null = null;
  for (const backend of ['cpu', 'gpu'] as const) {
    it(`lowers the loss over 30 steps on ${backend === 'cpu' ? 'WebAssembly' : 'WebGL (gpu.js), step for step as on WebAssembly'}`, async () => {
      const { page, problems } = await open('?steps=30');
      if (backend === 'gpu') {
        const renderer = await page.$eval('#engine-line', (e) => (e as PageElement).dataset.renderer ?? '');
        console.log(`      WebGL renderer: ${renderer || 'none'}`);
      }
      const run = await train(page, backend, 2);
      assert.equal(run.steps, 30);
      assert.equal(run.backend, backend, run.text);
      if (backend === 'gpu') assert.match(run.text, /gpu\.js, WebGL2?Kernel/);
      assert.equal(run.losses.length, 30);
      const first = mean(run.losses.slice(0, 5)), last = mean(run.losses.slice(-5));
      console.log(`      batch loss: steps 1-5 ${first.toFixed(4)}, steps 26-30 ${last.toFixed(4)}`);
      assert.ok(last < 0.8 * first, `mean batch loss of steps 1-5 ${first.toFixed(4)}, of steps 26-30 ${last.toFixed(4)}`);
      if (backend === 'cpu') wasmLosses = run.losses;
      else if (wasmLosses !== null) {
        const cpu = wasmLosses;
        const worst = Math.max(...run.losses.map((l, i) => Math.abs(l - cpu[i]) / Math.abs(cpu[i])));
        assert.ok(worst < 1e-3, `WebGL's batch losses differ from WebAssembly's by up to ${worst} (relative)`);
      }
      assert.deepEqual(problems, []);
      await page.close();
    });
  }
});
