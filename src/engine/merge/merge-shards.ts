/**
 * `agentload merge`'s arithmetic: N shard results of one run → one result,
 * as if one generator had run the whole plan. Pure (no files, no clock).
 *
 * - Totals: each shard's per-name counts and encoded total histograms become
 *   one window; the windows are summed (mergeWindows, as `--workers` does)
 *   and absorbed into a fresh HdrSink, which adds the histograms exactly.
 *   Percentiles come from the summed histogram, never from averaging.
 * - Intervals: aligned by time (align-intervals.ts), then summed the same way.
 * - Expectations: re-evaluated on the merged numbers with the compiled
 *   expectations every shard recorded (shard-record.ts).
 * - Gauge peaks add up across shards, as across workers: an upper bound when
 *   the shards peaked at different moments. Scheduling-delay p99 is the worst
 *   shard's (shards do not record their delay histogram).
 *
 * The caller (src/cli/merge-inputs.ts) has checked that the results are
 * shards 1..N of one plan, each once, and passes them sorted by index.
 */
import { HdrSink, keyOf, type EncodedWindow } from '../metrics/hdr-sink.ts';
import type { EncodedSample } from '../metrics/failure-samples.ts';
import { mergeWindows } from '../metrics/merge-windows.ts';
import { evaluateAll } from '../expect/evaluate-series.ts';
import { alignIntervals, emptyEncoded, intervalWindow } from './align-intervals.ts';
import type { ShardRecord, ShardedRunResult } from '../run/shard-record.ts';
import type { IntervalSnapshot, NameSummary, RunInfo, RunResult, SaturationReport } from '../contracts.ts';
import type { LatencySummary } from '../metrics/summary-types.ts';

/** A shard result known to carry its shard record. */
export type ShardResult = ShardedRunResult & { readonly shard: ShardRecord };

/** The merged result and what the merge could not do exactly, one line each. */
export interface MergedRun {
  readonly result: RunResult;
  readonly notes: string[];
}

/** A shard's run totals as one encoded window. */
function totalsWindow(r: ShardResult): EncodedWindow {
  return {
    names: r.summary.byName.map((n) => ({
      name: n.name, tags: n.tags, histogram: r.histograms[keyOf(n.name, n.tags)] ?? emptyEncoded(),
      ok: n.outcomes.ok, failed: n.outcomes.failed, expected: n.outcomes.expected, statuses: n.statuses,
      abandoned: n.abandoned ?? 0,
    })),
    counters: r.summary.counters,
    gauges: r.summary.gaugePeaks,
    ...(r.rateLimits === undefined ? {} : { rateLimits: r.rateLimits }),
    samples: r.summary.byName.flatMap((n) => Object.entries(n.failureSamples ?? {})
      .flatMap(([cause, texts]) => texts.map((t): EncodedSample => [keyOf(n.name, n.tags), cause, t]))),
  };
}

/** Worst-case latency of `key` across the shard intervals: min of mins, max of the rest. */
function worstLatency(members: readonly IntervalSnapshot[], key: string): LatencySummary | null {
  const entries = members.flatMap((i) => (key === '' ? [i.overall] : i.byName.filter((n) => keyOf(n.name, n.tags) === key))).filter((n) => n.count > 0);
  if (entries.length === 0) return null;
  const out = { ...entries[0]!.latencyMs };
  for (const e of entries.slice(1)) {
    for (const k of Object.keys(out) as Array<keyof LatencySummary>) out[k] = k === 'min' ? Math.min(out[k], e.latencyMs[k]) : Math.max(out[k], e.latencyMs[k]);
  }
  return out;
}

function mergeIntervals(shards: readonly ShardResult[], notes: string[]): IntervalSnapshot[] {
  const sink = new HdrSink();
  sink.isKeepingIntervalHistograms = true;
  const approximateNames = new Set<string>();
  const out: IntervalSnapshot[] = [];
  for (const g of alignIntervals(shards.map((s) => s.intervals))) {
    const parts = g.members.map(intervalWindow);
    sink.absorb(mergeWindows(parts.map((p) => p.window)));
    const snap = sink.snapshot(g.startMs, g.endMs, g.phase);
    const approximate = new Set(parts.flatMap((p) => p.approximate));
    const patch = (n: NameSummary, key: string): NameSummary => {
      if (!approximate.has(key)) return n;
      approximateNames.add(key === '' ? 'all requests' : n.name);
      const worst = worstLatency(g.members, key);
      return worst === null ? n : { ...n, latencyMs: worst };
    };
    out.push({ ...snap, overall: patch(snap.overall, ''), byName: snap.byName.map((n) => patch(n, keyOf(n.name, n.tags))) });
  }
  if (approximateNames.size > 0) {
    notes.push(`per-interval latency of ${[...approximateNames].join(', ')} is the worst shard's (interval histograms are kept per request name, not per tag set); run totals are exact`);
  }
  return out;
}

function mergeSaturation(shards: readonly ShardResult[]): SaturationReport {
  const label = (s: ShardResult): string => `shard ${s.shard.index}/${s.shard.count}`;
  const messages = shards.filter((s) => s.saturation.message).map((s) => `${label(s)}: ${s.saturation.message}`);
  const isCounted = shards.every((s) => s.saturation.arrivals !== undefined);
  const onsets = shards.map((s) => s.saturation.saturatedFromMs).filter((ms) => ms !== undefined);
  // Step lateness (think timers that fired late): summed and the worst kept, like the arrivals'.
  const stepped = shards.filter((s) => s.saturation.steps !== undefined);
  const steps = stepped.length === 0 ? {} : {
    steps: stepped.reduce((n, s) => n + s.saturation.steps!, 0),
    lateSteps: stepped.reduce((n, s) => n + (s.saturation.lateSteps ?? 0), 0),
    maxStepLateMs: Math.max(...stepped.map((s) => s.saturation.maxStepLateMs ?? 0)),
  };
  return {
    isSaturated: shards.some((s) => s.saturation.isSaturated),
    lateArrivals: shards.reduce((n, s) => n + s.saturation.lateArrivals, 0),
    ...(isCounted ? { arrivals: shards.reduce((n, s) => n + s.saturation.arrivals!, 0) } : {}),
    schedulingDelayP99Us: Math.max(...shards.map((s) => s.saturation.schedulingDelayP99Us)),
    maxEventLoopLagMs: Math.max(...shards.map((s) => s.saturation.maxEventLoopLagMs)),
    ...steps,
    reasons: shards.flatMap((s) => (s.saturation.reasons ?? []).map((r) => `${label(s)}: ${r}`)),
    ...(onsets.length === 0 ? {} : { saturatedFromMs: Math.min(...onsets) }),
    message: messages.length === 0 ? null : messages.join('; '),
  };
}

function mergeInfo(shards: readonly ShardResult[]): RunInfo {
  const first = shards[0]!.info;
  const targets = [...new Set(shards.map((s) => s.info.target))];
  const startedAt = shards.map((s) => s.info.startedAt).sort()[0]!;
  return { ...first, target: targets.join(', '), startedAt };
}

/** Target memory: every shard sampled the same target, so the first shard with a readable series speaks for all. */
function mergeResources(shards: readonly ShardResult[], notes: string[]): RunResult['resources'] {
  if (shards.every((s) => s.resources === undefined)) return undefined;
  const memory = shards.find((s) => s.resources?.targetMemory?.unavailable === null) ?? shards[0]!;
  if (shards[0]!.shard.expect.series.targetMemory !== null) {
    notes.push(`target memory: the samples of shard ${memory.shard.index}/${memory.shard.count} (every shard sampled the same target)`);
  }
  const usages = shards.map((s) => s.resources?.generator ?? null).filter((g) => g !== null);
  return {
    targetMemory: memory.resources?.targetMemory ?? null,
    // cpuRatio adds up to the cores busy across machines; peak RSS is per machine.
    generator: usages.length === 0 ? null : {
      cpuRatio: usages.reduce((n, g) => n + g.cpuRatio, 0),
      peakRssBytes: Math.max(...usages.map((g) => g.peakRssBytes)),
    },
  };
}

/** See the module comment. `shards` are validated and sorted by shard index. */
export function mergeShards(shards: readonly ShardResult[]): MergedRun {
  const notes: string[] = [];
  const totals = new HdrSink();
  totals.absorb(mergeWindows(shards.map(totalsWindow)));
  const durationMs = Math.max(...shards.map((s) => s.summary.durationMs));
  totals.snapshot(0, durationMs, null); // folds the absorbed window into the run totals
  const summary = totals.summary(durationMs);
  const intervals = mergeIntervals(shards, notes);
  const resources = mergeResources(shards, notes);
  const rateLimits = totals.rateLimits?.encode();
  // The longest series set the timeline (align-intervals.ts), so its warm-up cut is the one the intervals carry.
  const reference = shards.reduce((best, s) => (s.intervals.length > best.intervals.length ? s : best), shards[0]!);
  const spec = reference.shard.expect;
  const saturation = mergeSaturation(shards);
  const expectations = evaluateAll({ expectations: spec.thresholds, series: spec.series }, summary, {
    intervals, phases: spec.phases, warmupMs: spec.warmupMs, loadEndMs: spec.loadEndMs,
    targetMemory: resources?.targetMemory ?? null, rateLimits: rateLimits ?? null, saturation,
  });
  const result: RunResult = {
    info: mergeInfo(shards),
    summary,
    intervals,
    expectations,
    ...(resources === undefined ? {} : { resources }),
    isAborted: shards.some((s) => s.isAborted),
    saturation,
    histograms: totals.encodeTotals(),
    ...(rateLimits === undefined ? {} : { rateLimits }),
  };
  return { result, notes };
}
