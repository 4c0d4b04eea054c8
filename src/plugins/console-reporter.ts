/**
 * The console reporter: on a terminal, a progress line redrawn every second
 * from the start (progress-line.ts: elapsed/planned, phase, req/s, p95,
 * errors so far, users, connections), fitted to the terminal's width and
 * refitted when it is resized; elsewhere (CI logs) one plain line per
 * interval. At the end, the summary table and the expectation lines — an
 * aborted run's expectations are shown as not judged, never as PASS.
 */
import type cliProgressModule from 'cli-progress';
import type { PluginContext, PluginOptions } from '../engine/contracts.ts';
import type { IntervalSnapshot, Reporter, RunInfo, RunResult } from '../engine/contracts.ts';
import type { LiveStatus } from '../engine/metrics/live-status.ts';
import { resultText } from './format.ts';
import { optionalBoolean } from './reporter-options.ts';
import { progressLine } from './progress-line.ts';
import { VUSERS_ACTIVE, WS_CONNECTIONS } from '../engine/metrics/names.ts';

/** Where the console reporter writes; the CLI passes process streams. */
export interface ConsoleStreams {
  readonly out: (text: string) => void;
  readonly progress: NodeJS.WriteStream | null;
  readonly isQuiet: boolean;
}

/** The plain per-interval line used where stdout is not a terminal. */
export function intervalLine(s: IntervalSnapshot, plannedMs: number): string {
  const o = s.overall;
  const conns = s.gauges[WS_CONNECTIONS];
  return `[${(s.endMs / 1000).toFixed(0)}s/${(plannedMs / 1000).toFixed(0)}s] ${s.phase ?? '-'}: ${o.rps.toFixed(1)} req/s, p95 ${o.latencyMs.p95}ms, ` +
    `errors ${o.errors}, expected ${o.expected}, users ${s.gauges[VUSERS_ACTIVE] ?? 0}${conns === undefined ? '' : `, conns ${conns}`}`;
}

/** See the module comment. */
export class ConsoleReporter implements Reporter {
  readonly id = 'console';
  private bar: cliProgressModule.SingleBar | null = null;
  /** cli-progress, loaded by init() only when the bar will be drawn: a run off a terminal never needs it. */
  private cliProgress: typeof cliProgressModule | null = null;
  private info: RunInfo | null = null;
  private status: LiveStatus | null = null;

  constructor(private readonly streams: ConsoleStreams) {}

  private get tty(): NodeJS.WriteStream | null {
    const t = this.streams.progress;
    return this.streams.isQuiet || t === null || !t.isTTY ? null : t;
  }

  async init(): Promise<void> {
    if (this.tty !== null) this.cliProgress = (await import('cli-progress')).default;
  }

  onStart(info: RunInfo): void {
    this.info = info;
    const tty = this.tty;
    if (tty === null || this.cliProgress === null) return;
    // cli-progress owns drawing (cursor, redraw, clear at the end); the text is ours, fitted to the width at each draw.
    this.bar = new this.cliProgress.SingleBar({
      stream: tty,
      format: () => (this.status === null ? '' : progressLine(this.status, tty.columns || 80)),
      hideCursor: true,
      clearOnComplete: true,
      linewrap: false,
      fps: 2,
    });
    this.bar.start(Math.max(info.plannedDurationMs, 1), 0);
  }

  onTick(status: LiveStatus): void {
    this.status = status;
    this.bar?.update(Math.min(status.elapsedMs, this.bar.getTotal()));
    this.bar?.render();
  }

  onInterval(s: IntervalSnapshot): void {
    if (this.bar === null && !this.streams.isQuiet) this.streams.out(intervalLine(s, this.info?.plannedDurationMs ?? 0));
  }

  onEnd(result: RunResult): void {
    this.bar?.stop();
    this.bar = null;
    const lines = resultText(result);
    this.streams.out(this.streams.isQuiet ? lines.filter((l) => /^(PASS|FAIL|NOT JUDGED|WARNING)/.test(l)).join('\n') : lines.join('\n'));
  }
}

/** Built-in factory: options `{ quiet? }` (default: the CLI's --quiet). */
export function createConsoleReporter(options: PluginOptions, ctx: PluginContext): Reporter {
  return new ConsoleReporter({ out: ctx.out, progress: ctx.progress, isQuiet: optionalBoolean(options, 'quiet', ctx.isQuiet) });
}
