import { strict as assert } from 'assert';
import { modelChart, overlayChart, renderSvg, reportCharts } from '../../../runtime/report/charts';
import { history } from './histories';

interface LineSpec {
  title: string;
  data: { values: { epoch: number; series: string; value: number }[] };
  encoding: { x: { title: string }; y: { title: string } };
}

function asLine(spec: unknown): LineSpec {
  return spec as LineSpec;
}

describe('charts', () => {
  it('plots training and validation accuracy of one model like the seed', () => {
    const chart = modelChart(history('mnist-prelu', 3), 'accuracy');
    const spec = asLine(chart.spec);
    assert.equal(chart.title, 'mnist-prelu training / validation accuracies');
    assert.equal(chart.id, 'mnist-prelu-accuracy');
    assert.equal(spec.encoding.x.title, 'Epoch');
    assert.equal(spec.encoding.y.title, 'Accuracy');
    const validation = spec.data.values.filter((p) => p.series === 'Validation accuracy').map((p) => p.value);
    assert.deepEqual(validation, [0, 1, 2].map((e) => 0.79 + 0.02 * e));
  });

  it('titles the loss chart with "Loss value" and leaves out missing validation points', () => {
    const chart = modelChart(history('m', 2, false), 'loss');
    const spec = asLine(chart.spec);
    assert.equal(chart.title, 'm training / validation loss values');
    assert.equal(spec.encoding.y.title, 'Loss value');
    assert.deepEqual(spec.data.values.map((p) => p.series), ['Training loss', 'Training loss']);
  });

  it('overlays the validation curves of every model, one series per model', () => {
    const chart = overlayChart([history('a', 2), history('b', 3)], 'loss');
    const spec = asLine(chart.spec);
    assert.equal(chart.title, 'Validation loss of all models');
    assert.deepEqual([...new Set(spec.data.values.map((p) => p.series))], ['a', 'b']);
    assert.equal(spec.data.values.length, 5);
  });

  it('overlays training curves when no run has validation data', () => {
    assert.equal(overlayChart([history('a', 2, false)], 'accuracy').title, 'Training accuracy of all models');
  });

  it('gives every chart a unique, file-safe id', () => {
    const ids = reportCharts([history('Model A/1', 1), history('model a 1', 1), history('validation', 1)]).map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[a-z0-9._-]+$/);
  });

  it('renders to SVG text holding the title, axis titles and legend', async function () {
    this.timeout(20000);
    const svg = await renderSvg(modelChart(history('mnist-prelu', 4), 'loss').spec);
    assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const text of ['mnist-prelu training / validation loss values', 'Epoch', 'Loss value', 'Training loss', 'Validation loss']) {
      assert.ok(svg.includes(`>${text}</text>`), `missing text ${text}`);
    }
  });
});
