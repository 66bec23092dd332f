// Jumping xoshiro128** ahead: the state after k draws, without drawing them. The state
// transition is linear over GF(2) (xors, shifts and a rotation of the 128 state bits), so k
// steps are the k-th power of one 128x128 bit matrix; powers M^(2^i) are built once by
// squaring, and a jump applies those of k's set bits. This lets each thread draw its own
// slice of the one mask sequence and still give Rng's values bit for bit.

import type { RngState } from './rng';

/** A 128x128 bit matrix as 128 columns (the image of each state bit), 4 u32 words each. */
type BitMatrix = Uint32Array;

const POWERS = 32;
let powers: BitMatrix[] | null = null;

/** One draw's state transition (as Rng.nextU32 advances s0..s3). */
function transition(s: Uint32Array): void {
  const t = s[1] << 9;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
  s[2] ^= t;
  s[3] = (s[3] << 11) | (s[3] >>> 21);
}

function apply(m: BitMatrix, v: Uint32Array, out: Uint32Array): void {
  out.fill(0);
  for (let bit = 0; bit < 128; bit++) {
    if (((v[bit >>> 5] >>> (bit & 31)) & 1) === 0) continue;
    const c = 4 * bit;
    out[0] ^= m[c]; out[1] ^= m[c + 1]; out[2] ^= m[c + 2]; out[3] ^= m[c + 3];
  }
}

function buildPowers(): BitMatrix[] {
  const one = new Uint32Array(512);
  for (let bit = 0; bit < 128; bit++) {
    const s = new Uint32Array(4);
    s[bit >>> 5] = 1 << (bit & 31);
    transition(s);
    one.set(s, 4 * bit);
  }
  const all = [one];
  for (let i = 1; i < POWERS; i++) {
    const prev = all[i - 1];
    const next = new Uint32Array(512);
    for (let bit = 0; bit < 128; bit++) apply(prev, prev.subarray(4 * bit, 4 * bit + 4), next.subarray(4 * bit, 4 * bit + 4));
    all.push(next);
  }
  return all;
}

/** The state Rng would have after `k` more draws from `state` (0 <= k < 2^32). */
export function jumpState(state: RngState, k: number): RngState {
  if (!Number.isInteger(k) || k < 0 || k >= 2 ** POWERS) throw new Error(`jumpState: ${k} draws is not an integer in [0, 2^${POWERS})`);
  powers ??= buildPowers();
  let v = Uint32Array.from(state);
  let out = new Uint32Array(4);
  for (let i = 0; i < POWERS; i++) {
    if (Math.floor(k / 2 ** i) % 2 === 0) continue;
    apply(powers[i], v, out);
    [v, out] = [out, v];
  }
  return [v[0], v[1], v[2], v[3]];
}
