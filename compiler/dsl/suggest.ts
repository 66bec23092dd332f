// "Did you mean ...?": the closest known name to a misspelt one.

/** The candidate `name` abbreviates, or else the one within edit distance 2 (ignoring case), if any. */
export function closest(name: string, candidates: readonly string[]): string | null {
  const lower = name.toLowerCase();
  const extended = candidates.filter((c) => lower.length >= 3 && c.toLowerCase().startsWith(lower));
  if (extended.length === 1) return extended[0];
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
