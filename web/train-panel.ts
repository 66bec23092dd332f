// The train panel: epochs, batch size and backend; progress bar, status line (#train-status,
// which tests read: step, loss and backend, also as data attributes) and the live loss and
// accuracy curves, training per step and validation per epoch.

import type { EpochRecord } from '../runtime/engine';
import { drawChart, type Series } from './chart';
import type { Backend, EngineInfo, TrainProgress } from './protocol';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** Renderers that draw on the CPU (Chromium's SwiftShader, Mesa's llvmpipe and softpipe). */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software/i;

export const backendName = (b: Backend): string => (b === 'gpu' ? 'WebGL' : 'WebAssembly');

export interface TrainSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly backend: Backend;
}

export class TrainPanel {
  private steps: (readonly [number, number, number])[] = [];
  private val: EpochRecord[] = [];
  private stepsPerEpoch = 1;
  private redraw = false;
  private maxSteps: number | null = null;

  /** `renderer`: the WebGL renderer, or null without WebGL. */
  constructor(batchSizes: readonly number[], defaultBatch: number, renderer: string | null) {
    const select = $<HTMLSelectElement>('batch-size');
    select.replaceChildren(...batchSizes.map((b) => new Option(String(b), String(b), b === defaultBatch, b === defaultBatch)));
    const backend = $<HTMLSelectElement>('backend');
    const gl = backend.options[0] as HTMLOptionElement;
    if (renderer === null) {
      gl.disabled = true;
      gl.textContent += ' (no WebGL here)';
      backend.value = 'cpu';
    } else if (SOFTWARE_RENDERER.test(renderer)) {
      // A CPU drawing triangles: WebAssembly is far faster, so it is the default.
      gl.textContent += ' (software renderer: slow)';
      backend.value = 'cpu';
    }
    this.draw();
  }

  settings(): TrainSettings {
    return {
      epochs: Number($<HTMLInputElement>('epochs').value),
      batchSize: Number($<HTMLSelectElement>('batch-size').value),
      backend: $<HTMLSelectElement>('backend').value as Backend,
    };
  }

  /** Before a run: clears the curves, disables the form. */
  start(maxSteps: number | null): void {
    this.steps = [];
    this.val = [];
    this.running(true);
    document.body.dataset.train = 'running';
    $('train-status').textContent = 'Starting…';
    this.maxSteps = maxSteps;
    this.draw();
  }

  progress(p: TrainProgress): void {
    this.stepsPerEpoch = p.epochSteps;
    this.steps.push([p.step, p.loss, p.accuracy]);
    const total = Math.min(p.epochs * p.epochSteps, this.maxSteps ?? Infinity);
    $<HTMLProgressElement>('train-progress').value = p.step / total;
    const status = $('train-status');
    status.textContent = `Epoch ${p.epoch}/${p.epochs} · step ${p.step} · loss ${p.loss.toFixed(4)} (epoch mean ${p.meanLoss.toFixed(4)}) · accuracy ${p.meanAccuracy.toFixed(3)} · ${describe(p.engine)}`;
    Object.assign(status.dataset, { step: String(p.step), loss: String(p.loss), backend: p.engine.backend });
    status.dataset.losses = this.steps.map((s) => s[1]).join(' ');
    this.schedule();
  }

  epoch(record: EpochRecord): void {
    this.val.push(record);
    this.schedule();
  }

  finish(how: 'done' | 'stopped', steps: number, engine: EngineInfo, test: { loss: number; accuracy: number }, testCount: number): void {
    this.running(false);
    const status = $('train-status');
    const last = this.steps[this.steps.length - 1];
    status.textContent = `${how === 'done' ? 'Done' : 'Stopped'} after ${steps} steps on ${describe(engine)}${last ? ` · last loss ${last[1].toFixed(4)}` : ''} · test loss ${test.loss.toFixed(4)}, accuracy ${test.accuracy.toFixed(4)} on ${testCount} test digits`;
    document.body.dataset.train = how;
    this.draw();
  }

  failed(): void {
    this.running(false);
    document.body.dataset.train = 'error';
  }

  private running(on: boolean): void {
    $<HTMLButtonElement>('train').disabled = on;
    $<HTMLButtonElement>('stop').disabled = !on;
  }

  private schedule(): void {
    if (this.redraw) return;
    this.redraw = true;
    requestAnimationFrame(() => { this.redraw = false; this.draw(); });
  }

  private draw(): void {
    const epochX = (r: EpochRecord): number => r.epoch * this.stepsPerEpoch;
    const val = this.val.filter((r) => r.valLoss !== null);
    const loss: Series[] = [
      { label: 'training (batch)', color: '#2f6fde', points: this.steps.map(([s, l]) => [s, l] as const) },
      { label: 'validation', color: '#e07b00', points: val.map((r) => [epochX(r), r.valLoss as number] as const), dots: true },
    ];
    const accuracy: Series[] = [
      { label: 'training (batch)', color: '#2f6fde', points: this.steps.map(([s, , a]) => [s, a] as const) },
      { label: 'validation', color: '#e07b00', points: val.map((r) => [epochX(r), r.valAccuracy as number] as const), dots: true },
    ];
    const top = Math.max(0.1, ...loss.flatMap((l) => l.points.map((p) => p[1])));
    for (const [id, series, title, yRange] of [['loss-chart', loss, 'Loss', [0, top]], ['accuracy-chart', accuracy, 'Accuracy', [0, 1]]] as const) {
      const canvas = $<HTMLCanvasElement>(id);
      if (canvas.clientWidth > 0 && canvas.width !== canvas.clientWidth) canvas.width = canvas.clientWidth;
      drawChart(canvas, series, { title, xLabel: 'step', yRange });
    }
  }
}

export function describe(e: EngineInfo): string {
  return `${backendName(e.backend)}: ${e.description}`;
}
