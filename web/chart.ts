// Line charts on a canvas, redrawn whole on every update: the train panel's live loss and
// accuracy curves (training per step, validation per epoch).

export interface Series {
  readonly label: string;
  readonly color: string;
  /** [x, y] points in order of x. */
  readonly points: readonly (readonly [number, number])[];
  /** Draw a dot at each point (a series with few points, such as validation per epoch). */
  readonly dots?: boolean;
}

export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  /** Fixed y range (accuracy: 0..1), else fitted to the data. */
  readonly yRange?: readonly [number, number];
}

const PAD = { left: 48, right: 12, top: 26, bottom: 34 };

/** Round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(6)));
  return out;
}

function range(series: readonly Series[], axis: 0 | 1): [number, number] {
  const values = series.flatMap((s) => s.points.map((p) => p[axis]));
  if (values.length === 0) return [0, 1];
  const lo = Math.min(...values), hi = Math.max(...values);
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

export function drawChart(canvas: HTMLCanvasElement, series: readonly Series[], opts: ChartOptions): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width: w, height: h } = canvas;
  const [x0, x1] = range(series, 0);
  const [y0, y1] = opts.yRange ?? range(series, 1);
  const px = (x: number): number => PAD.left + ((x - x0) / (x1 - x0 || 1)) * (w - PAD.left - PAD.right);
  const py = (y: number): number => h - PAD.bottom - ((y - y0) / (y1 - y0 || 1)) * (h - PAD.top - PAD.bottom);
  ctx.clearRect(0, 0, w, h);
  ctx.font = '11px sans-serif';
  ctx.fillStyle = '#333';
  ctx.fillText(opts.title, PAD.left, 14);
  ctx.strokeStyle = '#ddd';
  ctx.textAlign = 'right';
  for (const t of ticks(y0, y1, 4)) {
    ctx.beginPath(); ctx.moveTo(PAD.left, py(t)); ctx.lineTo(w - PAD.right, py(t)); ctx.stroke();
    ctx.fillText(String(t), PAD.left - 4, py(t) + 4);
  }
  ctx.textAlign = 'center';
  for (const t of ticks(x0, x1, 5)) ctx.fillText(String(t), px(t), h - PAD.bottom + 14);
  ctx.fillText(opts.xLabel, (PAD.left + w - PAD.right) / 2, h - 4);
  ctx.textAlign = 'left';
  let legendX = w - PAD.right;
  for (const s of [...series].reverse()) {
    legendX -= ctx.measureText(s.label).width + 22;
    ctx.fillStyle = s.color; ctx.fillRect(legendX, 7, 12, 3);
    ctx.fillStyle = '#333'; ctx.fillText(s.label, legendX + 16, 12);
  }
  for (const s of series) {
    ctx.strokeStyle = s.color; ctx.fillStyle = s.color; ctx.lineWidth = 1.5;
    ctx.beginPath();
    s.points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(px(x), py(y)) : ctx.lineTo(px(x), py(y))));
    ctx.stroke();
    if (s.dots) for (const [x, y] of s.points) { ctx.beginPath(); ctx.arc(px(x), py(y), 3, 0, 2 * Math.PI); ctx.fill(); }
  }
  ctx.lineWidth = 1;
}
