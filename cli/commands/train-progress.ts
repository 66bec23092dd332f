// What `nnc train` shows while it trains: on a terminal, a cli-progress bar per epoch (step,
// loss, accuracy, ETA) replaced by a summary line when the epoch ends; elsewhere (a pipe, a
// log file) only the summary lines, Keras-style.

import { SingleBar } from 'cli-progress';
import type { EpochRecord } from '../../runtime/engine';
import type { BatchProgress } from '../../runtime/train/fit';

export interface ProgressView {
  onBatch(p: BatchProgress): void;
  onEpochEnd(record: EpochRecord, epochs: number): void;
  /** Removes a bar left mid-epoch (an interrupted or failed run). */
  close(): void;
}

const fixed = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(4));

/** `Epoch 3/25 - 12.3s - loss: 0.1234 - accuracy: 0.9612 - val_loss: ... - val_accuracy: ...` */
export function epochLine(r: EpochRecord, epochs: number): string {
  const parts = [`Epoch ${r.epoch}/${epochs}`, `${r.seconds.toFixed(1)}s`, `loss: ${fixed(r.loss)}`, `accuracy: ${fixed(r.accuracy)}`];
  if (r.topKAccuracy !== undefined) parts.push(`top_k_accuracy: ${fixed(r.topKAccuracy)}`);
  if (r.valLoss !== null) parts.push(`val_loss: ${fixed(r.valLoss)}`, `val_accuracy: ${fixed(r.valAccuracy)}`);
  if (r.valLoss !== null && r.valTopKAccuracy !== undefined) parts.push(`val_top_k_accuracy: ${fixed(r.valTopKAccuracy)}`);
  return parts.join(' - ');
}

export function createProgressView(stream: NodeJS.WriteStream): ProgressView {
  return stream.isTTY ? new BarView(stream) : new LineView(stream);
}

class LineView implements ProgressView {
  constructor(private readonly stream: NodeJS.WritableStream) {}
  onBatch(): void { /* only whole epochs are worth a line in a log */ }
  onEpochEnd(record: EpochRecord, epochs: number): void {
    this.stream.write(epochLine(record, epochs) + '\n');
  }
  close(): void { /* nothing drawn */ }
}

class BarView implements ProgressView {
  private bar: SingleBar | null = null;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  onBatch(p: BatchProgress): void {
    const topK = p.topKAccuracy === undefined ? '' : ` - top_k_accuracy: ${p.topKAccuracy.toFixed(4)}`;
    const values = { epochs: `${p.epoch}/${p.epochs}`, loss: p.loss.toFixed(4), acc: p.accuracy.toFixed(4) + topK };
    if (this.bar === null) {
      this.bar = new SingleBar({
        stream: this.stream,
        format: 'Epoch {epochs} [{bar}] {value}/{total} - loss: {loss} - accuracy: {acc} - ETA {eta_formatted}',
        barsize: 30, clearOnComplete: true, hideCursor: true, etaBuffer: 50,
      });
      this.bar.start(p.steps, p.step, values);
    } else {
      this.bar.update(p.step, values);
    }
  }

  onEpochEnd(record: EpochRecord, epochs: number): void {
    this.close();
    this.stream.write(epochLine(record, epochs) + '\n');
  }

  close(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
