// Fuzzes nnc's command lines: 1,000 generated lines of build, train, eval, predict and
// compare. Each starts as a valid line (a working model, valid values for some of the
// command's flags) and most get one hostile change: a model file that is a FIFO, a device,
// a folder or too large to compile; a flag value such as 1e2, 0x2, a seed past 2^32, a huge
// batch size, an output path through a file, under /proc or on a dangling link, a control
// character; an unknown flag. A few lines are wholly hostile. Whatever the line, nnc must
// exit 0, 1, 130 or 143, never 2 (its own bug), with no stack trace and no raw control
// character. Most lines are refused before training; the few that train use tiny models.

import { strict as assert } from 'assert';
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { nnc } from './train-cli';
import { tempDir, writeTinyIdx, writeTinyModel } from './train-fixtures';
import {
  danglingLink, linkToDevZero, makeFifo, writeEmptyTestIdx, writeNanWeights, writeTestOnlyIdx, writeWideModel, writeWrongSizedTestIdx,
} from './hostile-fixtures';
import { assertSeeded, propertySeed } from '../support/property-seed';

type Kind = 'int' | 'seed' | 'out' | 'data' | 'weights' | 'input' | 'resume' | 'backend' | 'emit' | 'list' | 'flag';
type Pools = Readonly<Record<Kind | 'model', readonly string[]>>;

const COMMANDS: Readonly<Record<string, readonly [string, Kind][]>> = {
  train: [['epochs', 'int'], ['batch-size', 'int'], ['seed', 'seed'], ['data', 'data'], ['backend', 'backend'], ['threads', 'int'], ['out', 'out'], ['resume', 'resume'], ['force', 'flag']],
  eval: [['weights', 'weights'], ['data', 'data'], ['batch-size', 'int'], ['backend', 'backend'], ['threads', 'int']],
  predict: [['weights', 'weights'], ['input', 'input'], ['json', 'flag'], ['batch-size', 'int'], ['backend', 'backend'], ['threads', 'int']],
  build: [['out', 'out'], ['emit', 'emit'], ['batch', 'int'], ['train-batches', 'list'], ['infer-batches', 'list'], ['no-gpu', 'flag']],
  compare: [['epochs', 'int'], ['batch-size', 'int'], ['seed', 'seed'], ['data', 'data'], ['backend', 'backend'], ['threads', 'int'], ['out', 'out'], ['force', 'flag']],
};
/** Options a command needs, given first. */
const REQUIRED: Readonly<Record<string, readonly Kind[]>> = { eval: ['weights'], predict: ['weights', 'input'] };
/** Percent of lines left wholly valid, by command: training is the one slow outcome. */
const VALID_PERCENT: Readonly<Record<string, number>> = { train: 2, compare: 1, eval: 8, predict: 8, build: 10 };

const BAD_NUMBERS = ['-1', '1e2', '0x2', '1.5', '', ' 2', '+2', '2.0', '99999999999999999999', '4294967296', 'abc', '\u0663', '1\n2', '\u001b[2J'];
/** Valid for a seed, too large for a count: a batch size over 4 GiB, threads and epochs out of range. */
const HOSTILE_INTS = [...BAD_NUMBERS, '0', '100000000', '2147483648'];
/** Tokens no command takes where they land (`--` lands before the last argument, making it a stray positional). */
const ODD_TOKENS = ['--frobnicate', '-x', '--', '--help', '-h', '--batch-size'];

interface Line {
  readonly command: string;
  readonly models: readonly number[];
  readonly picks: readonly [number, number][];
  /** One hostile change: a model, an option value or an odd token; null keeps the line valid (VALID_PERCENT). */
  readonly change: { readonly what: 'model' | 'option' | 'odd'; readonly a: number; readonly b: number };
  readonly percent: number;
  /** Wholly hostile: every value from the hostile pools. */
  readonly chaos: boolean;
}

const lineArb: fc.Arbitrary<Line> = fc.record({
  command: fc.constantFrom(...Object.keys(COMMANDS)),
  models: fc.array(fc.nat(), { minLength: 2, maxLength: 2 }),
  picks: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 3 }),
  change: fc.record({ what: fc.constantFrom('model' as const, 'option' as const, 'option' as const, 'odd' as const), a: fc.nat(), b: fc.nat() }),
  percent: fc.noBias(fc.nat(99)),
  chaos: fc.noBias(fc.nat(9)).map((n) => n === 0),
});

function argvOf(l: Line, valid: Pools, hostile: Pools, fresh: () => string): string[] {
  const pick = (pools: Pools, kind: Kind | 'model', n: number): string => {
    const value = pools[kind][n % pools[kind].length];
    return value === '<fresh>' ? fresh() : value;
  };
  const values = l.chaos ? hostile : valid;
  const options = COMMANDS[l.command];
  const positionals = l.command === 'compare' ? 2 : 1;
  const args = [l.command, ...l.models.slice(0, positionals).map((m) => pick(values, 'model', m))];
  (REQUIRED[l.command] ?? []).forEach((kind, k) => args.push(`--${kind}`, pick(values, kind, l.models[k])));
  for (const [o, v] of l.picks) {
    const [name, kind] = options[o % options.length];
    args.push(`--${name}`, ...(kind === 'flag' ? [] : [pick(values, kind, v)]));
  }
  const keepValid = !l.chaos && l.percent < VALID_PERCENT[l.command];
  if (!keepValid) applyChange(args, l, options, hostile);
  // Lines run on the reference backend unless they name one: fast, and every backend is still drawn.
  if (l.command !== 'build' && !args.includes('--backend')) args.push('--backend', 'reference');
  return args;
}

function applyChange(args: string[], l: Line, options: readonly [string, Kind][], hostile: Pools): void {
  const { what, a, b } = l.change;
  if (what === 'model') args[1] = hostile.model[a % hostile.model.length];
  else if (what === 'odd') args.splice(1 + (b % (args.length - 1)), 0, ODD_TOKENS[a % ODD_TOKENS.length]);
  else {
    const [name, kind] = options[a % options.length];
    // A flag option takes no value: give it one it cannot take instead.
    args.push(`--${name}`, kind === 'flag' ? '--x=1' : hostile[kind][b % hostile[kind].length]);
  }
}

describe('nnc: fuzzed command lines', function () {
  this.timeout(300_000);
  let work: string;
  let valid: Pools;
  let hostile: Pools;
  let outs = 0;
  const cwd = process.cwd();
  before(async () => {
    work = tempDir('nnc-fuzz-');
    // Default outputs (runs/<name>-<time>/, <name>.nnc/) land in the temp folder, not the repository.
    process.chdir(work);
    writeTinyIdx(path.join(work, 'data'));
    const tiny = writeTinyModel(path.join(work, 'tiny.ts'), { epochs: 1 });
    const run = path.join(work, 'run');
    assert.equal((await nnc('train', tiny, '--backend', 'reference', '--out', run)).code, 0);
    assert.equal((await nnc('build', tiny, '--out', path.join(work, 'tiny.nnc'))).code, 0);
    fs.writeFileSync(path.join(work, 'bad.ts'), fs.readFileSync(tiny, 'utf8').replace('units: 12', 'units: -3'));
    fs.mkdirSync(path.join(work, 'folder'));
    fs.writeFileSync(path.join(work, 'afile'), 'x');
    const fifo = makeFifo(path.join(work, 'fifo'));
    /** Paths no folder can be made at. */
    const unmakeable = [path.join(work, 'afile'), path.join(work, 'afile', 'sub'), '/proc/nnc-fuzz', '/proc/nnc-fuzz/deeper', danglingLink(path.join(work, 'dangling')),
      path.join(work, 'n'.repeat(300)), ''];
    /** Paths no input can be read from (the folder is empty). */
    const paths = [...unmakeable, linkToDevZero(path.join(work, 'zero')), path.join(work, 'missing'), path.join(work, 'folder'),
      path.join(work, 'ctl\u001b[31m\nname'), ...(fifo === null ? [] : [fifo])];
    // Lines may --force their way into `held`; the weights lines read stay `run`'s.
    const held = path.join(work, 'held');
    fs.cpSync(run, held, { recursive: true });
    const weights = path.join(run, 'weights.safetensors');
    const images = path.join(work, 'data', 't10k-images-idx3-ubyte');
    valid = {
      model: [tiny, tiny, path.join(work, 'tiny.nnc')],
      int: ['1', '2', '8', '32'], seed: ['0', '7', '4294967295'],
      out: ['<fresh>'], data: [path.join(work, 'data')],
      weights: [weights], input: [images], resume: [run],
      backend: ['reference', 'reference', 'cpu', 'gpu'], emit: ['spec', 'ir', 'fused', 'plan', 'cpu', 'gpu'], list: ['1,2', '3'], flag: [''],
    };
    hostile = {
      model: [path.join(work, 'bad.ts'), writeWideModel(path.join(work, 'big.ts'), '1000000000'), weights, ...paths],
      int: HOSTILE_INTS, seed: [...BAD_NUMBERS, '1e300'],
      out: [held, held, ...unmakeable],
      data: [writeWrongSizedTestIdx(path.join(work, 'd5')), writeEmptyTestIdx(path.join(work, 'dempty')), writeTestOnlyIdx(path.join(work, 'dtest')), images, ...paths],
      weights: [writeNanWeights(weights, path.join(work, 'nan.safetensors')), tiny, images, ...paths],
      input: [path.join(work, 'data', 't10k-labels-idx1-ubyte'), weights, ...paths],
      resume: [path.join(work, 'data'), ...paths],
      backend: ['tpu', '', 'CPU'], emit: ['wat', '', 'spec,ir'], list: ['0', '1,,2', '1e2', '100000000', '', '2,-1'], flag: [''],
    };
  });
  after(() => {
    process.chdir(cwd);
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('exits 0, 1, 130 or 143 with no stack trace, for 1,000 generated command lines', async () => {
    const { seed, fixed } = propertySeed(16_2026);
    const codes = new Map<number, number>();
    /** Lines that ran a command to its end (not --help), by command. */
    const done = new Map<string, number>();
    /** Lines refused by the output-folder checks (a run folder held, a path that cannot be a folder). */
    let outputRefusals = 0;
    await assertSeeded(fc.asyncProperty(lineArb, async (l) => {
      const args = argvOf(l, valid, hostile, () => path.join(work, 'outs', `o${outs++}`));
      let code: number;
      let stderr: string;
      try {
        const r = await nnc(...args);
        code = r.code;
        stderr = r.stderr;
      } catch (e) {
        code = 2;
        stderr = e instanceof Error ? e.stack ?? e.message : String(e);
      }
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (code === 0 && !args.some((a) => a === '--help' || a === '-h')) done.set(l.command, (done.get(l.command) ?? 0) + 1);
      if (/cannot create this folder|exists and is not a folder|symbolic link to a missing target|holds another run/.test(stderr)) outputRefusals++;
      const shown = JSON.stringify(args);
      assert.ok([0, 1, 130, 143].includes(code), `${shown}: exit ${code}\n${stderr}`);
      assert.ok(!/\n\s+at |internal error/.test(stderr), `${shown}: stack trace\n${stderr}`);
      assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(stderr), `${shown}: raw control character in\n${JSON.stringify(stderr)}`);
    }), seed, 1000);
    // With the fixed seed (CI) the lines reach every outcome: each command runs to its end on
    // some lines, output paths are refused on others, most lines are refused. A fresh seed
    // explores without these counts.
    if (process.env.NNC_FUZZ_DEBUG) console.log(JSON.stringify([...codes]), JSON.stringify([...done]), outputRefusals);
    if (!fixed) return;
    for (const command of Object.keys(COMMANDS)) {
      assert.ok((done.get(command) ?? 0) >= 1, `no ${command} line ran to the end: ${JSON.stringify([...done])}`);
    }
    assert.ok(outputRefusals >= 10, `only ${outputRefusals} lines met the output-folder checks`);
    assert.ok((codes.get(1) ?? 0) >= 600, `only ${codes.get(1) ?? 0} lines were refused: ${JSON.stringify([...codes])}`);
  });
});
