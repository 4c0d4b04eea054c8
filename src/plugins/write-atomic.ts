/**
 * Atomic file output for reporters: write a temp file beside the target,
 * then rename, so a reader (CI, a browser, a spreadsheet) never sees half a
 * file and a crash leaves the previous report intact.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { RunError } from '../engine/errors.ts';

/** Removes a half-written temp file; where there is none, or its directory is not one, there is nothing to do. */
function removeQuietly(tmp: string): void {
  try {
    rmSync(tmp, { force: true });
  } catch {
    // ENOTDIR / EACCES: the temp file could not have been created either
  }
}

const WHY: Readonly<Record<string, string>> = {
  ENOTDIR: 'a part of its path is a file, not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EISDIR: 'it is a directory',
};

/** The system's code, with words: mkdir -p reports a file in the way as EEXIST, which reads as the opposite. */
function why(e: unknown, isMakingDir: boolean): string {
  const raw = (e as NodeJS.ErrnoException | null)?.code;
  const code = raw === 'EEXIST' && isMakingDir ? 'ENOTDIR' : raw;
  if (code === undefined) return (e as Error)?.message ?? String(e);
  return Object.hasOwn(WHY, code) ? `${WHY[code]} (${code})` : code;
}

/**
 * Writes `data` to `file` via a temp file and rename; creates the directory.
 * Synchronous (end of run only). A file that cannot be written throws
 * AGENTLOAD_E_REPORT_WRITE naming `file` (not the temp file) and the system's
 * code, so the run fails with one line a user can act on.
 */
export function writeAtomic(file: string, data: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  let isMakingDir = true;
  try {
    mkdirSync(dirname(file), { recursive: true });
    isMakingDir = false;
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    removeQuietly(tmp);
    throw new RunError('AGENTLOAD_E_REPORT_WRITE', `cannot write ${file}: ${why(e, isMakingDir)}`, { cause: e });
  }
}
