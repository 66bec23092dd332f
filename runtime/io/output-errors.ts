// A folder or file nnc cannot write (a path through a file, no permission, a read-only or
// full disk, a name too long, a folder another run holds): one line naming the path and the
// reason, so the CLI prints it as a user error, never as a stack trace.

export class OutputError extends Error {
  override name = 'OutputError';

  /** `code`: the system error code (EACCES, ENOSPC, ...), or '' when nnc itself refused. */
  constructor(readonly file: string, problem: string, readonly code = '') {
    super(`${file}: ${problem}`);
  }
}

/** A system error as words a user can act on. */
export function describeWriteFailure(e: unknown): { code: string; problem: string } {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  const problems: Readonly<Record<string, string>> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted (a read-only or immutable folder?)',
    EROFS: 'the filesystem is read-only',
    ENOSPC: 'no space left on the disk',
    EDQUOT: 'disk quota exceeded',
    ENOTDIR: 'a part of the path is a file, not a folder',
    ENAMETOOLONG: 'the name is too long',
    ENOENT: 'no such folder',
    EEXIST: 'already exists',
    EISDIR: 'is a folder',
    ERR_FS_EISDIR: 'it is a folder',
    ELOOP: 'too many symbolic links',
    EIO: 'input/output error',
  };
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  return { code, problem: problems[code] ?? `cannot write (${code || message})` };
}
