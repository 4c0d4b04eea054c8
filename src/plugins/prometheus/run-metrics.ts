/**
 * The prometheus reporter's metrics, in their own Registry (never the
 * global one). Its own module because it is the one that loads prom-client:
 * the reporter imports it in init(), so runs without `--prometheus` (and
 * `agentload validate`) never load prom-client.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import type { IntervalSnapshot, NameSummary, RunInfo } from '../../engine/contracts.ts';
import { EstimatedHistogram } from './estimated-histogram.ts';
import { nameLabel } from '../format.ts';

/** Metric name prefix (style guide: "Prometheus adds the agentload_ prefix"). */
export const PROM_PREFIX = 'agentload_';
const QUANTILES: ReadonlyArray<[string, keyof NameSummary['latencyMs']]> = [['0.5', 'p50'], ['0.9', 'p90'], ['0.95', 'p95'], ['0.99', 'p99'], ['0.999', 'p999'], ['1', 'max']];
const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** See the module comment. */
export class PromRunMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: `${PROM_PREFIX}requests_total`, help: 'Completed requests by name and outcome (ok, failed, or an expected outcome such as rate_limited)', labelNames: ['name', 'outcome', 'reason'], registers: [this.registry] });
  private readonly latency = new EstimatedHistogram(`${PROM_PREFIX}request_duration_seconds`, 'Request latency from the scheduled start; buckets estimated from interval percentiles');
  private readonly quantiles = new Gauge({ name: `${PROM_PREFIX}request_latency_seconds`, help: 'Exact latency percentiles of the last interval', labelNames: ['name', 'quantile'], registers: [this.registry] });
  private readonly rps = new Gauge({ name: `${PROM_PREFIX}requests_per_second`, help: 'Requests per second over the last interval', labelNames: ['name'], registers: [this.registry] });
  private readonly runQuantiles = new Gauge({ name: `${PROM_PREFIX}run_latency_seconds`, help: 'Exact latency percentiles of the last interval, all requests', labelNames: ['quantile'], registers: [this.registry] });
  private readonly runRps = new Gauge({ name: `${PROM_PREFIX}run_requests_per_second`, help: 'Requests per second over the last interval, all requests', registers: [this.registry] });
  private readonly info = new Gauge({ name: `${PROM_PREFIX}run_info`, help: 'The running plan (value 1)', labelNames: ['plan', 'target', 'environment', 'digest'], registers: [this.registry] });
  private readonly elapsed = new Gauge({ name: `${PROM_PREFIX}run_elapsed_seconds`, help: 'Run time so far (end of the last interval)', registers: [this.registry] });
  private readonly planned = new Gauge({ name: `${PROM_PREFIX}run_planned_seconds`, help: 'Planned run time (sum of the phases)', registers: [this.registry] });
  private readonly phase = new Gauge({ name: `${PROM_PREFIX}run_phase`, help: 'The current phase (value 1)', labelNames: ['phase'], registers: [this.registry] });
  private readonly gauges = new Map<string, Gauge>();
  private readonly counters = new Map<string, Counter>();


  constructor() {
    this.registry.registerMetric(this.latency as unknown as Metric);
    // Starts an event-loop monitor: constructed in the reporter's init(), never by a factory.
    collectDefaultMetrics({ register: this.registry, prefix: PROM_PREFIX, eventLoopMonitoringPrecision: 10 });
  }

  onStart(info: RunInfo): void {
    this.info.set({ plan: info.planFile, target: info.target, environment: info.environment ?? '', digest: info.planDigest }, 1);
    this.planned.set(info.plannedDurationMs / 1000);
  }

  onInterval(snap: IntervalSnapshot): void {
    this.elapsed.set(snap.endMs / 1000);
    this.phase.reset();
    if (snap.phase !== null) this.phase.set({ phase: snap.phase }, 1);
    for (const s of snap.byName) this.addName(s);
    this.runRps.set(snap.overall.rps);
    if (snap.overall.count > 0) for (const [q, key] of QUANTILES) this.runQuantiles.set({ quantile: q }, snap.overall.latencyMs[key] / 1000);
    for (const [k, v] of Object.entries(snap.gauges)) if (!k.endsWith('_max')) this.gauge(k)?.set(v);
    for (const [k, v] of Object.entries(snap.counters)) if (v > 0) this.counter(k)?.inc(v);
  }

  setElapsed(ms: number): void {
    this.elapsed.set(ms / 1000);
  }

  private addName(s: NameSummary): void {
    const name = nameLabel(s);
    this.rps.set({ name }, s.rps);
    if (s.count === 0) return;
    if (s.ok > 0) this.requests.inc({ name, outcome: 'ok', reason: '' }, s.ok);
    for (const [reason, n] of Object.entries(s.outcomes.failed)) if (n > 0) this.requests.inc({ name, outcome: 'failed', reason }, n);
    for (const [outcome, n] of Object.entries(s.outcomes.expected)) if (n > 0) this.requests.inc({ name, outcome, reason: '' }, n);
    this.latency.add({ name }, s.count, s.latencyMs);
    for (const [q, key] of QUANTILES) this.quantiles.set({ name, quantile: q }, s.latencyMs[key] / 1000);
  }

  private gauge(key: string): Gauge | undefined {
    if (!METRIC_NAME.test(key)) return undefined;
    let g = this.gauges.get(key);
    if (g === undefined) {
      g = new Gauge({ name: `${PROM_PREFIX}${key}`, help: `Gauge ${key} at the end of the last interval`, registers: [this.registry] });
      this.gauges.set(key, g);
    }
    return g;
  }

  private counter(raw: string): Counter | undefined {
    // Counters a processor emits are named the Artillery way (`orders.created`, `errors.E_TOKEN`): their
    // other characters become `_` rather than the counter being dropped.
    const key = raw.replace(/[^a-zA-Z0-9_]/g, '_');
    if (!METRIC_NAME.test(key)) return undefined;
    let c = this.counters.get(key);
    if (c === undefined) {
      c = new Counter({ name: `${PROM_PREFIX}${key}_total`, help: `Counter ${raw} since the run began`, registers: [this.registry] });
      this.counters.set(key, c);
    }
    return c;
  }
}
