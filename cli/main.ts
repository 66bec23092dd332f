// nnc's entry point: dispatches `nnc <command>` to compiler/cli/commands/*.

import type { Command } from './command';
import { UsageError } from './command';
import { command as build } from './commands/build';
import { command as train } from './commands/train';
import { command as evaluate } from './commands/eval';
import { command as compare } from './commands/compare';
import { command as check } from './commands/check';

const COMMANDS: Command[] = [build, train, evaluate, compare, check];

function help(): string {
  return `Usage: nnc <command> [options]

nnc compiles declarative Keras-like TypeScript models to fused CPU (WebAssembly SIMD)
and gpu.js kernels, and trains them.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(9)} ${c.summary}`).join('\n')}

Run \`nnc <command> --help\` for a command's options.
`;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name === undefined ? 1 : 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`nnc: unknown command '${name}' (one of ${COMMANDS.map((c) => c.name).join(', ')})\n`);
    return 1;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`nnc ${cmd.name}: ${e.message}\n`);
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
