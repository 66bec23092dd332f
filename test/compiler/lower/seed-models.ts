// The model files in models/, compiled once per test process (the front end parses with
// ts-morph, which takes a moment) and shared by the lowering, pass and golden tests.

import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { compileFile, type CompiledModel } from '../../../compiler/pipeline';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const MODELS_DIR = path.join(REPO_ROOT, 'models');

/** Model names (file names without `.ts`) in models/, sorted. */
export function modelNames(): string[] {
  return readdirSync(MODELS_DIR).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
}

export function modelFile(name: string): string {
  return path.join(MODELS_DIR, `${name}.ts`);
}

const cache = new Map<string, CompiledModel>();

/** compileFile(models/<name>.ts), memoised; a compile error fails loudly with its diagnostics. */
export function compiledModel(name: string): CompiledModel {
  const hit = cache.get(name);
  if (hit) return hit;
  const result = compileFile(modelFile(name));
  if (!result.ok) throw new Error(`models/${name}.ts does not compile:\n${result.diagnostics.join('\n')}`);
  cache.set(name, result.model);
  return result.model;
}
