// Compiles the model files a command was given; diagnostics print as `nnc build` prints them.

import { compileFile, type CompiledModel } from '../../compiler/pipeline';

/** Every file's model, or null after printing every file's diagnostics to stderr. */
export function compileModels(files: readonly string[]): CompiledModel[] | null {
  const models: CompiledModel[] = [];
  let failed = false;
  for (const file of files) {
    const result = compileFile(file);
    if (result.ok) {
      models.push(result.model);
    } else {
      for (const d of result.diagnostics) process.stderr.write(d + '\n');
      failed = true;
    }
  }
  return failed ? null : models;
}
