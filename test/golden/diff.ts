// A unified-style hint of how two texts differ: the common head and tail are skipped and
// the differing middle is printed as -expected / +actual lines, with a little context.

const CONTEXT = 2;
const MAX_LINES = 12;

export function diffHint(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const removed = a.slice(head, a.length - tail);
  const added = b.slice(head, b.length - tail);
  const from = Math.max(0, head - CONTEXT);
  const clip = (lines: string[], sign: string): string[] =>
    [...lines.slice(0, MAX_LINES).map((l) => `${sign}${l}`), ...(lines.length > MAX_LINES ? [`${sign}... ${lines.length - MAX_LINES} more lines`] : [])];
  return [
    `@@ -${head + 1},${removed.length} +${head + 1},${added.length} @@`,
    ...a.slice(from, head).map((l) => ` ${l}`),
    ...clip(removed, '-'),
    ...clip(added, '+'),
    ...a.slice(a.length - tail, a.length - tail + CONTEXT).map((l) => ` ${l}`),
  ].join('\n');
}
