// SVG -> PNG through resvg. resvg draws text only with fonts it can load; with no fonts on
// the system every label would silently vanish, so that is an error instead.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Resvg } from '@resvg/resvg-js';

/** Families tried for the charts' generic `sans-serif` text, in order. */
const PREFERRED_FAMILIES: readonly [string, RegExp][] = [
  ['DejaVu Sans', /^DejaVuSans\.ttf$/i],
  ['Liberation Sans', /^LiberationSans-Regular\.ttf$/i],
  ['Noto Sans', /^NotoSans-Regular\.ttf$/i],
  ['FreeSans', /^FreeSans\.ttf$/i],
];
const FONT_FILE = /\.(ttf|otf|ttc)$/i;

let cachedFamily: string | null | undefined;

function fontDirs(): string[] {
  return ['/usr/share/fonts', '/usr/local/share/fonts', path.join(os.homedir(), '.fonts'), path.join(os.homedir(), '.local/share/fonts'),
    '/System/Library/Fonts', '/Library/Fonts', 'C:\\Windows\\Fonts'];
}

function listFontFiles(dir: string, depth = 0, out: string[] = []): string[] {
  if (depth > 4 || !fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) listFontFiles(path.join(dir, entry.name), depth + 1, out);
    else if (FONT_FILE.test(entry.name)) out.push(entry.name);
  }
  return out;
}

/** The sans-serif family to render with, or null when the system has no fonts at all. */
function sansFamily(): string | null {
  if (cachedFamily !== undefined) return cachedFamily;
  const files = fontDirs().flatMap((d) => listFontFiles(d));
  const preferred = PREFERRED_FAMILIES.find(([, file]) => files.some((f) => file.test(f)));
  cachedFamily = preferred ? preferred[0] : files.length > 0 ? 'sans-serif' : null;
  return cachedFamily;
}

export function svgToPng(svg: string): Uint8Array {
  const family = sansFamily();
  if (family === null) {
    throw new Error('cannot draw chart text in PNGs: no fonts found on this system (on Debian: apt-get install fonts-dejavu-core)');
  }
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: family, sansSerifFamily: family },
  });
  return resvg.render().asPng();
}
