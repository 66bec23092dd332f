// Small WAT-writing helpers shared by the GEMM and convolution emitters:
// a function builder that collects locals, and exact partial-vector loads/stores
// (a row tail of 1-3 floats must never read or write past the tensor it belongs to).

export type WatType = 'i32' | 'f32' | 'v128';

/** Collects a function's locals and body lines; renders the `(func ...)` text. */
export class FuncBuilder {
  private readonly locals = new Map<string, WatType>();
  private readonly body: string[] = [];

  constructor(readonly name: string) {}

  /** Declares (once) and returns a local's name, without `$`. */
  local(name: string, type: WatType): string {
    const known = this.locals.get(name);
    if (known && known !== type) throw new Error(`local $${name} declared as ${known} and ${type}`);
    this.locals.set(name, type);
    return name;
  }

  emit(...lines: string[]): void {
    for (const line of lines) this.body.push(line);
  }

  text(): string {
    const decls = [...this.locals].map(([n, t]) => `    (local $${n} ${t})`);
    return [
      `  (func $${this.name} (param $tid i32) (param $nth i32)`,
      ...decls,
      ...this.body.map((l) => `    ${l}`),
      '  )',
    ].join('\n');
  }
}

export function i32(value: number): string {
  if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 32) throw new Error(`i32 constant out of range: ${value}`);
  return `(i32.const ${value | 0})`;
}

export function get(local: string): string {
  return `(local.get $${local})`;
}

export function set(local: string, value: string): string {
  return `(local.set $${local} ${value})`;
}

/** `local += delta` (bytes), omitted for 0. */
export function bump(local: string, delta: number): string[] {
  return delta === 0 ? [] : [set(local, `(i32.add ${get(local)} ${i32(delta)})`)];
}

function offsetArg(offset: number): string {
  if (!Number.isInteger(offset) || offset < 0) throw new Error(`memory offset must be a non-negative integer, got ${offset}`);
  return offset === 0 ? '' : ` offset=${offset}`;
}

/** Loads `count` (1..4) consecutive floats at ptr+offset into the low lanes; other lanes are 0. */
export function loadFloats(ptr: string, offset: number, count: number): string {
  switch (count) {
    case 4: return `(v128.load${offsetArg(offset)} align=4 ${ptr})`;
    case 3: return `(v128.load32_lane${offsetArg(offset + 8)} align=4 2 ${ptr} (v128.load64_zero${offsetArg(offset)} align=4 ${ptr}))`;
    case 2: return `(v128.load64_zero${offsetArg(offset)} align=4 ${ptr})`;
    case 1: return `(v128.load32_zero${offsetArg(offset)} ${ptr})`;
    default: throw new Error(`loadFloats: count ${count} not in 1..4`);
  }
}

/** Stores the low `count` (1..4) lanes of `value` at ptr+offset; `value` is evaluated once. */
export function storeFloats(ptr: string, offset: number, count: number, value: string, temp?: string): string[] {
  switch (count) {
    case 4: return [`(v128.store${offsetArg(offset)} align=4 ${ptr} ${value})`];
    case 2: return [`(v128.store64_lane${offsetArg(offset)} align=4 0 ${ptr} ${value})`];
    case 1: return [`(v128.store32_lane${offsetArg(offset)} 0 ${ptr} ${value})`];
    case 3: {
      if (!temp) throw new Error('storeFloats: 3 lanes need a temporary local');
      return [
        set(temp, value),
        `(v128.store64_lane${offsetArg(offset)} align=4 0 ${ptr} ${get(temp)})`,
        `(v128.store32_lane${offsetArg(offset + 8)} 2 ${ptr} ${get(temp)})`,
      ];
    }
    default: throw new Error(`storeFloats: count ${count} not in 1..4`);
  }
}

/** Loads `count` floats spaced `stride` bytes apart into the low lanes (a gather); other lanes 0. */
export function gatherFloats(ptr: string, offset: number, stride: number, count: number): string {
  let v = `(v128.load32_zero${offsetArg(offset)} ${ptr})`;
  for (let lane = 1; lane < count; lane++) v = `(v128.load32_lane${offsetArg(offset + lane * stride)} ${lane} ${ptr} ${v})`;
  return v;
}

/** Sets i32 locals lo, hi to thread $tid's share [lo, hi) of `total` items split evenly over $nth. */
export function threadRange(lo: string, hi: string, total: number): string[] {
  return [
    set(lo, `(i32.div_u (i32.mul (local.get $tid) ${i32(total)}) (local.get $nth))`),
    set(hi, `(i32.div_u (i32.mul (i32.add (local.get $tid) (i32.const 1)) ${i32(total)}) (local.get $nth))`),
  ];
}
