// plan memory: lifetimes -> byte offsets in one linear memory. Pinned buffers (params,
// gradients, optimizer slots, inputs, outputs) get their own space for the whole run;
// the rest share space by liveness (greedy first fit, largest first), so a training step
// allocates nothing and its peak memory is known at compile time.

export interface BufferRequest {
  readonly key: string;
  readonly bytes: number;
  /** Schedule positions of the first write and the last read (inclusive). */
  readonly first: number;
  readonly last: number;
  /** Pinned buffers live for the whole run and are laid out first, in request order. */
  readonly pinned?: boolean;
}

export interface MemoryPlan {
  readonly offsets: ReadonlyMap<string, number>;
  readonly bytes: ReadonlyMap<string, number>;
  /** End of the pinned area (params, grads, ...). */
  readonly pinnedBytes: number;
  /** Total bytes (pinned + the shared area's high-water mark). */
  readonly totalBytes: number;
  /** The most bytes live at once. */
  readonly peakLiveBytes: number;
}

export const ALIGN = 64;

export function alignUp(n: number, a = ALIGN): number {
  return Math.ceil(n / a) * a;
}

export function planMemory(requests: readonly BufferRequest[]): MemoryPlan {
  const offsets = new Map<string, number>();
  const bytes = new Map<string, number>();
  let cursor = 0;
  for (const r of requests) {
    if (!r.pinned) continue;
    if (offsets.has(r.key)) throw new Error(`buffer '${r.key}' requested twice`);
    offsets.set(r.key, cursor);
    bytes.set(r.key, r.bytes);
    cursor = alignUp(cursor + r.bytes);
  }
  const pinnedBytes = cursor;
  const placed: { start: number; end: number; first: number; last: number }[] = [];
  const temps = requests.filter((r) => !r.pinned).sort((a, b) => b.bytes - a.bytes || a.first - b.first);
  let high = pinnedBytes;
  for (const r of temps) {
    if (offsets.has(r.key)) throw new Error(`buffer '${r.key}' requested twice`);
    const size = alignUp(Math.max(r.bytes, 1));
    const clashes = placed.filter((p) => p.first <= r.last && r.first <= p.last).sort((a, b) => a.start - b.start);
    let start = pinnedBytes;
    for (const p of clashes) {
      if (start + size <= p.start) break;
      start = Math.max(start, p.end);
    }
    placed.push({ start, end: start + size, first: r.first, last: r.last });
    offsets.set(r.key, start);
    bytes.set(r.key, r.bytes);
    high = Math.max(high, start + size);
  }
  return { offsets, bytes, pinnedBytes, totalBytes: high, peakLiveBytes: pinnedBytes + peakShared(placed) };
}

function peakShared(placed: readonly { start: number; end: number; first: number; last: number }[]): number {
  const times = [...new Set(placed.flatMap((p) => [p.first, p.last]))];
  let peak = 0;
  for (const t of times) {
    const live = placed.filter((p) => p.first <= t && t <= p.last).reduce((acc, p) => acc + (p.end - p.start), 0);
    peak = Math.max(peak, live);
  }
  return peak;
}
