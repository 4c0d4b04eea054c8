/**
 * The sim's Prometheus metrics, served on GET /metrics.
 *
 * Each sim owns its own prom-client Registry (never the global one), so
 * several sims in one process (tests) do not collide. Request counts and
 * latency buckets are plain numbers kept per method and handed to
 * prom-client only when scraped: the hot path does two Map lookups, a short
 * bucket scan and a few increments, instead of prom-client's per-call label
 * hashing and closure allocation (which showed up in the sim's CPU profile).
 */

import { Counter, Gauge, Registry, collectDefaultMetrics, type Metric } from 'prom-client';

/** Latency buckets in seconds: fine below 10 ms where the sim normally answers, coarse up to modular.solve's range. */
const DURATION_BUCKETS_SEC = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

class Cell {
  n = 0;
  readonly labels: { method: string; code: string };
  constructor(method: string, code: string) {
    this.labels = { method, code };
  }
}

/** Everything recorded for one method (or route). */
class MethodStats {
  readonly method: string;
  readonly byCode = new Map<string, Cell>();
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  readonly buckets = new Float64Array(DURATION_BUCKETS_SEC.length + 1);
  sumSec = 0;
  count = 0;
  constructor(method: string) {
    this.method = method;
  }
}

/** Live values the gauges read at scrape time; set by start-sim.ts. */
export interface GaugeSources {
  wsActive(): number;
  leakedBytes(): number;
  isDegraded(): boolean;
}


/**
 * Request and WebSocket accounting for one sim. `recordRequest` is called
 * once per HTTP response; everything else at scrape time. Single-threaded.
 */
export class SimMetrics {
  readonly registry = new Registry();
  /** Total WebSocket connections accepted; incremented by ws-events.ts. */
  wsOpenedTotal = 0;
  /** WebSocket messages received / sent; incremented by ws-events.ts. */
  wsReceivedTotal = 0;
  wsSentTotal = 0;
  private readonly stats = new Map<string, MethodStats>();

  constructor(sources: GaugeSources) {
    collectDefaultMetrics({ register: this.registry });
    const stats = this.stats;
    new Counter({
      name: 'agentload_sim_requests_total',
      help: 'Requests answered, by JSON-RPC method (or route) and code: the HTTP status, or the JSON-RPC error code of a 200 error',
      labelNames: ['method', 'code'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const m of stats.values()) for (const cell of m.byCode.values()) this.inc(cell.labels, cell.n);
      },
    });
    this.registry.registerMetric(durationHistogram(stats) as unknown as Metric);
    gauge(this.registry, 'agentload_sim_ws_connections_active', 'Open WebSocket connections', () => sources.wsActive());
    gauge(this.registry, 'agentload_sim_leaked_bytes', 'Memory retained by the leak chaos mode', () => sources.leakedBytes());
    gauge(this.registry, 'agentload_sim_degraded', '1 once degraded mode has started', () => (sources.isDegraded() ? 1 : 0));
    counterFrom(this.registry, 'agentload_sim_ws_connections_total', 'WebSocket connections accepted', () => this.wsOpenedTotal);
    counterFrom(this.registry, 'agentload_sim_ws_messages_received_total', 'WebSocket messages received', () => this.wsReceivedTotal);
    counterFrom(this.registry, 'agentload_sim_ws_messages_sent_total', 'WebSocket messages sent', () => this.wsSentTotal);
  }

  /** Counts one response and its duration. Hot path: no allocation once a (method, code) pair has been seen. */
  recordRequest(method: string, code: string, durationSec: number): void {
    let m = this.stats.get(method);
    if (m === undefined) {
      m = new MethodStats(method);
      this.stats.set(method, m);
    }
    let cell = m.byCode.get(code);
    if (cell === undefined) {
      cell = new Cell(method, code);
      m.byCode.set(code, cell);
    }
    cell.n++;
    let i = 0;
    while (i < DURATION_BUCKETS_SEC.length && durationSec > DURATION_BUCKETS_SEC[i]!) i++;
    m.buckets[i]!++;
    m.sumSec += durationSec;
    m.count++;
  }

  /** Total responses counted so far (for health.get_stats). */
  requestsTotal(): number {
    let total = 0;
    for (const m of this.stats.values()) total += m.count;
    return total;
  }

  /** The Prometheus text exposition; awaits default-metric collection. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** The Content-Type header for `render()`'s output. */
  get contentType(): string {
    return this.registry.contentType;
  }
}

function gauge(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
}

function counterFrom(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name, help, registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/**
 * The request-duration histogram as a registry entry: prom-client's
 * Registry only needs name, help, type and `get()` returning the values
 * (buckets cumulative, then _sum and _count), which is built here at scrape
 * time from the plain per-method counts.
 */
function durationHistogram(stats: ReadonlyMap<string, MethodStats>): object {
  const name = 'agentload_sim_request_duration_seconds';
  const help = 'Time from request arrival to response, by JSON-RPC method (or route)';
  return {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    get() {
      const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
      for (const m of stats.values()) {
        let cumulative = 0;
        for (let i = 0; i < m.buckets.length; i++) {
          cumulative += m.buckets[i]!;
          const le = i < DURATION_BUCKETS_SEC.length ? DURATION_BUCKETS_SEC[i]! : '+Inf';
          values.push({ labels: { method: m.method, le }, value: cumulative, metricName: `${name}_bucket` });
        }
        values.push({ labels: { method: m.method }, value: m.sumSec, metricName: `${name}_sum` });
        values.push({ labels: { method: m.method }, value: m.count, metricName: `${name}_count` });
      }
      return Promise.resolve({ name, help, type: 'histogram', values, aggregator: 'sum' });
    },
  };
}
