// The front end of `nnc build`: reads a model file with ts-morph into a ModelSpec without
// running it, accepting only declarative TypeScript, and reports everything else as
// file:line:column diagnostics. It never throws: every input yields a result.

import { Node, type SourceFile } from 'ts-morph';
import type { Path } from './errors';
import type { ModelSpec } from './spec';
import { formatDiagnostic, type Diagnostic, type SourceLocation } from './frontend/diagnostics';
import { locate } from './frontend/loc-tree';
import { Reader, type Evaluated } from './frontend/reader';
import { declareConsts, readConst, readDefaultExport, readImport, reportStatement } from './frontend/statements';
import { parseSource, syntaxDiagnostics } from './frontend/syntax';
import { readModelBytes } from './source-file';

export { formatDiagnostic, type Diagnostic, type SourceLocation };

export type FrontendResult =
  | {
      readonly ok: true;
      readonly spec: ModelSpec;
      /** Where `path` (inside the model's spec, e.g. ['layers', 3, 'poolSize']) is written, or its nearest enclosing part. */
      locate(path: Path): SourceLocation;
    }
  | { readonly ok: false; readonly diagnostics: Diagnostic[] };

function readStatements(r: Reader, sourceFile: SourceFile): { model: Evaluated | null; found: boolean } {
  const statements = sourceFile.getStatements();
  for (const statement of statements) if (Node.isImportDeclaration(statement)) readImport(r, statement);
  declareConsts(r, statements);
  let model: Evaluated | null = null;
  let found = false;
  for (const statement of statements) {
    if (Node.isImportDeclaration(statement) || Node.isEmptyStatement(statement)) continue;
    if (Node.isVariableStatement(statement)) {
      readConst(r, statement);
    } else if (Node.isExportAssignment(statement) && !statement.isExportEquals()) {
      if (found) r.report(statement, "a model file has one 'export default'; this is a second one");
      else model = readDefaultExport(r, statement.getExpression());
      found = true;
    } else {
      reportStatement(r, statement);
    }
  }
  return { model, found };
}

function inSourceOrder(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.line - b.line || a.column - b.column);
}

function read(source: string, fileName: string): FrontendResult {
  const { project, sourceFile } = parseSource(source);
  const syntax = syntaxDiagnostics(project, sourceFile, fileName);
  if (syntax.length > 0) return { ok: false, diagnostics: syntax };
  const r = new Reader(sourceFile, fileName);
  const { model, found } = readStatements(r, sourceFile);
  if (!found) r.reportAt({ file: fileName, line: 1, column: 1 }, "the model file has no 'export default model({...})'");
  if (r.diagnostics.length > 0 || model === null) return { ok: false, diagnostics: inSourceOrder(r.diagnostics) };
  const tree = model.tree;
  return { ok: true, spec: model.value as ModelSpec, locate: (path) => locate(tree, path) };
}

/** Reads model source text; `fileName` is what diagnostics name. */
export function parseModelSource(source: string, fileName: string): FrontendResult {
  try {
    return read(source, fileName);
  } catch (error) {
    // A parser stack overflow on absurdly nested input, or a bug here: still one diagnostic, never a throw.
    const reason = error instanceof RangeError ? 'the file is nested too deeply to read' : `internal error: ${error instanceof Error ? error.message : String(error)}`;
    return { ok: false, diagnostics: [{ file: fileName, line: 1, column: 1, message: reason }] };
  }
}

/** Reads the model file at `path`; a missing or unreadable file is one diagnostic naming it. */
export function parseModelFile(path: string): FrontendResult {
  const read = readModelFile(path);
  return read.ok ? parseModelSource(read.text, path) : read;
}

/** A model file's bytes and text, or the one diagnostic saying why it cannot be read. */
export function readModelFile(path: string): { ok: true; bytes: Buffer; text: string } | { ok: false; diagnostics: Diagnostic[] } {
  const read = readModelBytes(path);
  if (!read.ok) return { ok: false, diagnostics: [{ file: path, line: 1, column: 1, message: `cannot read model file '${path}': ${read.why}` }] };
  return { ok: true, bytes: read.bytes, text: read.bytes.toString('utf8') };
}
