// nnc's entry point: dispatches `nnc <command>` to cli/commands/*.

import type { Command } from './command';
import { UsageError } from './command';
import { nncVersion } from '../compiler/package/version';
import { escapeText } from './escape';

/**
 * Each command's module loads only when it runs (require, not a static import): running a
 * compiled model (train, eval or predict on a .nnc folder) then never loads the compiler,
 * ts-morph, typescript or wabt.
 */
interface CommandEntry {
  readonly name: string;
  /** One line for `nnc --help`. */
  readonly summary: string;
  load(): Command;
}

const COMMANDS: readonly CommandEntry[] = [
  { name: 'build', summary: 'compile a model file into a compiled model folder (or print a stage with --emit)', load: () => (require('./commands/build') as typeof import('./commands/build')).command },
  { name: 'train', summary: 'train a model; write weights, history, curves and checkpoints', load: () => (require('./commands/train') as typeof import('./commands/train')).command },
  { name: 'eval', summary: 'evaluate saved weights of a model on the test set', load: () => (require('./commands/eval') as typeof import('./commands/eval')).command },
  { name: 'predict', summary: 'classify the images of an IDX file with trained weights', load: () => (require('./commands/predict') as typeof import('./commands/predict')).command },
  { name: 'compare', summary: 'train several models alike and report their curves side by side', load: () => (require('./commands/compare') as typeof import('./commands/compare')).command },
  { name: 'web', summary: 'write a web page that trains and runs the model in the browser (WebGL, WebAssembly)', load: () => (require('./commands/web') as typeof import('./commands/web')).command },
  { name: 'serve', summary: 'serve a folder from nnc web on 127.0.0.1, cross-origin isolated', load: () => (require('./commands/serve') as typeof import('./commands/serve')).command },
  { name: 'check', summary: "check every parameter's gradient against finite differences (float64)", load: () => (require('./commands/check') as typeof import('./commands/check')).command },
  { name: 'export', summary: 'write a model with trained weights as an ONNX file (onnxruntime, PyTorch tools)', load: () => (require('./commands/export') as typeof import('./commands/export')).command },
];

function help(): string {
  return `Usage: nnc <command> [options]

nnc compiles declarative Keras-like TypeScript models to fused CPU (WebAssembly SIMD)
and gpu.js kernels, and trains them.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(9)} ${c.summary}`).join('\n')}

Run \`nnc <command> --help\` for a command's options, \`nnc --version\` for the version.
`;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name === undefined ? 1 : 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`nnc ${nncVersion()}\n`);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    process.stderr.write(`nnc: unknown command '${escapeText(name)}' (one of ${COMMANDS.map((c) => c.name).join(', ')})\n`);
    return 1;
  }
  const cmd = entry.load();
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      // Escaped: a path or value in the message must not split the line or drive the terminal.
      process.stderr.write(`nnc ${cmd.name}: ${escapeText(e.message)}\n`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => { process.stderr.write(`nnc: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`); process.exitCode = 2; },
  );
}
