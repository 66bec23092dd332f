// gpu.js on WebGL in Node: headless-gl (the optional package gl) on an X display. When
// gpu.js falls back, says what is missing here (gpu-context.ts does the checking).

import * as fs from 'fs';
import * as path from 'path';
import { firstLine, openGpuContext, type GpuContext } from './gpu-context';

export type { GpuContext };

/** Why headless-gl cannot give a context here, or null when it can (or the question does not apply). */
function headlessGlProblem(): string | null {
  let main: string;
  try {
    main = require.resolve('gl');
  } catch {
    return 'the optional package gl is not installed (npm ci builds it; it needs libxi-dev libglu1-mesa-dev libglew-dev pkg-config)';
  }
  const binary = path.join(path.dirname(main), 'build', 'Release', 'webgl.node');
  if (!fs.existsSync(binary)) return `gl is installed but not built: ${binary} is missing`;
  let createContext: (width: number, height: number) => unknown;
  try {
    createContext = require('gl') as (width: number, height: number) => unknown;
  } catch (err) {
    return `gl does not load: ${firstLine(err)}`;
  }
  if (createContext(1, 1)) return null;
  const display = process.env.DISPLAY;
  return display ? `headless-gl cannot open a context on DISPLAY=${display}` : 'no X display (DISPLAY is unset): run under xvfb-run -a';
}

export function createGpuContext(): GpuContext {
  return openGpuContext(headlessGlProblem);
}
