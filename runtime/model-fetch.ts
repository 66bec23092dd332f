// Fetches a compiled model (what `nnc build` writes) from a base URL, as a page loads it:
// manifest.json, then every program file it names, checked as readCompiledModel checks a
// folder (manifest-check.ts). A problem is one ModelFileError line naming the URL.

import { MANIFEST_FILE, type CompiledModelFiles } from '../format/manifest';
import { ModelFileError, parseManifest, programFiles } from './manifest-check';
import { relaxedSimdValidates } from './backends/cpu/multiply-add';

/** fetch's shape, so a caller (or a test) can supply its own. */
export type Fetch = (url: string) => Promise<{ readonly ok: boolean; readonly status: number; arrayBuffer(): Promise<ArrayBuffer> }>;

/** The bytes at `url`, or a ModelFileError naming it and the HTTP status or network failure. */
export async function fetchBytes(url: string, fetchFn: Fetch, hint = ''): Promise<Uint8Array<ArrayBuffer>> {
  let response: Awaited<ReturnType<Fetch>>;
  try {
    response = await fetchFn(url);
  } catch (e) {
    throw new ModelFileError(`${url}: cannot fetch it (${e instanceof Error ? e.message : String(e)})${hint}`);
  }
  if (!response.ok) throw new ModelFileError(`${url}: HTTP ${response.status}${hint}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** `base` with a trailing slash, so relative names resolve inside it. */
function folderUrl(base: string): string {
  return base.endsWith('/') ? base : `${base}/`;
}

/** The compiled model under `baseUrl` (absolute, or relative to `origin` such as a page's location). */
export async function fetchCompiledModel(baseUrl: string, fetchFn: Fetch, origin?: string): Promise<CompiledModelFiles> {
  const base = new URL(folderUrl(baseUrl), origin).href;
  const manifestUrl = new URL(MANIFEST_FILE, base).href;
  const text = new TextDecoder().decode(await fetchBytes(manifestUrl, fetchFn, ` (is ${base} a compiled model from nnc build?)`));
  const manifest = parseManifest(text, manifestUrl);
  const names = programFiles(manifest, manifestUrl, relaxedSimdValidates());
  const bytes = await Promise.all(names.map((name) => fetchBytes(new URL(name, base).href, fetchFn)));
  return { manifest, files: new Map(names.map((name, i) => [name, bytes[i]])) };
}
