// The page's classification views: the sample test digits with their predicted classes
// (and #sample-predictions, the hook tests read), and the ten probability bars of a drawing.

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < row.length; c++) if (row[c] > row[best]) best = c;
  return best;
}

/** Paints a 28x28 image in [0, 1] (white ink on black) onto a 28x28 canvas. */
export function paintDigit(canvas: HTMLCanvasElement, x: ArrayLike<number>): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const img = ctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.round(x[i] * 255);
    img.data.set([v, v, v, 255], i * 4);
  }
  ctx.putImageData(img, 0, 0);
}

export class SampleView {
  private readonly captions: HTMLElement[] = [];

  constructor(private readonly x: Float32Array, private readonly labels: Uint8Array | Int32Array, private readonly classes: number) {
    const box = $('samples');
    box.replaceChildren();
    for (let i = 0; i < labels.length; i++) {
      const figure = document.createElement('figure');
      const canvas = document.createElement('canvas');
      canvas.width = 28; canvas.height = 28;
      paintDigit(canvas, x.subarray(i * 784, (i + 1) * 784));
      const caption = document.createElement('figcaption');
      figure.append(canvas, caption);
      box.append(figure);
      this.captions.push(caption);
    }
  }

  /** Shows each digit's predicted class (and its label when wrong); fills #sample-predictions. */
  show(probs: Float32Array): void {
    const k = this.classes;
    const predicted = this.captions.map((_, i) => argmax(probs.subarray(i * k, (i + 1) * k)));
    predicted.forEach((p, i) => {
      const caption = this.captions[i];
      const wrong = p !== this.labels[i];
      caption.className = wrong ? 'wrong' : '';
      caption.textContent = String(p);
      if (wrong) caption.append(' ', Object.assign(document.createElement('small'), { textContent: `(${this.labels[i]})` }));
    });
    const out = $('sample-predictions');
    out.textContent = predicted.join(' ');
    out.dataset.probabilities = JSON.stringify(Array.from(probs));
  }
}

export class ProbabilityBars {
  private readonly rows: HTMLLIElement[] = [];

  constructor(classes: number) {
    const list = $('draw-probs');
    list.replaceChildren();
    for (let c = 0; c < classes; c++) {
      const li = document.createElement('li');
      li.dataset.class = String(c);
      li.innerHTML = `<span>${c}</span><span class="bar"><span class="fill"></span></span><span class="p">–</span>`;
      list.append(li);
      this.rows.push(li);
    }
  }

  /** Shows one example's probabilities; null clears them. */
  show(probs: Float32Array | null): void {
    const top = probs === null ? -1 : argmax(probs);
    this.rows.forEach((li, c) => {
      const p = probs === null ? null : probs[c];
      li.dataset.p = p === null ? '' : String(p);
      li.className = c === top ? 'top' : '';
      (li.querySelector('.fill') as HTMLElement).style.width = `${((p ?? 0) * 100).toFixed(1)}%`;
      (li.querySelector('.p') as HTMLElement).textContent = p === null ? '–' : p.toFixed(3);
    });
  }
}
