// Where something is in a model file, and a message about it.

export interface SourceLocation {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units as editors count them. */
  readonly column: number;
}

export interface Diagnostic extends SourceLocation {
  readonly message: string;
}

/** `file:line:col: message`, the format editors and terminals link to. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.message}`;
}

/** Source text quoted in a message: whitespace collapsed to one line, long text cut short. */
export function snippet(text: string, max = 40): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 3)}...` : oneLine;
}
