/**
 * `--prometheus [host:]port`: a live `/metrics` endpoint (prom-client, its
 * own Registry — never the global one) for Prometheus and the Grafana
 * dashboard in configs/grafana/. Bound to 127.0.0.1 unless a host is given.
 *
 * Published, all prefixed `agentload_` (docs/reporters/prometheus.md):
 *   requests_total{name,outcome,reason}      counter: ok / failed (+reason) / expected outcome
 *   request_duration_seconds{name}            histogram, estimated from interval summaries
 *   request_latency_seconds{name,quantile}    gauge: the last interval's exact percentiles
 *   requests_per_second{name}                 gauge: the last interval's rate
 *   run_latency_seconds{quantile}, run_requests_per_second   the same, all requests together
 *   vusers_active, ws_connections, …          gauges from the snapshots (any the engines set)
 *   arrivals_dropped_total, …                 counters from the snapshots
 *   run_info{plan,target,environment,digest}, run_elapsed_seconds, run_planned_seconds, run_phase{phase}
 *   process_cpu_*, nodejs_eventloop_lag_*, …  prom-client default metrics of the generator
 *
 * The server opens in init() (a port in use aborts the run before the first
 * request, AGENTLOAD_E_PLUGIN_START) and is unref'd so a failed run never
 * hangs on it. At onEnd the final values are set and the server closes —
 * after `lingerMs` when set, so a Prometheus scraping every 15 s still sees
 * the last interval; onEnd returns at once either way, so the other
 * reporters' files are never delayed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import type { PluginContext, PluginOptions } from '../engine/contracts.ts';
import type { IntervalSnapshot, NameSummary, Reporter, RunInfo, RunResult } from '../engine/contracts.ts';
import { EstimatedHistogram } from './prometheus/estimated-histogram.ts';
import { nameLabel } from './format.ts';
import { optionalInteger, optionalString } from './reporter-options.ts';

/** Metric name prefix (style guide: "Prometheus adds the agentload_ prefix"). */
export const PROM_PREFIX = 'agentload_';
const QUANTILES: ReadonlyArray<[string, keyof NameSummary['latencyMs']]> = [['0.5', 'p50'], ['0.9', 'p90'], ['0.95', 'p95'], ['0.99', 'p99'], ['0.999', 'p999'], ['1', 'max']];
const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Options of the prometheus reporter. */
export interface PrometheusOptions {
  readonly host: string;
  /** 0 picks a free port (tests); read it back from `url`. */
  readonly port: number;
  /** Keep serving this long after the run ends (default 0). */
  readonly lingerMs?: number;
  /** Told the URL once listening (stderr in the CLI); absent: silent. */
  readonly log?: (line: string) => void;
}

/** See the module comment. */
export class PrometheusReporter implements Reporter {
  readonly id = 'prometheus';
  readonly registry = new Registry();
  private server: Server | null = null;
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

  constructor(private readonly options: PrometheusOptions) {
    this.registry.registerMetric(this.latency as unknown as Metric);
  }

  /** `http://host:port/metrics` once listening, else null. */
  get url(): string | null {
    const a = this.server?.address() as AddressInfo | null | undefined;
    return a ? `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/metrics` : null;
  }

  async init(): Promise<void> {
    // Here, not in the constructor: it starts an event-loop monitor, and factories stay side-effect free.
    collectDefaultMetrics({ register: this.registry, prefix: PROM_PREFIX, eventLoopMonitoringPrecision: 10 });
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('agentload: only GET /metrics here\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (e: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${e.message}\n`),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.unref();
    this.server = server;
    this.options.log?.(`agentload: Prometheus metrics at ${this.url}`);
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

  async onEnd(result: RunResult): Promise<void> {
    this.elapsed.set(result.summary.durationMs / 1000);
    const lingerMs = this.options.lingerMs ?? 0;
    if (lingerMs <= 0 || this.server === null) return this.close();
    // Ref'd on purpose: the process stays up for the final scrape, then exits.
    this.server.ref();
    setTimeout(() => void this.close(), lingerMs);
  }

  /** Stops serving; idempotent. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
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

/** Parses `[host:]port` (host defaults to 127.0.0.1; `[::1]:9464` for IPv6). */
export function parseListenAddress(spec: string): PrometheusOptions | null {
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d{1,5})$/.exec(spec.trim());
  if (m === null) return null;
  const port = Number(m[2]);
  if (port > 65535) return null;
  return { host: m[1] === undefined ? '127.0.0.1' : m[1].replace(/^\[|\]$/g, ''), port };
}

/** Built-in factory: options `{ port?, host?, lingerMs? }` or `{ listen: "[host:]port", lingerMs? }`. */
export function createPrometheusReporter(options: PluginOptions, ctx?: PluginContext): Reporter {
  const lingerMs = optionalInteger(options, 'lingerMs', 0, 0, 3_600_000);
  const log = ctx === undefined || ctx.isQuiet ? undefined : ctx.err;
  if (options.listen !== undefined) {
    const parsed = parseListenAddress(String(options.listen));
    if (parsed === null) throw new Error(`option "listen" expects [host:]port like 9464 or 0.0.0.0:9464, got ${JSON.stringify(options.listen)}`);
    return new PrometheusReporter({ ...parsed, lingerMs, log });
  }
  return new PrometheusReporter({
    host: optionalString(options, 'host', '127.0.0.1'),
    port: optionalInteger(options, 'port', 9464, 0, 65535),
    lingerMs,
    log,
  });
}
