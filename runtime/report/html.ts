// The training report: one self-contained report.html (SVG charts inline, no scripts, no
// network) with a summary table, plus each chart as <id>.svg and <id>.png beside it.

import * as fs from 'fs';
import * as path from 'path';
import type { History } from '../engine';
import { writeFileAtomic } from '../io/atomic';
import { type Chart, fileStem, renderSvg, reportCharts } from './charts';
import { svgToPng } from './png';
import type { ConfusionMatrix } from '../train/confusion';
import { confusionChart } from './confusion-chart';
import { type RunSettings, settingsRows } from './settings';

export interface ReportRun {
  readonly name: string;
  readonly history: History;
  readonly test: { readonly loss: number; readonly accuracy: number } | null;
  readonly secondsPerEpoch: number;
  readonly params: number;
  /** What the run was made with (absent: the report has no settings table). */
  readonly settings?: RunSettings;
  /** A classifier's confusion matrix on the test set, drawn as a chart. */
  readonly confusion?: ConfusionMatrix | null;
}

/** Writes the report into `dir` (created if needed); returns report.html's path and every file written. */
export async function writeReport(dir: string, runs: readonly ReportRun[]): Promise<{ html: string; files: string[] }> {
  fs.mkdirSync(dir, { recursive: true });
  // Charts are titled by run name, which may differ from the name the history was recorded under.
  const confusions = runs.flatMap((r) => (r.confusion ? [confusionChart(r.name, fileStem(r.name), r.confusion)] : []));
  const charts = reportCharts(runs.map((r) => ({ ...r.history, model: r.name })), confusions);
  const svgs = await Promise.all(charts.map((c) => renderSvg(c.spec)));
  const files: string[] = [];
  const write = (name: string, data: string | Uint8Array): void => {
    const file = path.join(dir, name);
    writeFileAtomic(file, data);
    files.push(file);
  };
  const htmlPath = path.join(dir, 'report.html');
  write('report.html', reportHtml(runs, charts, svgs));
  charts.forEach((c, i) => write(`${c.id}.svg`, svgs[i]));
  // PNGs last: they need system fonts, and without them the HTML and SVGs are still worth having.
  charts.forEach((c, i) => write(`${c.id}.png`, svgToPng(svgs[i])));
  return { html: htmlPath, files };
}

function reportHtml(runs: readonly ReportRun[], charts: readonly Chart[], svgs: readonly string[]): string {
  const figures = charts.map((c, i) => `<figure id="${escapeHtml(c.id)}">\n${svgs[i]}\n</figure>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nnc training report</title>
<style>
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 2em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.8em; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { display: inline-block; margin: 0 1em 1em 0; }
</style>
</head>
<body>
<h1>Training report</h1>
${summaryTable(runs)}
${settingsTable(runs)}
${figures}
</body>
</html>
`;
}

function summaryTable(runs: readonly ReportRun[]): string {
  const header = ['Model', 'Epochs', 'Test loss', 'Test accuracy', 'Seconds per epoch', 'Parameters'];
  const rows = runs.map((r) => {
    const cells = [
      String(r.history.epochs.length),
      r.test === null ? 'not evaluated' : r.test.loss.toFixed(4),
      r.test === null ? 'not evaluated' : r.test.accuracy.toFixed(4),
      r.secondsPerEpoch.toFixed(1),
      r.params.toLocaleString('en-US'),
    ];
    return `<tr><th scope="row">${escapeHtml(r.name)}</th>${cells.map((c) => `<td class="num">${c}</td>`).join('')}</tr>`;
  });
  return `<table>\n<thead><tr>${header.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

/** One row per setting, one column per run that records its settings; empty when none does. */
function settingsTable(runs: readonly ReportRun[]): string {
  const withSettings = runs.filter((r): r is ReportRun & { settings: RunSettings } => r.settings !== undefined);
  if (withSettings.length === 0) return '';
  const columns = withSettings.map((r) => settingsRows(r.settings));
  const header = `<tr><th scope="col">Setting</th>${withSettings.map((r) => `<th scope="col">${escapeHtml(r.name)}</th>`).join('')}</tr>`;
  const rows = columns[0].map(([label], i) => `<tr><th scope="row">${label}</th>${columns.map((c) => `<td>${escapeHtml(c[i][1])}</td>`).join('')}</tr>`);
  return `<h2>Settings</h2>\n<table class="settings">\n<thead>${header}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
