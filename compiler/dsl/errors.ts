// DslError: a model file's options are wrong. `path` is the property path inside the
// offending call's argument (e.g. ['filters'], ['layers', 3, 'poolSize'], or [] for the
// argument itself), so the front end can point at the exact property in the source.

export type PathKey = string | number;
export type Path = readonly PathKey[];

export class DslError extends Error {
  override name = 'DslError';
  constructor(message: string, readonly path: Path) {
    super(message);
  }
}

/** `filters`, `kernelSize[1]`, `fit.batchSize`, `layers[3].name`. */
export function formatPath(path: Path): string {
  let text = '';
  for (const key of path) {
    text += typeof key === 'number' ? `[${key}]` : text === '' ? key : `.${key}`;
  }
  return text;
}

/** A short, one-line description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'string') {
    const text = JSON.stringify(value);
    return text.length > 40 ? `${text.slice(0, 36)}..."` : text;
  }
  if (typeof value === 'boolean' || value === null) return String(value);
  const json = safeJson(value);
  if (json !== undefined && json.length <= 40) return json;
  return Array.isArray(value) ? `an array of ${value.length}` : 'an object';
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
