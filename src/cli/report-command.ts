/**
 * `agentload report run.json [--html F] [--csv P] [--junit F]`: renders
 * reports from a saved result without re-running — the same functions the
 * live reporters call at the end of a run, so the files are identical.
 * With no output flag it prints the console summary and PASS/FAIL lines.
 * Exit 0 once the reports are written (gate on expectations with `run`, or
 * on regressions with `compare`); 2 on bad flags or unreadable input.
 */
import { parseFlags, type FlagTable } from './parse-flags.ts';
import { UsageError } from '../engine/errors.ts';
import { csvFiles, writeCsvReports } from '../plugins/csv-reporter.ts';
import { renderHtml } from '../plugins/html-reporter.ts';
import { junitXml } from '../plugins/junit-reporter.ts';
import { resultText } from '../plugins/format.ts';
import { writeAtomic } from '../plugins/write-atomic.ts';
import { readResult } from './read-result.ts';

/** `report`'s flags (parse-flags.ts). */
export const REPORT_FLAGS = {
  html: { type: 'string', arg: 'FILE', help: 'write the self-contained HTML report' },
  csv: { type: 'string', arg: 'PREFIX', help: 'write Locust-compatible CSV files' },
  'csv-full-history': { type: 'boolean', help: 'with --csv: a stats_history row per name and interval' },
  junit: { type: 'string', arg: 'FILE', help: 'write the expectations as JUnit XML' },
} as const satisfies FlagTable;

/** Returns the exit code; see the module comment. */
export function reportCommand(args: string[], out: (line: string) => void): number {
  const { values, positionals } = parseFlags(args, REPORT_FLAGS, 'report');
  if (positionals.length !== 1) throw new UsageError(`agentload report expects one result file (run.json), got ${positionals.length}`);
  const result = readResult(positionals[0]!);
  const wrote: string[] = [];
  if (values.html !== undefined) {
    writeAtomic(values.html, renderHtml(result));
    wrote.push(values.html);
  }
  if (values.csv !== undefined) {
    writeCsvReports(result, { prefix: values.csv, isFullHistory: values['csv-full-history'] ?? false });
    const f = csvFiles(values.csv);
    wrote.push(f.stats, f.history, f.failures);
  }
  if (values.junit !== undefined) {
    writeAtomic(values.junit, junitXml(result));
    wrote.push(values.junit);
  }
  out(wrote.length === 0 ? resultText(result).join('\n') : wrote.map((f) => `wrote ${f}`).join('\n'));
  return 0;
}
