/**
 * `--output run.json`: the whole result (plan digest, environment,
 * summaries, interval series, expectations, encoded histograms), written
 * atomically (temp file + rename) so a reader never sees half a file.
 */
import { writeFileSync, renameSync } from 'node:fs';
import type { Reporter, RunResult } from '../engine/contracts.ts';

/** Format version of the JSON result; bumped on incompatible changes. */
export const RESULT_FORMAT = 'agentload-result/1';

/** Serialises a result to the documented JSON document. */
export function resultDocument(result: RunResult): Record<string, unknown> {
  return { format: RESULT_FORMAT, generator: { node: process.version, platform: `${process.platform}-${process.arch}` }, ...result };
}

/** Writes `data` to `file` via a temp file and rename. */
export function writeAtomic(file: string, data: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** See the module comment. */
export class JsonReporter implements Reporter {
  readonly id = 'json';
  constructor(private readonly file: string) {}
  onEnd(result: RunResult): void {
    writeAtomic(this.file, `${JSON.stringify(resultDocument(result), null, 2)}\n`);
  }
}
