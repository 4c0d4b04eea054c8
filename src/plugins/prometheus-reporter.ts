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
 * The metrics and prom-client load in init() (prometheus/run-metrics.ts), so a
 * run without --prometheus, and `validate`, never load them.
 * The server opens in init() (a port in use aborts the run before the first
 * request, AGENTLOAD_E_PLUGIN_START) and is unref'd so a failed run never
 * hangs on it. At onEnd the final values are set and the server closes —
 * after `lingerMs` when set, so a Prometheus scraping every 15 s still sees
 * the last interval; onEnd returns at once either way, so the other
 * reporters' files are never delayed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IntervalSnapshot, PluginContext, PluginOptions, Reporter, RunInfo, RunResult } from '../engine/contracts.ts';
import type { PromRunMetrics } from './prometheus/run-metrics.ts';
import { optionalInteger, optionalString } from './reporter-options.ts';
import { parseListenAddress } from './listen-address.ts';

export { parseListenAddress } from './listen-address.ts';

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
  private server: Server | null = null;
  private metrics: PromRunMetrics | null = null;

  constructor(private readonly options: PrometheusOptions) {}

  /** `http://host:port/metrics` once listening, else null. */
  get url(): string | null {
    const a = this.server?.address() as AddressInfo | null | undefined;
    return a ? `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/metrics` : null;
  }

  async init(): Promise<void> {
    const { PromRunMetrics } = await import('./prometheus/run-metrics.ts');
    const metrics = new PromRunMetrics();
    this.metrics = metrics;
    const registry = metrics.registry;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('agentload: only GET /metrics here\n');
        return;
      }
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
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
    this.metrics?.onStart(info);
  }

  onInterval(snap: IntervalSnapshot): void {
    this.metrics?.onInterval(snap);
  }

  async onEnd(result: RunResult): Promise<void> {
    this.metrics?.setElapsed(result.summary.durationMs);
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
}

/** Built-in factory: options `{ port?, host?, lingerMs? }` or `{ listen: "[host:]port", lingerMs? }`. */
export function createPrometheusReporter(options: PluginOptions, ctx?: PluginContext): Reporter {
  const lingerMs = optionalInteger(options, 'lingerMs', 0, 0, 3_600_000);
  const log = ctx === undefined || ctx.isQuiet ? undefined : ctx.err;
  if (options.listen !== undefined) {
    const listen = options.listen;
    const parsed = typeof listen === 'string' || typeof listen === 'number' ? parseListenAddress(String(listen)) : null;
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
