/**
 * The console reporter: a live progress bar (cli-progress) on a terminal —
 * elapsed/planned, phase, current rps, last-interval p95, errors, expected
 * outcomes, active users and connections — one plain line per interval
 * elsewhere (CI logs), then the summary table and the PASS/FAIL lines.
 */
import cliProgress from 'cli-progress';
import type { PluginContext, PluginOptions } from '../engine/contracts.ts';
import type { IntervalSnapshot, Reporter, RunInfo, RunResult } from '../engine/contracts.ts';
import { resultText } from './format.ts';
import { optionalBoolean } from './reporter-options.ts';
import { VUSERS_ACTIVE, WS_CONNECTIONS } from '../engine/metrics/names.ts';

/** Where the console reporter writes; the CLI passes process streams. */
export interface ConsoleStreams {
  readonly out: (text: string) => void;
  readonly progress: NodeJS.WriteStream | null;
  readonly isQuiet: boolean;
}

/** Connections the engines report (WebSocket today); absent for HTTP-only plans. */
function connections(s: IntervalSnapshot): number | undefined {
  return s.gauges[WS_CONNECTIONS];
}

/** The plain per-interval line used where stdout is not a terminal. */
export function intervalLine(s: IntervalSnapshot, plannedMs: number): string {
  const o = s.overall;
  const active = s.gauges[VUSERS_ACTIVE] ?? 0;
  const conns = connections(s);
  return `[${(s.endMs / 1000).toFixed(0)}s/${(plannedMs / 1000).toFixed(0)}s] ${s.phase ?? '-'}: ${o.rps.toFixed(1)} req/s, p95 ${o.latencyMs.p95}ms, ` +
    `errors ${o.errors}, expected ${o.expected}, users ${active}${conns === undefined ? '' : `, conns ${conns}`}`;
}

/** See the module comment. */
export class ConsoleReporter implements Reporter {
  readonly id = 'console';
  private bar: cliProgress.SingleBar | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private info: RunInfo | null = null;
  private startedAtMs = 0;
  private last = { phase: '-', rps: '0', p95: '0', errors: 0, expected: 0, users: 0, conns: '' };

  constructor(private readonly streams: ConsoleStreams) {}

  onStart(info: RunInfo): void {
    this.info = info;
    this.startedAtMs = Date.now();
    const tty = this.streams.progress;
    if (this.streams.isQuiet || tty === null || !tty.isTTY) return;
    this.bar = new cliProgress.SingleBar({
      stream: tty,
      format: '{bar} {elapsed}s/{planned}s {phase} | {rps} req/s | p95 {p95}ms | err {errors} | exp {expected} | users {users}{conns}',
      hideCursor: true,
      clearOnComplete: true,
    }, cliProgress.Presets.shades_classic);
    const plannedS = Math.round(info.plannedDurationMs / 1000);
    this.bar.start(Math.max(plannedS, 1), 0, { planned: plannedS, elapsed: 0, ...this.last });
    this.ticker = setInterval(() => this.tick(), 500);
    this.ticker.unref();
  }

  onInterval(s: IntervalSnapshot): void {
    const o = s.overall;
    const conns = connections(s);
    this.last = {
      phase: s.phase ?? '-', rps: o.rps.toFixed(1), p95: String(o.latencyMs.p95),
      errors: this.last.errors + o.errors, expected: this.last.expected + o.expected, users: s.gauges[VUSERS_ACTIVE] ?? 0,
      conns: conns === undefined ? '' : ` | conns ${conns}`,
    };
    if (this.bar === null && !this.streams.isQuiet) this.streams.out(intervalLine(s, this.info?.plannedDurationMs ?? 0));
  }

  onEnd(result: RunResult): void {
    if (this.ticker) clearInterval(this.ticker);
    this.bar?.stop();
    this.bar = null;
    const lines = resultText(result);
    this.streams.out(this.streams.isQuiet ? lines.filter((l) => /^(PASS|FAIL|WARNING)/.test(l)).join('\n') : lines.join('\n'));
  }

  private tick(): void {
    const elapsed = Math.round((Date.now() - this.startedAtMs) / 1000);
    this.bar?.update(Math.min(elapsed, this.bar.getTotal()), { elapsed, ...this.last });
  }
}

/** Built-in factory: options `{ quiet? }` (default: the CLI's --quiet). */
export function createConsoleReporter(options: PluginOptions, ctx: PluginContext): Reporter {
  return new ConsoleReporter({ out: ctx.out, progress: ctx.progress, isQuiet: optionalBoolean(options, 'quiet', ctx.isQuiet) });
}
