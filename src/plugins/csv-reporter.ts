/**
 * `--csv PREFIX`: Locust-compatible `PREFIX_stats.csv`,
 * `PREFIX_stats_history.csv` and `PREFIX_failures.csv` (see
 * csv/locust-rows.ts for the column mapping). The history file is rewritten
 * after every interval, so a run that dies still leaves its time series; all
 * three are (re)written from the final result at the end — the same function
 * `agentload report --csv` calls, so both give identical files.
 */
import { fileOutput } from './report-outputs.ts';
import { resolve } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { PluginOptions } from '../engine/contracts.ts';
import type { IntervalSnapshot, Reporter, RunInfo, RunResult } from '../engine/contracts.ts';
import { failureRows, historyRows, statsRows } from './csv/locust-rows.ts';
import { optionalBoolean, requiredString } from './reporter-options.ts';
import { writeAtomic } from './write-atomic.ts';

/** Options of the csv reporter. */
export interface CsvOptions {
  /** Path prefix; files are `${prefix}_stats.csv` etc. Relative to the working directory. */
  readonly prefix: string;
  /** One history row per request name as well as the Aggregated row (Locust `--csv-full-history`). */
  readonly isFullHistory: boolean;
}

/** The three file names for a prefix. */
export function csvFiles(prefix: string): { stats: string; history: string; failures: string } {
  const base = resolve(prefix);
  return { stats: `${base}_stats.csv`, history: `${base}_stats_history.csv`, failures: `${base}_failures.csv` };
}

function csv(rows: Array<Array<string | number>>): string {
  return stringify(rows, { record_delimiter: 'unix' });
}

/** Writes all three files for a finished (or saved) result. Synchronous. */
export function writeCsvReports(result: RunResult, options: CsvOptions): void {
  const files = csvFiles(options.prefix);
  writeAtomic(files.stats, csv(statsRows(result)));
  writeAtomic(files.history, csv(historyRows(result.intervals, Date.parse(result.info.startedAt), options.isFullHistory)));
  writeAtomic(files.failures, csv(failureRows(result)));
}

/** See the module comment. */
export class CsvReporter implements Reporter {
  readonly id = 'csv';
  private readonly intervals: IntervalSnapshot[] = [];
  private startedAtMs = 0;

  constructor(private readonly options: CsvOptions) {}

  outputs(): string[] {
    const f = csvFiles(this.options.prefix);
    return [fileOutput('CSV stats', f.stats), fileOutput('CSV history', f.history), fileOutput('CSV failures', f.failures)];
  }

  onStart(info: RunInfo): void {
    this.startedAtMs = Date.parse(info.startedAt);
  }

  onInterval(snapshot: IntervalSnapshot): void {
    this.intervals.push(snapshot);
    writeAtomic(csvFiles(this.options.prefix).history, csv(historyRows(this.intervals, this.startedAtMs, this.options.isFullHistory)));
  }

  onEnd(result: RunResult): void {
    writeCsvReports(result, this.options);
  }
}

/** Built-in factory: options `{ prefix, fullHistory? }`. */
export function createCsvReporter(options: PluginOptions): Reporter {
  return new CsvReporter({
    prefix: requiredString(options, 'prefix', 'csv'),
    isFullHistory: optionalBoolean(options, 'fullHistory', false),
  });
}
