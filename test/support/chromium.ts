// Headless Chromium for the browser tests and bench/web: Debian's /usr/bin/chromium (no
// browser download), a fresh profile, nothing phoning home, and WebGL on SwiftShader (the
// software renderer: there is no GPU here, and Chromium no longer falls back to it silently).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROMIUM = '/usr/bin/chromium';

export interface LaunchedChromium {
  readonly browser: Browser;
  /** Where downloads land. */
  readonly downloads: string;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedChromium> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'nnc-chromium-'));
  const downloads = path.join(profile, 'downloads');
  fs.mkdirSync(downloads);
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: path.join(profile, 'user-data'),
    downloadBehavior: { policy: 'allow', downloadPath: downloads },
    // WebGL on SwiftShader can starve the page's frames for seconds; page calls wait longer.
    protocolTimeout: 300_000,
    args: [
      '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      '--disable-quic', '--disable-default-apps', '--disable-extensions', '--no-default-browser-check',
    ],
  });
  return {
    browser,
    downloads,
    close: async () => {
      await browser.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Collects what must not happen on a page: console errors and warnings (its workers' too), page errors, requests leaving `origin`. */
export function watchPage(page: Page, origin: string): string[] {
  const problems: string[] = [];
  const console = (where: string) => (msg: { type(): string; text(): string }): void => {
    if (msg.type() === 'error' || msg.type() === 'warn') problems.push(`${where} console ${msg.type()}: ${msg.text()}`);
  };
  page.on('console', console('page'));
  page.on('pageerror', (err) => problems.push(`page error: ${String(err)}`));
  page.on('workercreated', (worker) => worker.on('console', console(`worker ${worker.url().slice(0, 60)}`)));
  page.on('request', (req) => {
    if (!req.url().startsWith(origin) && !/^(blob|data):/.test(req.url())) problems.push(`request outside the site: ${req.url()}`);
  });
  return problems;
}

/** Skips (or, in CI, fails) when there is no Chromium. */
export function requireChromium(ctx: Mocha.Context): void {
  if (fs.existsSync(CHROMIUM)) return;
  if (process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}; the CI image must provide it (apt-get install chromium)`);
  console.log(`      skipped: Chromium not found at ${CHROMIUM}`);
  ctx.skip();
}
