/**
 * Example reporter plugin: `count`. Totals requests, errors and expected
 * outcomes from the interval snapshots as they arrive, and at the end writes
 * them (with the run's own totals, for comparison) to a JSON file and one
 * line to stdout. Shows the reporter contract: cheap factory, hooks that
 * never block, output at onEnd.
 *
 *   config:
 *     plugins:
 *       ./count-reporter.ts: { file: counts.json }
 *
 * or from the command line: `--reporter ./examples/count-reporter.ts:file=counts.json`.
 */
import { writeFileSync } from 'node:fs';
import type { IntervalSnapshot, PluginContext, PluginOptions, Reporter, RunInfo, RunResult } from '../src/index.ts';

/** What the reporter writes. */
export interface CountReport {
  readonly plan: string;
  readonly intervals: number;
  readonly requests: number;
  readonly errors: number;
  readonly expected: number;
  /** The same totals as the run summary reports them; equal to the sums above. */
  readonly summary: { readonly requests: number; readonly errors: number; readonly expected: number };
}

/** See the module comment. */
export class CountReporter implements Reporter {
  readonly id = 'count';
  private plan = '';
  private intervals = 0;
  private requests = 0;
  private errors = 0;
  private expected = 0;

  constructor(private readonly file: string | null, private readonly ctx: PluginContext) {}

  onStart(info: RunInfo): void {
    this.plan = info.planFile;
  }

  onInterval(snapshot: IntervalSnapshot): void {
    this.intervals++;
    this.requests += snapshot.overall.count;
    this.errors += snapshot.overall.errors;
    this.expected += snapshot.overall.expected;
  }

  onEnd(result: RunResult): void {
    const o = result.summary.overall;
    const report: CountReport = {
      plan: this.plan, intervals: this.intervals, requests: this.requests, errors: this.errors, expected: this.expected,
      summary: { requests: o.count, errors: o.errors, expected: o.expected },
    };
    if (this.file !== null) writeFileSync(this.file, `${JSON.stringify(report, null, 2)}\n`);
    if (!this.ctx.isQuiet) this.ctx.out(`count: ${this.requests} requests, ${this.errors} errors, ${this.expected} expected outcomes in ${this.intervals} intervals`);
  }
}

/** The plugin entry point agentload looks for. */
export function createReporter(options: PluginOptions, ctx: PluginContext): Reporter {
  const file = options.file;
  if (file !== undefined && typeof file !== 'string') throw new Error(`file expects a path, got ${JSON.stringify(file)}`);
  return new CountReporter(file ?? null, ctx);
}
