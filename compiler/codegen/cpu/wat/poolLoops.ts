// Shared scaffolding of the pooling kernels: the loops over output pixels and channel chunks,
// loads and stores relative to a tensor's offset, and the kernel text.

import { Locals, get, i32, set } from './loopText';
import type { CellAddress, PoolWindow } from './poolWindow';

/** Channels up to this many are unrolled per pixel; more run in a loop over `$cb`. */
const UNROLL_CHANNELS = 64;

export interface ChannelChunk {
  readonly lanes: 1 | 4;
  /** Byte offset of the chunk's first channel (its static part inside the loop). */
  readonly colByte: number;
  /** Inside the channel loop: `$cb` adds to every channel address. */
  readonly dynamic: boolean;
}

/** The code for every channel chunk of one pixel: unrolled, or a loop over `$cb` plus a scalar tail. */
export function channelCode(channels: number, locals: Locals, chunk: (c: ChannelChunk) => string[]): string[] {
  const vectorChannels = channels - (channels % 4);
  const out: string[] = [];
  if (channels <= UNROLL_CHANNELS) {
    for (let c = 0; c < vectorChannels; c += 4) out.push(...chunk({ lanes: 4, colByte: c * 4, dynamic: false }));
  } else {
    locals.declare('cb', 'i32');
    out.push(set('cb', i32(0)), '(loop $channels', ...chunk({ lanes: 4, colByte: 0, dynamic: true }).map((s) => `  ${s}`),
      `  ${set('cb', `(i32.add ${get('cb')} ${i32(16)})`)}`,
      `  (br_if $channels (i32.lt_u ${get('cb')} ${i32(vectorChannels * 4)})))`);
  }
  for (let c = vectorChannels; c < channels; c++) out.push(...chunk({ lanes: 1, colByte: c * 4, dynamic: false }));
  return out;
}

export function load(lanes: 1 | 4, a: CellAddress, tensor: number): string {
  return `(${lanes === 4 ? 'v128' : 'f32'}.load offset=${a.offset + tensor} ${a.base})`;
}

export function store(lanes: 1 | 4, a: CellAddress, tensor: number, value: string): string {
  return `(${lanes === 4 ? 'v128' : 'f32'}.store offset=${a.offset + tensor} ${a.base} ${value})`;
}

/** The current output pixel's address (`$ob`) at a chunk. */
export function outputAddress(c: ChannelChunk): CellAddress {
  return { base: c.dynamic ? `(i32.add ${get('ob')} ${get('cb')})` : get('ob'), offset: c.colByte };
}

/** Loop over the pixels of output row `$oh` of image `$n` (`$ob` = the pixel's byte offset). */
export function pixelLoop(w: PoolWindow, rowUnit: string, perPixel: string[]): string[] {
  const { outWidth } = w.dims;
  const pixelBytes = w.g.channels * 4;
  w.locals.declare('ow', 'i32');
  w.locals.declare('ob', 'i32');
  return [
    ...w.rowSetup(),
    set('ob', `(i32.mul ${rowUnit} ${i32(outWidth * pixelBytes)})`),
    set('ow', i32(0)),
    '(loop $pixels',
    ...[...w.pixelSetup(), ...perPixel,
      set('ow', `(i32.add ${get('ow')} ${i32(1)})`),
      set('ob', `(i32.add ${get('ob')} ${i32(pixelBytes)})`),
      `(br_if $pixels (i32.lt_u ${get('ow')} ${i32(outWidth)}))`].map((s) => `  ${s}`),
    ')',
  ];
}


/** 1 / count of the pixel's valid cells, as `$inv` and `$invv` (splatted). */
export function inverseCountLocals(w: PoolWindow): string[] {
  w.locals.declare('inv', 'f32');
  w.locals.declare('invv', 'v128');
  return [set('inv', w.inverseCount()), set('invv', `(f32x4.splat ${get('inv')})`)];
}

