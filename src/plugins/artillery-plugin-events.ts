/**
 * Relays a run to the Artillery plugins a plan loaded
 * (src/engine/plan/artillery/artillery-plugins.ts), on the `events` each
 * plugin was constructed with, in Artillery 2's event names:
 *
 *   'phaseStarted'    {name, index, duration}   a phase began (seen at the next second's tick)
 *   'phaseCompleted'  {name, index, duration}   a phase ended
 *   'stats'           stats of one interval      every reporting interval (config.statsInterval)
 *   'done'            stats of the whole run     at the end, then plugin.cleanup(done) is awaited
 *
 * A stats object carries what agentload measures, under Artillery's metric
 * names: `counters` (vusers.created / completed / failed, http.requests,
 * http.responses, http.codes.<status>, errors.<cause>, and every counter a
 * processor emitted, as named), `rates` (http.request_rate), `summaries`
 * (http.response_time, and each histogram a processor emitted: min, max,
 * count, mean, p50, median, p75, p90, p95, p99, p999), `period` and the
 * first / last metric times (epoch ms). `histograms` is empty: Artillery's
 * are sketch objects agentload does not build; read `summaries`.
 * Listener errors are caught and logged once: a plugin never stops the run.
 */
import { inspect } from 'node:util';
import type { IntervalSnapshot, LiveStatus, NameSummary, Reporter, RunInfo, RunResult } from '../engine/contracts.ts';

/** One Artillery plugin as the run sees it (structural: no import of the plan loader). */
export interface ArtilleryPluginHandle {
  readonly name: string;
  readonly events: { emit(event: string, ...args: unknown[]): boolean };
  readonly instance: { cleanup?: (done: (err?: unknown) => void) => void };
}

const COUNTER_NAMES: Readonly<Record<string, string>> = { vusers_created: 'vusers.created', vusers_completed: 'vusers.completed', vusers_failed: 'vusers.failed' };
/** How long the end waits for a plugin's cleanup to call back. */
const CLEANUP_WAIT_MS = 5_000;

/** Artillery's summary of one histogram from agentload's latency summary (values in the unit recorded). */
function summaryOf(n: NameSummary): Record<string, number> {
  const l = n.latencyMs;
  return { min: l.min, max: l.max, count: n.count, mean: l.mean, p50: l.p50, median: l.p50, p75: l.p75, p90: l.p90, p95: l.p95, p99: l.p99, p999: l.p999 };
}

/** A stats object in Artillery's shape (see the module comment). */
export function artilleryStats(w: { overall: NameSummary; byName: NameSummary[]; counters: Record<string, number> }, fromEpochMs: number, toEpochMs: number): Record<string, unknown> {
  const counters: Record<string, number> = {};
  for (const [k, v] of Object.entries(w.counters)) counters[COUNTER_NAMES[k] ?? k] = v;
  const o = w.overall;
  if (o.count > 0 || o.abandoned > 0) {
    counters['http.requests'] = o.count + (o.abandoned ?? 0);
    let responses = 0;
    for (const [code, n] of Object.entries(o.statuses)) {
      counters[`http.codes.${code}`] = n;
      responses += n;
    }
    counters['http.responses'] = responses;
    for (const [cause, n] of Object.entries(o.outcomes.failed)) counters[`errors.${cause}`] = n;
  }
  const summaries: Record<string, Record<string, number>> = {};
  if (o.count > 0) summaries['http.response_time'] = summaryOf(o);
  for (const n of w.byName) if (n.tags.custom === 'histogram') summaries[n.name] = summaryOf(n);
  return {
    counters, rates: o.count > 0 ? { 'http.request_rate': o.rps } : {}, summaries, histograms: {},
    period: fromEpochMs, firstCounterAt: fromEpochMs, lastCounterAt: toEpochMs, firstMetricAt: fromEpochMs, lastMetricAt: toEpochMs,
  };
}

/** See the module comment. One reporter for all of a plan's Artillery plugins. */
export class ArtilleryPluginEvents implements Reporter {
  readonly id = 'artillery-plugins';
  private startEpochMs = Date.now();
  private phases: RunInfo['phases'] = [];
  private phase: string | null = null;
  private readonly failedListeners = new Set<string>();

  constructor(private readonly plugins: readonly ArtilleryPluginHandle[], private readonly warn: (line: string) => void) {}

  onStart(info: RunInfo): void {
    this.startEpochMs = Date.parse(info.startedAt);
    this.phases = info.phases;
  }

  onTick(status: LiveStatus): void {
    if (status.phase === this.phase) return;
    if (this.phase !== null) this.emit('phaseCompleted', this.phaseSpec(this.phase));
    this.phase = status.phase;
    if (this.phase !== null) this.emit('phaseStarted', this.phaseSpec(this.phase));
  }

  onInterval(s: IntervalSnapshot): void {
    this.emit('stats', artilleryStats(s, this.startEpochMs + s.startMs, this.startEpochMs + s.endMs));
  }

  async onEnd(result: RunResult): Promise<void> {
    if (this.phase !== null) this.emit('phaseCompleted', this.phaseSpec(this.phase));
    this.phase = null;
    this.emit('done', artilleryStats(result.summary, this.startEpochMs, this.startEpochMs + result.summary.durationMs));
    await Promise.all(this.plugins.map((p) => this.cleanup(p)));
  }

  private phaseSpec(name: string): Record<string, unknown> {
    const index = this.phases.findIndex((p) => p.name === name);
    return { name, index, duration: index < 0 ? undefined : this.phases[index]!.durationMs / 1000 };
  }

  private emit(event: string, payload: unknown): void {
    for (const p of this.plugins) {
      try {
        p.events.emit(event, payload);
      } catch (e) {
        if (this.failedListeners.has(`${p.name}:${event}`)) continue;
        this.failedListeners.add(`${p.name}:${event}`);
        this.warn(`warning: Artillery plugin ${p.name}: its '${event}' listener threw (the run goes on): ${(e as Error)?.message ?? String(e)}`);
      }
    }
  }

  private cleanup(p: ArtilleryPluginHandle): Promise<void> {
    const cleanup = p.instance.cleanup;
    if (typeof cleanup !== 'function') return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.warn(`warning: Artillery plugin ${p.name}: cleanup did not call back within ${CLEANUP_WAIT_MS / 1000}s`);
        resolve();
      }, CLEANUP_WAIT_MS);
      const done = (err?: unknown): void => {
        clearTimeout(timer);
        if (err !== undefined && err !== null) this.warn(`warning: Artillery plugin ${p.name}: cleanup failed: ${err instanceof Error ? err.message : inspect(err)}`);
        resolve();
      };
      try {
        cleanup.call(p.instance, done);
      } catch (e) {
        done(e);
      }
    });
  }
}
