// nnc serve: a site's files, only them, on 127.0.0.1, with the headers that make the page
// cross-origin isolated; one-line errors; a clean stop on SIGTERM.

import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { serveStatic, type StaticServer } from '../../cli/static-server';
import { nnc } from './train-cli';
import { tempDir } from './train-fixtures';

const ROOT = path.resolve(__dirname, '..', '..');

/** A raw request (the path is sent as written, so `..` reaches the server). */
function request(port: number, method: string, rawPath: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: rawPath }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('nnc serve', function () {
  this.timeout(60_000);
  let work: string;
  let site: string;
  let server: StaticServer;
  before(async () => {
    work = tempDir('nnc-serve-');
    site = path.join(work, 'site');
    fs.mkdirSync(path.join(site, 'model', 'cpu'), { recursive: true });
    fs.writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>t</title>');
    fs.writeFileSync(path.join(site, 'model', 'cpu', 'x.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
    fs.writeFileSync(path.join(work, 'secret.txt'), 'not served');
    server = await serveStatic(site, 0);
  });
  after(async () => {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('serves the folder with COOP/COEP and the right types, on 127.0.0.1', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const index = await request(server.port, 'GET', '/');
    assert.equal(index.status, 200);
    assert.equal(index.body, '<!doctype html><title>t</title>');
    assert.equal(index.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(index.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
    const wasm = await request(server.port, 'GET', '/model/cpu/x.wasm?v=1');
    assert.equal(wasm.headers['content-type'], 'application/wasm');
    const head = await request(server.port, 'HEAD', '/model/cpu/x.wasm');
    assert.deepEqual([head.status, head.headers['content-length'], head.body], [200, '4', '']);
  });

  it('serves nothing outside the folder, and only GET and HEAD', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/model/../../secret.txt', '/nope.js', '/%zz', '/a%00b']) {
      const r = await request(server.port, 'GET', p);
      assert.equal(r.status, 404, p);
      assert.doesNotMatch(r.body, /not served/);
    }
    const post = await request(server.port, 'POST', '/');
    assert.deepEqual([post.status, post.headers.allow], [405, 'GET, HEAD']);
  });

  it('says in one line when the port is taken or the folder is not a site', async () => {
    const taken = await nnc('serve', site, '--port', String(server.port));
    assert.equal(taken.code, 1);
    assert.equal(taken.stderr, `nnc serve: --port ${server.port}: the port is in use; choose another (--port 0 picks a free one)\n`);
    const empty = await nnc('serve', work, '--port', '0');
    assert.equal(empty.stderr, `nnc serve: ${work}: has no index.html (write a site with nnc web <model> --out ${work})\n`);
    assert.equal((await nnc('serve', site, '--port', '70000')).stderr, "nnc serve: --port must be at most 65535, got '70000'\n");
  });

  it('runs until SIGTERM, then stops cleanly', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'serve', site, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => { const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out); if (m) resolve(m[1]); });
      child.on('exit', (code) => reject(new Error(`nnc serve exited (${code}) before serving: ${out}`)));
    });
    const r = await request(Number(new URL(url).port), 'GET', '/');
    assert.equal(r.status, 200);
    const code = await new Promise<number | null>((resolve) => { child.on('exit', resolve); child.kill('SIGTERM'); });
    assert.equal(code, 0);
    assert.match(out, /Serving .* \(cross-origin isolated\); Ctrl-C stops\nStopped\n$/);
  });
});
