// The loop nest around a register tile: which tiles of C thread $tid computes, and in
// what order. Threads split one dimension of the tile grid (so no two threads write the
// same output); columns are visited in blocks so B's block stays in cache while the
// thread's rows stream past it. Remainder tiles (M or N not multiples of the tile)
// get their own statically sized code.

import { FuncBuilder, get, i32, set, threadRange } from './gemm-wat';

export interface TileGrid {
  readonly m: number;
  readonly n: number;
  /** Tile size in rows and columns (columns in floats). */
  readonly rows: number;
  readonly cols: number;
  /** The dimension whose tiles are divided among threads. */
  readonly split: 'm' | 'n';
  /** Column tiles per cache block. */
  readonly blockTiles: number;
}

/** Body of one tile: `rows` x `cols` statically, starting at runtime locals $m0, $n0. */
export type TileBody = (rows: number, cols: number) => string[];

/** `for (; counter < end; counter += step) body` with unsigned compares; counter set by the caller. */
export function loopUntil(label: string, counter: string, end: string, body: string[], step = 1): string[] {
  return [
    `(block $${label}_done`,
    `  (br_if $${label}_done (i32.ge_u ${get(counter)} ${end}))`,
    `  (loop $${label}`,
    ...body.map((l) => `    ${l}`),
    `    ${set(counter, `(i32.add ${get(counter)} ${i32(step)})`)}`,
    `    (br_if $${label} (i32.lt_u ${get(counter)} ${end}))`,
    '  )',
    ')',
  ];
}

/** `isLast ? partial() : full` when there is a remainder, else `full`: the body of a possibly partial last tile. */
export function remainderSwitch(isLast: string, remainder: number, full: string[], partial: () => string[]): string[] {
  if (remainder === 0) return full;
  return [`(if ${isLast}`, '  (then', ...partial().map((l) => `    ${l}`), '  )', '  (else', ...full.map((l) => `    ${l}`), '  )', ')'];
}

/** Runs body(tileSize) over full tiles of `size` (counter = tile start), then body(remainder) once. */
export function tiledLoop(counter: string, size: number, tileSize: number, body: (n: number) => string[]): string[] {
  const full = Math.floor(size / tileSize);
  const rem = size % tileSize;
  const lines = full > 0 ? [set(counter, i32(0)), ...loopUntil(`${counter}l`, counter, i32(full * tileSize), body(tileSize), tileSize)] : [];
  if (rem) lines.push(set(counter, i32(full * tileSize)), ...body(rem));
  return lines;
}

/** The loop nest over thread $tid's tiles, as lines (it declares its locals in `b`). */
export function tileLoops(b: FuncBuilder, g: TileGrid, body: TileBody): string[] {
  const mTiles = Math.ceil(g.m / g.rows);
  const nTiles = Math.ceil(g.n / g.cols);
  const mRem = g.m % g.rows;
  const nRem = g.n % g.cols;
  for (const l of ['mt', 'nt', 'nb', 'nbEnd', 'm0', 'n0', 'mLo', 'mHi', 'nLo', 'nHi']) b.local(l, 'i32');
  const ranges = g.split === 'm'
    ? [...threadRange('mLo', 'mHi', mTiles), set('nLo', i32(0)), set('nHi', i32(nTiles))]
    : [...threadRange('nLo', 'nHi', nTiles), set('mLo', i32(0)), set('mHi', i32(mTiles))];
  const tileRow = (rows: number): string[] => {
    const full = body(rows, g.cols);
    const inner = [
      set('n0', `(i32.mul ${get('nt')} ${i32(g.cols)})`),
      ...remainderSwitch(`(i32.eq ${get('nt')} ${i32(nTiles - 1)})`, nRem, full, () => body(rows, nRem)),
    ];
    return [set('nt', get('nb')), ...loopUntil('ntl', 'nt', get('nbEnd'), inner)];
  };
  const mBody = [
    set('m0', `(i32.mul ${get('mt')} ${i32(g.rows)})`),
    ...remainderSwitch(`(i32.eq ${get('mt')} ${i32(mTiles - 1)})`, mRem, tileRow(g.rows), () => tileRow(mRem)),
  ];
  const blockBody = [
    set('nbEnd', `(select (local.get $nHi) (i32.add ${get('nb')} ${i32(g.blockTiles)}) (i32.lt_u (local.get $nHi) (i32.add ${get('nb')} ${i32(g.blockTiles)})))`),
    set('mt', get('mLo')),
    ...loopUntil('mtl', 'mt', get('mHi'), mBody),
  ];
  return [...ranges, set('nb', get('nLo')), ...loopUntil('nbl', 'nb', get('nHi'), blockBody, g.blockTiles)];
}
