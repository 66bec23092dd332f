// A compiled model fetched from a URL (as a page loads it) is the compiled model read from
// its folder, with the folder reader's checks, and one-line errors naming the URL.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fetchCompiledModel, type Fetch } from '../../runtime/model-fetch';
import { readCompiledModel } from '../../runtime/model-files';
import { relaxedSimdValidates } from '../../runtime/backends/cpu/multiply-add';
import { nnc } from '../cli/train-cli';
import { tempDir, writeTinyIdx, writeTinyModel } from '../cli/train-fixtures';

const BASE = 'http://127.0.0.1:9/site/';

/** fetch over a folder mounted at BASE, recording the URLs asked for. */
function folderFetch(root: string, asked: string[]): Fetch {
  return async (url) => {
    asked.push(url);
    const file = url.startsWith(BASE) ? path.join(root, url.slice(BASE.length)) : null;
    if (file === null || !fs.existsSync(file)) return { ok: false, status: 404, arrayBuffer: async () => new ArrayBuffer(0) };
    const bytes = fs.readFileSync(file);
    return { ok: true, status: 200, arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) };
  };
}

describe('fetchCompiledModel (a compiled model from a URL)', function () {
  this.timeout(60_000);
  let work: string;
  let model: string;
  before(async () => {
    work = tempDir('nnc-fetch-');
    writeTinyIdx(path.join(work, 'data'));
    model = path.join(work, 'tiny.nnc');
    const r = await nnc('build', writeTinyModel(path.join(work, 'tiny.ts')), '--out', model);
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('gives the same manifest and files as reading the folder, fetching each file once (the fused forms only where they can run)', async () => {
    const asked: string[] = [];
    const fetched = await fetchCompiledModel('tiny.nnc', folderFetch(work, asked), BASE);
    const read = readCompiledModel(model);
    assert.deepEqual(fetched.manifest, read.manifest);
    const fused = [...read.files.keys()].filter((name) => name.endsWith('.fma.wasm'));
    assert.equal(fused.length, read.manifest.cpu.length, 'every CPU program of the tiny model has a fused form');
    const wanted = [...read.files.keys()].filter((name) => relaxedSimdValidates() || !name.endsWith('.fma.wasm'));
    assert.deepEqual([...fetched.files.keys()].sort(), wanted.sort());
    for (const name of wanted) assert.ok(Buffer.from(fetched.files.get(name) as Uint8Array).equals(read.files.get(name) as Uint8Array), name);
    assert.equal(asked.length, wanted.length + 1);
    assert.equal(asked[0], `${BASE}tiny.nnc/manifest.json`);
  });

  it('names the URL and the HTTP status of a missing file', async () => {
    fs.renameSync(path.join(model, 'cpu', 'infer-1.wasm'), path.join(work, 'moved.wasm'));
    try {
      await assert.rejects(fetchCompiledModel(`${BASE}tiny.nnc/`, folderFetch(work, [])), (e: Error) => {
        assert.equal(e.message, `${BASE}tiny.nnc/cpu/infer-1.wasm: HTTP 404`);
        return e.name === 'ModelFileError';
      });
    } finally {
      fs.renameSync(path.join(work, 'moved.wasm'), path.join(model, 'cpu', 'infer-1.wasm'));
    }
    await assert.rejects(fetchCompiledModel(`${BASE}nothing/`, folderFetch(work, [])),
      { message: `${BASE}nothing/manifest.json: HTTP 404 (is ${BASE}nothing/ a compiled model from nnc build?)` });
    const offline: Fetch = async () => { throw new TypeError('Failed to fetch'); };
    await assert.rejects(fetchCompiledModel(BASE, offline), { message: `${BASE}manifest.json: cannot fetch it (Failed to fetch) (is ${BASE} a compiled model from nnc build?)` });
  });

  it('refuses a manifest that names a file outside the model (another folder, or another site)', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(model, 'manifest.json'), 'utf8')) as { cpu: { file: string }[] };
    for (const name of ['../secret.wasm', 'https://elsewhere.example/x.wasm', '/abs.wasm']) {
      const bad = path.join(work, 'bad');
      fs.mkdirSync(bad, { recursive: true });
      manifest.cpu[0].file = name;
      fs.writeFileSync(path.join(bad, 'manifest.json'), JSON.stringify(manifest));
      const asked: string[] = [];
      await assert.rejects(fetchCompiledModel(`${BASE}bad`, folderFetch(work, asked)), { message: `${BASE}bad/manifest.json: file '${name}' lies outside the compiled model` });
      assert.deepEqual(asked, [`${BASE}bad/manifest.json`], 'nothing but the manifest is fetched');
    }
  });

  it('refuses what is not a compiled model in one line', async () => {
    const bad = path.join(work, 'notjson');
    fs.mkdirSync(bad, { recursive: true });
    fs.writeFileSync(path.join(bad, 'manifest.json'), '<html>');
    await assert.rejects(fetchCompiledModel(`${BASE}notjson/`, folderFetch(work, [])), /^ModelFileError: http:\/\/127\.0\.0\.1:9\/site\/notjson\/manifest\.json: not valid JSON \(/);
    fs.writeFileSync(path.join(bad, 'manifest.json'), JSON.stringify({ format: 'nnc-compiled-model', version: 99 }));
    await assert.rejects(fetchCompiledModel(`${BASE}notjson/`, folderFetch(work, [])), /compiled model format version 99; this runtime reads version 2/);
  });
});
