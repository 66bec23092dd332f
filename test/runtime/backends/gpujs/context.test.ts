import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { gpuTestContext } from '../../../support/webgl';

const ROOT = path.resolve(__dirname, '../../../..');

/** createGpuContext() in a child process with the given environment changes. */
function contextInChild(env: NodeJS.ProcessEnv): { ok: boolean; kernelClass?: string; reason?: string } {
  const script = "const { createGpuContext } = require('./runtime/backends/gpujs/context');"
    + 'const c = createGpuContext(); console.log(JSON.stringify(c.ok ? { ok: true, kernelClass: c.kernelClass } : c));';
  const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}');
}

describe('createGpuContext', () => {
  it('says in one line that gpu.js fell back, and why, when there is no display', () => {
    const c = contextInChild({ DISPLAY: '' });
    assert.equal(c.ok, false);
    assert.ok(c.reason && !c.reason.includes('\n'), `one line: ${c.reason}`);
    assert.match(c.reason ?? '', /^gpu\.js fell back to \w+: /);
    if (fs.existsSync(path.join(ROOT, 'node_modules/gl/build/Release/webgl.node'))) assert.match(c.reason ?? '', /DISPLAY is unset/);
  });

  it('runs on a WebGL kernel class when a display is available (always, in CI)', function () {
    const ctx = gpuTestContext();
    if (!ctx) this.skip();
    else assert.ok(['HeadlessGLKernel', 'WebGLKernel', 'WebGL2Kernel'].includes(ctx.kernelClass), ctx.kernelClass);
  });
});
