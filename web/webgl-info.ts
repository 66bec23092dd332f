// Which WebGL this worker gets and on what renderer: the page names it, so nobody mistakes
// a software renderer (SwiftShader, llvmpipe) for a GPU.

export type WebglInfo = { readonly renderer: string; readonly version: string } | { readonly missing: string };

export function webglInfo(): WebglInfo {
  if (typeof OffscreenCanvas === 'undefined') return { missing: 'this browser has no OffscreenCanvas for WebGL in a worker' };
  const canvas = new OffscreenCanvas(1, 1);
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
  if (gl === null) return { missing: 'the browser gives no WebGL context (disabled, or unsupported here)' };
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  const version = String(gl.getParameter(gl.VERSION));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { renderer, version };
}
