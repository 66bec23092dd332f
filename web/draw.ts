// The drawing pad: a canvas drawn on with a mouse, pen or finger (pointer events), white
// ink on black as MNIST's digits are; calls back with the ink whenever the drawing changes.

export interface DrawPad {
  clear(): void;
}

/** Ink in [0, 1] per pixel of the canvas (its red channel). */
export function readInk(canvas: HTMLCanvasElement): Float32Array {
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  const rgba = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const ink = new Float32Array(canvas.width * canvas.height);
  for (let i = 0; i < ink.length; i++) ink[i] = rgba[i * 4] / 255;
  return ink;
}

export function drawPad(canvas: HTMLCanvasElement, onChange: (ink: Float32Array) => void): DrawPad {
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  const clear = (): void => { ctx.fillStyle = '#000'; ctx.fillRect(0, 0, canvas.width, canvas.height); };
  clear();
  let last: [number, number] | null = null;
  let pending = false;
  const changed = (): void => {
    if (pending) return;
    pending = true;
    // At most one read per frame however fast the pointer moves.
    requestAnimationFrame(() => { pending = false; onChange(readInk(canvas)); });
  };
  const at = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * canvas.width, ((e.clientY - r.top) / r.height) * canvas.height];
  };
  const stroke = (to: [number, number]): void => {
    ctx.strokeStyle = '#fff'; ctx.lineWidth = canvas.width / 12; ctx.lineCap = 'round'; ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(...(last ?? to));
    ctx.lineTo(...to);
    ctx.stroke();
    last = to;
    changed();
  };
  canvas.addEventListener('pointerdown', (e) => { canvas.setPointerCapture(e.pointerId); last = null; stroke(at(e)); });
  canvas.addEventListener('pointermove', (e) => { if (last !== null) stroke(at(e)); });
  const end = (): void => { last = null; };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  return { clear: () => { clear(); last = null; onChange(readInk(canvas)); } };
}
