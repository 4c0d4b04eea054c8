import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PrometheusReporter, createPrometheusReporter, parseListenAddress } from '../../src/plugins/prometheus-reporter.ts';
import { estimatedCdf } from '../../src/plugins/prometheus/estimated-histogram.ts';
import { runFixture, startTarget, tempDir } from './report-fixture.ts';
import { parseExposition, type PromSample } from './parse-helpers.ts';
import type { IntervalSnapshot, Reporter } from '../../src/engine/contracts.ts';

interface Scrape {
  text: string;
  /** Intervals delivered before the request was sent, and when the answer arrived. */
  seenAtRequest: number;
  seenAtResponse: number;
}

/** Scrapes `/metrics` from onInterval (after the prometheus reporter, which comes first). */
class ScrapeProbe implements Reporter {
  readonly id = 'probe';
  readonly intervals: IntervalSnapshot[] = [];
  readonly scrapes: Array<Promise<Scrape>> = [];
  constructor(private readonly prom: PrometheusReporter) {}
  onInterval(s: IntervalSnapshot): void {
    this.intervals.push(s);
    const seenAtRequest = this.intervals.length;
    this.scrapes.push(fetch(this.prom.url!).then(async (r) => {
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      return { text: await r.text(), seenAtRequest, seenAtResponse: this.intervals.length };
    }));
  }
}

const value = (samples: PromSample[], name: string, labels: Record<string, string> = {}): number | undefined =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

test('--prometheus: /metrics is live during the run and matches the interval numbers', async (t) => {
  const server = await startTarget();
  const tmp = tempDir('prom');
  t.after(async () => { await server.close(); tmp.cleanup(); });
  // lingerMs: the scrape sent on the final interval is answered although the run has ended.
  const prom = createPrometheusReporter({ port: 0, lingerMs: 2000 }) as PrometheusReporter;
  t.after(() => prom.close());
  const probe = new ScrapeProbe(prom);
  const { result } = await runFixture(tmp.dir, server.url, { extra: [prom, probe] });

  const scrapes = await Promise.all(probe.scrapes);
  assert.equal(scrapes.length, result.intervals.length);
  assert.ok(scrapes.length >= 4);
  assert.match(scrapes[0]!.text, /^# HELP/);
  const sumUpTo = (n: number, pick: (s: IntervalSnapshot) => number): number => probe.intervals.slice(0, n).reduce((a, s) => a + pick(s), 0);
  for (const sc of scrapes) {
    const { samples, types } = parseExposition(sc.text);
    const ok = value(samples, 'agentload_requests_total', { name: 'ok', outcome: 'ok' }) ?? 0;
    // The scrape saw every interval delivered before it was sent, and maybe some delivered while it was answered
    // (on a busy machine more than one): its count is the sum over one of those prefixes, nothing in between.
    const prefixes = Array.from({ length: sc.seenAtResponse - sc.seenAtRequest + 1 }, (_, i) => sc.seenAtRequest + i);
    const candidates = prefixes.map((n) => sumUpTo(n, (s) => s.byName.find((b) => b.name === 'ok')?.ok ?? 0));
    assert.ok(candidates.includes(ok), `ok=${ok}, expected one of ${candidates}`);
    assert.equal(types.get('agentload_request_duration_seconds'), 'histogram');
    assert.equal(types.get('agentload_requests_total'), 'counter');
  }

  // The last scrape (after the final interval) holds the whole run.
  const { samples } = parseExposition(scrapes.at(-1)!.text);
  const byName = (n: string) => result.summary.byName.find((s) => s.name === n)!;
  assert.equal(value(samples, 'agentload_requests_total', { name: 'ok', outcome: 'ok' }), byName('ok').ok);
  assert.equal(value(samples, 'agentload_requests_total', { name: 'limited', outcome: 'rate_limited' }), byName('limited').expected);
  assert.equal(value(samples, 'agentload_requests_total', { name: 'fail', outcome: 'failed', reason: 'http_503' }), byName('fail').errors);
  for (const n of ['ok', 'limited', 'fail']) {
    const count = value(samples, 'agentload_request_duration_seconds_count', { name: n });
    assert.equal(count, byName(n).count, n);
    const buckets = samples.filter((s) => s.name === 'agentload_request_duration_seconds_bucket' && s.labels.name === n);
    const values = buckets.map((b) => b.value);
    assert.deepEqual(values, [...values].sort((a, b) => a - b), `${n}: buckets are cumulative`);
    assert.equal(buckets.at(-1)!.labels.le, '+Inf');
    assert.equal(buckets.at(-1)!.value, count);
  }
  const last = result.intervals.at(-1)!;
  assert.equal(value(samples, 'agentload_run_requests_per_second'), last.overall.rps);
  assert.equal(value(samples, 'agentload_vusers_active'), last.gauges.vusers_active);
  assert.ok(value(samples, 'agentload_run_info', { target: server.url }) === 1);
  assert.equal(value(samples, 'agentload_run_planned_seconds'), 1.5);
  // The generator's own health: CPU and event-loop lag (prom-client defaults, prefixed).
  assert.ok((value(samples, 'agentload_process_cpu_seconds_total') ?? -1) > 0);
  assert.ok(value(samples, 'agentload_nodejs_eventloop_lag_p99_seconds') !== undefined);
  assert.ok(value(samples, 'agentload_event_loop_lag_ms') !== undefined);

  // Every agentload_* series the Grafana dashboard reads exists (engine-specific gauges aside).
  const dashboard = readFileSync(new URL('../../configs/grafana/agentload-dashboard.json', import.meta.url), 'utf8');
  const exported = new Set(samples.map((s) => s.name));
  const engineGauges = new Set(['agentload_ws_connections', 'agentload_arrivals_dropped_total']);
  for (const name of new Set(dashboard.match(/agentload_[a-z0-9_]+/g))) {
    if (engineGauges.has(name)) continue;
    assert.ok(exported.has(name) || exported.has(`${name}_bucket`) || [...exported].some((e) => e.startsWith(`${name}_`)), `dashboard reads ${name}, not exported`);
  }

  await prom.close();
  assert.equal(prom.url, null);
});

test('prometheus: a port already in use aborts before the first request (AGENTLOAD_E_PLUGIN_START)', async (t) => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const server = await startTarget();
  const tmp = tempDir('prom-busy');
  t.after(async () => { blocker.close(); await server.close(); tmp.cleanup(); });
  const port = (blocker.address() as AddressInfo).port;
  await assert.rejects(runFixture(tmp.dir, server.url, { flags: { prometheus: { host: '127.0.0.1', port } } }), (e: any) => {
    assert.equal(e.code, 'AGENTLOAD_E_PLUGIN_START');
    assert.equal(e.exitCode, 3);
    return true;
  });
  assert.equal(server.inFlight.max, 0, 'no request was sent');
});

test('prometheus: only GET /metrics is served; [host:]port parsing', async (t) => {
  const prom = createPrometheusReporter({ listen: '127.0.0.1:0' }) as PrometheusReporter;
  await prom.init!();
  t.after(() => prom.close());
  assert.equal((await fetch(prom.url!.replace('/metrics', '/'))).status, 404);
  assert.equal((await fetch(prom.url!)).status, 200);
  assert.deepEqual(parseListenAddress('9464'), { host: '127.0.0.1', port: 9464 });
  assert.deepEqual(parseListenAddress('0.0.0.0:9464'), { host: '0.0.0.0', port: 9464 });
  assert.deepEqual(parseListenAddress('[::1]:9464'), { host: '::1', port: 9464 });
  assert.equal(parseListenAddress('host:99999'), null);
  assert.equal(parseListenAddress('nine'), null);
});

test('estimated buckets interpolate between the summary\'s percentiles', () => {
  const l = { min: 1, mean: 5, p50: 4, p75: 6, p90: 8, p95: 9, p99: 10, p999: 12, max: 20 };
  assert.equal(estimatedCdf(l, 0.5), 0);
  assert.equal(estimatedCdf(l, 4), 0.5);
  assert.equal(estimatedCdf(l, 5), 0.625);
  assert.equal(estimatedCdf(l, 20), 1);
  assert.equal(estimatedCdf(l, 100), 1);
});
