// Views of a preallocated batch buffer sized to exactly `count` examples, so the engine sees
// arrays of the length its contract names. The last, partial batch of an epoch always has
// the same size, so caching one view per buffer keeps the step free of allocation.

export class SizedView {
  private cachedCount = -1;
  private cached: Float32Array;

  constructor(private readonly buffer: Float32Array, private readonly perExample: number) {
    this.cached = buffer;
  }

  /** The first `count` examples of the buffer. */
  take(count: number): Float32Array {
    const length = count * this.perExample;
    if (length === this.buffer.length) return this.buffer;
    if (count !== this.cachedCount) {
      this.cached = this.buffer.subarray(0, length);
      this.cachedCount = count;
    }
    return this.cached;
  }
}
