import { strict as assert } from 'assert';
import { Resvg } from '@resvg/resvg-js';
import { svgToPng } from '../../../runtime/report/png';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function svg(body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><rect width="200" height="40" fill="white"/>${body}</svg>`;
}

function darkPixels(png: Uint8Array): number {
  const image = new Resvg(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="400" height="80">` +
    `<image width="400" height="80" xlink:href="data:image/png;base64,${Buffer.from(png).toString('base64')}"/></svg>`).render();
  const pixels = image.pixels;
  let dark = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 128) dark++;
  return dark;
}

describe('svgToPng', () => {
  it('writes a PNG', () => {
    const png = svgToPng(svg(''));
    assert.deepEqual(Array.from(png.subarray(0, 8)), PNG_SIGNATURE);
  });

  it('draws text in the generic sans-serif family vega uses', () => {
    const withText = svgToPng(svg('<text x="10" y="28" font-family="sans-serif" font-size="20" fill="black">Epoch 12</text>'));
    const blank = svgToPng(svg(''));
    assert.equal(darkPixels(blank), 0);
    assert.ok(darkPixels(withText) > 100, 'the text drew no pixels: are system fonts installed?');
  });
});
