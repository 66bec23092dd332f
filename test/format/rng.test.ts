// Rng.permutation (the data loader's shuffle) against what a uniform shuffle must do,
// independently of how it is implemented: over many seeds every one of the n! orders
// appears about equally often (a chi-squared goodness-of-fit bound), and items stay in
// place as often as chance says (a Sattolo shuffle, which draws j from [0, i) instead of
// [0, i], only ever makes one n-cycle: it never leaves an item in place).

import { strict as assert } from 'node:assert';
import { Rng } from '../../format/rng';

/** Draws `perSeed` permutations of n from each of `seeds` seeds; counts of each order by its key. */
function orderCounts(n: number, seeds: number, perSeed: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let s = 0; s < seeds; s++) {
    const rng = new Rng(s);
    for (let k = 0; k < perSeed; k++) {
      const p = Array.from(rng.permutation(n));
      assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i), `seed ${s}: [${p}] is not a permutation`);
      const key = p.join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** Every permutation of 0..n-1, as keys. */
function allOrders(n: number): string[] {
  const out: string[] = [];
  const walk = (prefix: number[]): void => {
    if (prefix.length === n) { out.push(prefix.join(',')); return; }
    for (let i = 0; i < n; i++) if (!prefix.includes(i)) walk([...prefix, i]);
  };
  walk([]);
  return out;
}

/**
 * Upper critical value of chi-squared with `df` degrees of freedom at p = 1e-4, by the
 * Wilson-Hilferty approximation (z = 3.719): within a few percent for df >= 5 (df 5: 26.3, exact 25.7).
 */
function chiSquaredCritical(df: number): number {
  const z = 3.719;
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

function chiSquared(counts: Map<string, number>, orders: readonly string[], total: number): number {
  const expected = total / orders.length;
  return orders.reduce((s, o) => s + ((counts.get(o) ?? 0) - expected) ** 2 / expected, 0);
}

describe('format/rng: Rng.permutation is a uniform shuffle', () => {
  for (const [n, seeds, perSeed] of [[3, 3000, 4], [4, 2000, 6]] as const) {
    it(`draws all ${n === 3 ? 6 : 24} orders of ${n} items about equally often (chi-squared, ${seeds} seeds x ${perSeed})`, () => {
      const orders = allOrders(n);
      const counts = orderCounts(n, seeds, perSeed);
      const total = seeds * perSeed;
      const missing = orders.filter((o) => !counts.has(o));
      assert.deepEqual(missing, [], `orders never drawn: ${missing.join(' | ')}`);
      const stat = chiSquared(counts, orders, total);
      const critical = chiSquaredCritical(orders.length - 1);
      assert.ok(stat <= critical, `chi-squared ${stat.toFixed(1)} > ${critical.toFixed(1)} (df ${orders.length - 1}): ${[...counts].map(([k, c]) => `${k}: ${c}`).join('; ')}`);
    });
  }

  it('leaves items in place as often as chance says: P(item i fixed) = 1/n, P(no fixed point) ~ 1/e', () => {
    const n = 6, draws = 12000;
    const fixed = new Array<number>(n).fill(0);
    let derangements = 0;
    const rng = new Rng(42);
    for (let d = 0; d < draws; d++) {
      const p = rng.permutation(n);
      let any = false;
      p.forEach((v, i) => { if (v === i) { fixed[i]++; any = true; } });
      if (!any) derangements++;
    }
    // Binomial counts, held to 5 standard deviations.
    fixed.forEach((f, i) => {
      const mean = draws / n, sd = Math.sqrt(draws * (1 / n) * (1 - 1 / n));
      assert.ok(Math.abs(f - mean) <= 5 * sd, `item ${i} stayed in place ${f} times in ${draws}, expected ~${mean.toFixed(0)}`);
    });
    // Derangements of 6: 265 of 720.
    const q = 265 / 720;
    assert.ok(Math.abs(derangements - draws * q) <= 5 * Math.sqrt(draws * q * (1 - q)), `${derangements} derangements in ${draws}, expected ~${(draws * q).toFixed(0)}`);
  });

  it('handles n = 0 and n = 1, and continues the same sequence from a saved state', () => {
    assert.deepEqual(Array.from(new Rng(1).permutation(0)), []);
    assert.deepEqual(Array.from(new Rng(1).permutation(1)), [0]);
    const a = new Rng(9);
    a.permutation(10);
    const b = Rng.fromState(a.state());
    assert.deepEqual(Array.from(a.permutation(50)), Array.from(b.permutation(50)));
  });
});
