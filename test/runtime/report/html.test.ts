import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as url from 'url';
import puppeteer from 'puppeteer-core';
import { type ReportRun, writeReport } from '../../../runtime/report/html';
import { history } from './histories';

const CHROMIUM = '/usr/bin/chromium';

const runs: ReportRun[] = [
  { name: 'mnist-prelu', history: history('mnist-prelu', 4), test: { loss: 0.02912, accuracy: 0.99123 }, secondsPerEpoch: 31.25, params: 460874 },
  { name: 'relu <i>&', history: history('ignored-name', 3), test: null, secondsPerEpoch: 25, params: 431242 },
];

describe('writeReport', function () {
  this.timeout(60000);
  let dir: string;
  let result: { html: string; files: string[] };
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnc-report-'));
    result = await writeReport(path.join(dir, 'out'), runs);
  });
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('writes report.html and each chart as SVG and PNG, nothing else', () => {
    const names = fs.readdirSync(path.join(dir, 'out')).sort();
    const charts = ['mnist-prelu-accuracy', 'mnist-prelu-loss', 'relu-i-accuracy', 'relu-i-loss', 'validation-accuracy', 'validation-loss'];
    assert.deepEqual(names, ['report.html', ...charts.flatMap((c) => [`${c}.png`, `${c}.svg`])].sort());
    assert.equal(result.html, path.join(dir, 'out', 'report.html'));
    assert.deepEqual([...result.files].sort(), names.map((n) => path.join(dir, 'out', n)));
    const png = fs.readFileSync(path.join(dir, 'out', 'validation-loss.png'));
    assert.deepEqual(Array.from(png.subarray(0, 4)), [0x89, 0x50, 0x4e, 0x47]);
  });

  it('is self-contained, escapes names and tabulates the runs', () => {
    const html = fs.readFileSync(result.html, 'utf8');
    assert.doesNotMatch(html, /<script|<link|(src|href)\s*=\s*"(https?:)?\/\//i);
    assert.equal((html.match(/<svg/g) ?? []).length, 6);
    assert.ok(html.includes('<th scope="row">relu &#60;i&#62;&#38;</th>'));
    assert.ok(!html.includes('<i>'));
    assert.match(html, /<th scope="row">mnist-prelu<\/th><td class="num">4<\/td><td class="num">0.0291<\/td><td class="num">0.9912<\/td><td class="num">31.3<\/td><td class="num">460,874<\/td>/);
    assert.ok(html.includes('<td class="num">not evaluated</td>'));
    assert.ok(html.includes('relu &lt;i&gt;&amp; training / validation accuracies'), 'charts are titled by run name');
  });

  it('renders in headless Chromium with visible charts and no console errors', async function () {
    if (!fs.existsSync(CHROMIUM)) {
      if (process.env.CI) assert.fail(`Chromium not found at ${CHROMIUM}; the CI image must provide it`);
      console.log(`      skipped: Chromium not found at ${CHROMIUM}`);
      this.skip();
    }
    const browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (msg) => { if (msg.type() === 'error' || msg.type() === 'warn') problems.push(`console: ${msg.text()}`); });
      page.on('pageerror', (err) => { problems.push(`page error: ${String(err)}`); });
      page.on('request', (req) => { if (!/^(file|data|about):/.test(req.url())) problems.push(`network request: ${req.url()}`); });
      await page.goto(url.pathToFileURL(result.html).href, { waitUntil: 'load' });
      const charts = await page.$$eval('figure > svg', (svgs) => svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        return { width: box.width, height: box.height, texts: svg.querySelectorAll('text').length, paths: svg.querySelectorAll('path').length };
      }));
      assert.equal(charts.length, 6);
      for (const c of charts) {
        assert.ok(c.width > 100 && c.height > 100, `chart size ${c.width}x${c.height}`);
        assert.ok(c.texts > 5 && c.paths > 2, `chart has ${c.texts} texts and ${c.paths} paths`);
      }
      const rows = await page.$$eval('tbody tr', (trs) => trs.length);
      assert.equal(rows, 2);
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  });
});
