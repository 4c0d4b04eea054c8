/**
 * Phase-scoped thresholds (`expect.phases.<name>`, `rateLimited.inPhases`)
 * read a RunSummary rebuilt from the intervals of those phases only.
 *
 * An interval belongs to the phase its midpoint falls in (on the run
 * clock); intervals after the last phase (the drain) belong to the last
 * phase, whose requests they finish. With the default 10 s interval a short
 * phase shares intervals with its neighbours, so plans that scope
 * thresholds to short phases set `config.interval: 1s`. Counts are exact
 * sums; percentiles come from the intervals' merged HDR histograms.
 */
import { decodeHistogram, newHistogram } from '../metrics/histogram.ts';
import { buildNameSummary, type CountsView } from '../metrics/summarize.ts';
import type { IntervalSnapshot, NameSummary, RunSummary } from '../metrics/summary-types.ts';
import { measuredIntervals, type PhaseSpan, type SeriesContext } from './series-types.ts';

/** The phase an interval is attributed to (see the module comment). */
export function phaseOfInterval(i: IntervalSnapshot, phases: readonly PhaseSpan[]): string | null {
  const mid = (i.startMs + i.endMs) / 2;
  for (const p of phases) if (mid >= p.startMs && mid < p.startMs + p.durationMs) return p.name;
  const last = phases[phases.length - 1];
  return last !== undefined && mid >= last.startMs + last.durationMs ? last.name : null;
}

class MutableCounts implements CountsView {
  ok = 0;
  failed = new Map<string, number>();
  expected = new Map<string, number>();
  statuses = new Map<number, number>();
  abandoned = 0;
  add(s: NameSummary): void {
    this.ok += s.ok;
    this.abandoned += s.abandoned ?? 0;
    for (const [k, v] of Object.entries(s.outcomes.failed)) this.failed.set(k, (this.failed.get(k) ?? 0) + v);
    for (const [k, v] of Object.entries(s.outcomes.expected)) this.expected.set(k, (this.expected.get(k) ?? 0) + v);
    for (const [k, v] of Object.entries(s.statuses)) this.statuses.set(Number(k), (this.statuses.get(Number(k)) ?? 0) + v);
  }
}

/** A summary of the intervals attributed to `phases`; null when none ran. Pure. */
export function phaseSummary(ctx: SeriesContext, phases: readonly string[]): RunSummary | null {
  const picked = measuredIntervals(ctx).filter((i) => phases.includes(phaseOfInterval(i, ctx.phases) ?? ''));
  if (picked.length === 0) return null;
  const durationMs = picked.reduce((n, i) => n + (i.endMs - i.startMs), 0);
  const seconds = Math.max(durationMs, 1) / 1000;
  const names = new Map<string, { counts: MutableCounts; tags: Record<string, string> }>();
  const overall = new MutableCounts();
  const counters: Record<string, number> = {};
  const gaugePeaks: Record<string, number> = {};
  for (const i of picked) {
    overall.add(i.overall);
    for (const s of i.byName) {
      const key = s.name;
      const entry = names.get(key) ?? { counts: new MutableCounts(), tags: s.tags };
      entry.counts.add(s);
      names.set(key, entry);
    }
    for (const [k, v] of Object.entries(i.counters)) counters[k] = (counters[k] ?? 0) + v;
    for (const [k, v] of Object.entries(i.gauges)) gaugePeaks[k] = Math.max(gaugePeaks[k] ?? -Infinity, v);
  }
  const hist = (name: string): ReturnType<typeof newHistogram> => {
    const h = newHistogram();
    for (const i of picked) {
      const enc = i.histograms?.[name];
      if (enc !== undefined) h.add(decodeHistogram(enc));
    }
    return h;
  };
  return {
    durationMs,
    overall: buildNameSummary('', {}, hist(''), overall, seconds),
    byName: [...names].map(([name, e]) => buildNameSummary(name, e.tags, hist(name), e.counts, seconds)),
    counters,
    gaugePeaks,
  };
}
