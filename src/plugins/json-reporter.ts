/**
 * `--output run.json`: the whole result (plan digest, environment,
 * summaries, interval series, expectations, encoded histograms), written
 * atomically (temp file + rename) so a reader never sees half a file.
 * `agentload report` and `agentload compare` read this document back.
 */
import { fileOutput } from './report-outputs.ts';
import type { PluginOptions } from '../engine/contracts.ts';
import type { Reporter, RunResult } from '../engine/contracts.ts';
import { writeAtomic } from './write-atomic.ts';
import { requiredString } from './reporter-options.ts';

export { writeAtomic } from './write-atomic.ts';

/** Format version of the JSON result; bumped on incompatible changes. */
export const RESULT_FORMAT = 'agentload-result/1';

/** Serialises a result to the documented JSON document. */
export function resultDocument(result: RunResult): Record<string, unknown> {
  return { format: RESULT_FORMAT, generator: { node: process.version, platform: `${process.platform}-${process.arch}` }, ...result };
}

/** See the module comment. */
export class JsonReporter implements Reporter {
  readonly id = 'json';
  constructor(private readonly file: string) {}
  outputs(): string[] {
    return [fileOutput('JSON result', this.file)];
  }
  onEnd(result: RunResult): void {
    writeAtomic(this.file, `${JSON.stringify(resultDocument(result), null, 2)}\n`);
  }
}

/** Built-in factory: options `{ file }` (required). */
export function createJsonReporter(options: PluginOptions): Reporter {
  return new JsonReporter(requiredString(options, 'file', 'json'));
}
