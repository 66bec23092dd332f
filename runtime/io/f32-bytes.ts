// Float32 values <-> little-endian bytes at any byte offset (file buffers are not 4-byte aligned).

/** The host's byte order, from how it stores a 16-bit 1 (works in Node and in a page alike). */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function copyF32ToLE(src: Float32Array, dst: Uint8Array, offset: number): void {
  if (LITTLE_ENDIAN_HOST) {
    dst.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), offset);
    return;
  }
  const view = new DataView(dst.buffer, dst.byteOffset + offset, src.length * 4);
  for (let i = 0; i < src.length; i++) view.setFloat32(i * 4, src[i], true);
}

export function copyF32FromLE(src: Uint8Array, offset: number, count: number): Float32Array {
  const out = new Float32Array(count);
  if (LITTLE_ENDIAN_HOST) {
    new Uint8Array(out.buffer).set(src.subarray(offset, offset + count * 4));
    return out;
  }
  const view = new DataView(src.buffer, src.byteOffset + offset, count * 4);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
