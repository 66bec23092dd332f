// docs/web/page.png, the README's picture of the page: `nnc web` on the seed PReLU model from
// its initial weights, trained in the page (headless Chromium, WebAssembly) for a few epochs
// on the page's 4000 images, then a 7 drawn on the pad.
//   npx tsx scripts/web-screenshot.ts [--epochs N] [--batch-size B] [--out FILE]

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { main as nnc } from '../cli/main';
import { serveStatic } from '../cli/static-server';
import { launchChromium } from '../test/support/chromium';

const ROOT = path.resolve(__dirname, '..');

/** A 7 as a mouse draws it: the top bar, then the slanted stem, in pad pixels. */
const SEVEN: readonly (readonly [number, number])[] = [[80, 70], [200, 66], [190, 100], [165, 150], [140, 210], [128, 240]];

async function run(): Promise<void> {
  const { values } = parseArgs({ options: { epochs: { type: 'string' }, 'batch-size': { type: 'string' }, out: { type: 'string' } } });
  const out = path.resolve(values.out ?? path.join(ROOT, 'docs', 'web', 'page.png'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnc-shot-'));
  const site = path.join(dir, 'site');
  if (await nnc(['web', path.join(ROOT, 'models', 'mnist-prelu.ts'), '--out', site]) !== 0) throw new Error('nnc web failed');
  const server = await serveStatic(site, 0);
  const chromium = await launchChromium();
  try {
    const page = await chromium.browser.newPage();
    await page.setViewport({ width: 1100, height: 900, deviceScaleFactor: 1 });
    await page.goto(server.url);
    await page.waitForFunction('document.body.dataset.state === "ready"', { polling: 200, timeout: 120_000 });
    await page.select('#backend', 'cpu');
    await page.select('#batch-size', values['batch-size'] ?? '128');
    await page.$eval('#epochs', (e, n) => { (e as { value: string }).value = n; }, values.epochs ?? '3');
    await page.click('#train');
    await page.waitForFunction('document.body.dataset.train === "done"', { polling: 500, timeout: 600_000 });
    const box = await (await page.$('#draw'))?.boundingBox();
    if (!box) throw new Error('no drawing pad');
    await page.mouse.move(box.x + SEVEN[0][0], box.y + SEVEN[0][1]);
    await page.mouse.down();
    for (const [x, y] of SEVEN.slice(1)) await page.mouse.move(box.x + x, box.y + y, { steps: 8 });
    await page.mouse.up();
    await page.waitForFunction('[...document.querySelectorAll("#draw-probs li")].every((li) => li.dataset.p)', { polling: 100 });
    await new Promise((r) => setTimeout(r, 300));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    await page.screenshot({ path: out as `${string}.png`, fullPage: true });
    console.log(`${out}: ${await page.$eval('#train-status', (e) => e.textContent)}`);
  } finally {
    await chromium.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

run().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
