// Runs nnc commands in-process through main() (the real dispatch), capturing what they
// print, for the train / eval / compare CLI tests.

import { main } from '../../cli/main';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function nnc(...argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => { stdout += chunk.toString(); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += chunk.toString(); return true; }) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/** The argv entry point for child processes: `node --import tsx test/cli/train-cli.ts train ...`. */
if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
