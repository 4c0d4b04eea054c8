/**
 * Lines up the interval series of several shards on one timeline, and turns
 * one shard's interval back into an encoded window so intervals add up
 * exactly (merge-shards.ts).
 *
 * Shards started together (`--start-at`) close their intervals at nearly the
 * same run-clock times, but not exactly: the warm-up cut, the last interval
 * and timer jitter differ by a few ms. The shard with the most intervals
 * sets the timeline; every interval of every shard joins the reference
 * interval its midpoint falls in (before the first → the first, after the
 * last → the last). Each interval joins exactly one group, so counts are
 * preserved exactly.
 *
 *   reference  |0────1000|1000───2000|2000──2600|
 *   shard 2    |0───998|998────2001|2001─2590|   mids 499, 1499, 2295
 *   groups        [a,a']      [b,b']      [c,c']
 */
import { encodeHistogram, newHistogram } from '../metrics/histogram.ts';
import { keyOf, type EncodedName, type EncodedWindow } from '../metrics/hdr-sink.ts';
import type { IntervalSnapshot } from '../metrics/summary-types.ts';

/** One merged interval: the reference's span and the shard intervals that fall in it. */
export interface IntervalGroup {
  readonly startMs: number;
  readonly endMs: number;
  readonly phase: string | null;
  readonly members: IntervalSnapshot[];
}

/** Groups the shards' intervals (one array per shard) on the longest series' timeline. Pure. */
export function alignIntervals(series: ReadonlyArray<readonly IntervalSnapshot[]>): IntervalGroup[] {
  const ref = series.reduce<readonly IntervalSnapshot[]>((best, s) => (s.length > best.length ? s : best), []);
  const groups: IntervalGroup[] = ref.map((i) => ({ startMs: i.startMs, endMs: i.endMs, phase: i.phase, members: [] }));
  if (groups.length === 0) return groups;
  for (const s of series) {
    for (const i of s) {
      const mid = (i.startMs + i.endMs) / 2;
      const g = groups.find((x) => mid < x.endMs) ?? groups[groups.length - 1]!;
      g.members.push(i);
    }
  }
  return groups;
}

let emptyHistogram: string | null = null;

/** An encoded histogram with no samples. */
export function emptyEncoded(): string {
  return (emptyHistogram ??= encodeHistogram(newHistogram()));
}

/** One shard interval as a window, plus the keys (keyOf; '' = overall) whose latency it cannot give exactly. */
export interface IntervalWindow {
  readonly window: EncodedWindow;
  readonly approximate: readonly string[];
}

/**
 * An interval's histograms are kept per request *name* (HdrSink snapshot),
 * its counts per name and tag set. A name with one tag set maps exactly; a
 * name measured under several tag sets in the interval gives its whole
 * histogram to the first of them (so the name's and the overall latency
 * stay exact) and marks all of them approximate. An interval without
 * histograms (a run that did not keep them) marks every key approximate.
 */
export function intervalWindow(i: IntervalSnapshot): IntervalWindow {
  const approximate = new Set<string>();
  const hists = i.histograms;
  if (hists === undefined) approximate.add('');
  const liveByName = new Map<string, number>();
  for (const n of i.byName) if (n.count > 0) liveByName.set(n.name, (liveByName.get(n.name) ?? 0) + 1);
  const given = new Set<string>();
  const names: EncodedName[] = i.byName.map((n) => {
    const isLive = n.count > 0;
    if (isLive && (hists === undefined || liveByName.get(n.name)! > 1)) approximate.add(keyOf(n.name, n.tags));
    let histogram = emptyEncoded();
    if (isLive && hists?.[n.name] !== undefined && !given.has(n.name)) {
      histogram = hists[n.name]!;
      given.add(n.name);
    }
    return {
      name: n.name, tags: n.tags, histogram, ok: n.outcomes.ok,
      failed: n.outcomes.failed, expected: n.outcomes.expected, statuses: n.statuses, abandoned: n.abandoned ?? 0,
    };
  });
  return { window: { names, counters: i.counters, gauges: i.gauges }, approximate: [...approximate] };
}
