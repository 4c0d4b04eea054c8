/**
 * Artillery's `http.response_time` and `socketio.response_time` are one
 * histogram over every request of that engine. agentload keeps one per
 * request name; in a plan where other engines' names sit beside them, the
 * run's overall histogram is not that merge, and the worst name's percentile
 * only bounds it. So when an `expect.conditions` check reads a percentile of
 * either over two or more names, those names' latencies are also recorded
 * into one custom histogram of Artillery's name (HdrSink.mirrorLatencies),
 * which artillery-metrics.ts reads. Workers and merged shards carry it as any
 * custom histogram. Plans that do not read it record nothing more.
 */
import type { CompiledExpectation } from './expectation-types.ts';
import type { HdrSink } from '../metrics/hdr-sink.ts';
import { CUSTOM_HISTOGRAM, CUSTOM_TAG } from '../metrics/names.ts';

/** The aggregations a merge of per-name summaries cannot give exactly. */
const PERCENTILES = new Set(['p50', 'median', 'p75', 'p90', 'p95', 'p99', 'p999']);

/** Whether `name` reads a percentile of the histogram `prefix` (`http.response_time.p95`). */
export function isGroupPercentile(name: string, prefix: string): boolean {
  return name.startsWith(`${prefix}.`) && PERCENTILES.has(name.slice(prefix.length + 1));
}

/** Sets up the merged histograms the plan's ensure checks read (see the module comment). */
export function recordEnsureLatencyGroups(expectations: readonly CompiledExpectation[], sink: HdrSink): void {
  for (const e of expectations) {
    const spec = e.ensure;
    if (spec === undefined || spec.facts === null) continue;
    const groups: Array<[string, readonly string[] | null]> = [['http.response_time', spec.facts.httpNames], ['socketio.response_time', spec.facts.socketioNames]];
    for (const [prefix, names] of groups) {
      if (names === null || names.length < 2 || !spec.names.some((n) => isGroupPercentile(n, prefix))) continue;
      sink.mirrorLatencies(new Set(names), sink.handle(prefix, { [CUSTOM_TAG]: CUSTOM_HISTOGRAM }));
    }
  }
}
