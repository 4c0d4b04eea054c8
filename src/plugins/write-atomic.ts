/**
 * Atomic file output for reporters: write a temp file beside the target,
 * then rename, so a reader (CI, a browser, a spreadsheet) never sees half a
 * file and a crash leaves the previous report intact.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes `data` to `file` via a temp file and rename; creates the directory. Synchronous (end of run only). */
export function writeAtomic(file: string, data: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
