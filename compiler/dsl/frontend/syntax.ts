// The TypeScript parser's own syntax errors, as diagnostics. Only syntax: the file is
// never type-checked (that would need 'nnc' resolved) and never run.

import { Project, ts, type SourceFile } from 'ts-morph';
import type { Diagnostic } from './diagnostics';
import { LineMap } from './line-map';

const IN_MEMORY_NAME = '/model.ts';

/** Parses `source` in a fresh in-memory project (nothing is read from or written to disk). */
export function parseSource(source: string): { sourceFile: SourceFile; project: Project } {
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: { noLib: true, noResolve: true, types: [], target: ts.ScriptTarget.ES2022 },
  });
  const sourceFile = project.createSourceFile(IN_MEMORY_NAME, source, { scriptKind: ts.ScriptKind.TS });
  return { sourceFile, project };
}

/** After the first few, the parser's errors are mostly echoes of the first one. */
const MAX_SYNTAX_ERRORS = 5;

export function syntaxDiagnostics(project: Project, sourceFile: SourceFile, fileName: string): Diagnostic[] {
  const lines = new LineMap(sourceFile.getFullText());
  return project.getProgram().getSyntacticDiagnostics(sourceFile).slice(0, MAX_SYNTAX_ERRORS).map((d) => {
    const { line, column } = lines.position(d.getStart() ?? 0);
    const text = ts.flattenDiagnosticMessageText(d.compilerObject.messageText, ' ');
    return { file: fileName, line, column, message: `syntax error: ${text}` };
  });
}
