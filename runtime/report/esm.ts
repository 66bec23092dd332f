// vega and vega-lite ship only as ES modules with top-level await, which require() cannot
// load, and tsc (module: commonjs) rewrites `import()` into require(). A Function-built
// import() is left alone by tsc, so the compiled CLI loads them as real ES modules.

import * as url from 'url';
import type * as Vega from 'vega';
import type * as VegaLite from 'vega-lite/build/index';

const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

let vega: Promise<typeof Vega> | null = null;
let vegaLite: Promise<typeof VegaLite> | null = null;

/** Resolved from this package, so the import works whatever the current folder is. */
function importPackage(name: string): Promise<unknown> {
  return dynamicImport(url.pathToFileURL(require.resolve(name)).href);
}

export function loadVega(): Promise<typeof Vega> {
  vega ??= importPackage('vega') as Promise<typeof Vega>;
  return vega;
}

export function loadVegaLite(): Promise<typeof VegaLite> {
  vegaLite ??= importPackage('vega-lite') as Promise<typeof VegaLite>;
  return vegaLite;
}
