/**
 * The metrics sink: interned handles, HDR latency histograms and outcome
 * counters per request name, interval snapshots, exact encode/merge.
 *
 * Hot path: engines call recordLatency/ok/failed/expected/status with a
 * numeric handle resolved at compile time — no string building per request.
 * Samples go into the *interval* histogram only; snapshot() folds the
 * interval into the run totals, so each sample is recorded once.
 *
 * Single-threaded: each worker has its own sink; the main thread merges
 * encoded intervals with absorb().
 */
import { addHistogram, newHistogram, recordUs, encodeHistogram, decodeHistogram, type Histogram } from './histogram.ts';
import { buildNameSummary, type CountsView } from './summarize.ts';
import type { FailureDetail, IntervalSnapshot, NameSummary, Recorder, RunSummary } from '../contracts.ts';
import { FailureSamples, type EncodedSample } from './failure-samples.ts';
import { RateLimitRecorder, type EncodedRateLimits } from './rate-limit-recorder.ts';
import { CUSTOM_HISTOGRAM, CUSTOM_TAG, DERIVED_NAMES, REQUESTS_ABANDONED } from './names.ts';

/** Counters of one window (interval or total) for one name. */
class Counts implements CountsView {
  ok = 0;
  failed = new Map<string, number>();
  expected = new Map<string, number>();
  statuses = new Map<number, number>();
  abandoned = 0;

  addAll(other: CountsView): void {
    this.ok += other.ok;
    this.abandoned += other.abandoned;
    for (const [k, v] of other.failed) this.failed.set(k, (this.failed.get(k) ?? 0) + v);
    for (const [k, v] of other.expected) this.expected.set(k, (this.expected.get(k) ?? 0) + v);
    for (const [k, v] of other.statuses) this.statuses.set(k, (this.statuses.get(k) ?? 0) + v);
  }
}

/**
 * What a name's histograms point at until its first sample: a name costs two 190 KB
 * arrays otherwise, so a 10 000-step plan took 1.5 GB just to validate. Never written:
 * every write goes through NameStats' writable getters (reset() on it clears zeros).
 */
const EMPTY_HISTOGRAM: Histogram = newHistogram();

class NameStats {
  interval: Histogram = EMPTY_HISTOGRAM;
  total: Histogram = EMPTY_HISTOGRAM;
  iCounts = new Counts();
  readonly tCounts = new Counts();
  /** A part of another request (names.ts DERIVED_NAMES): left out of the overall figures. */
  readonly isDerived: boolean;
  /** Another name that also takes each latency recorded here (mirrorLatencies), or null. */
  mirror: NameStats | null = null;
  constructor(readonly name: string, readonly tags: Record<string, string>) {
    this.isDerived = DERIVED_NAMES.has(name) || tags[CUSTOM_TAG] === CUSTOM_HISTOGRAM;
  }

  writableInterval(): Histogram {
    if (this.interval === EMPTY_HISTOGRAM) this.interval = newHistogram();
    return this.interval;
  }

  writableTotal(): Histogram {
    if (this.total === EMPTY_HISTOGRAM) this.total = newHistogram();
    return this.total;
  }
}

/** One name's window in portable form (worker → main, shard → merge). */
export interface EncodedName {
  name: string;
  tags: Record<string, string>;
  histogram: string;
  ok: number;
  failed: Record<string, number>;
  expected: Record<string, number>;
  statuses: Record<string, number>;
  /** Requests cut off by the end of the run; absent (0) in windows from older shard files. */
  abandoned?: number;
}

/** A sink window in portable form. */
export interface EncodedWindow {
  names: EncodedName[];
  counters: Record<string, number>;
  gauges: Record<string, number>;
  /** Rate-limit cells recorded in this window (only when `expect.rateLimit` is on). */
  rateLimits?: EncodedRateLimits;
  /** Failure samples kept since the last window (failure-samples.ts); absent when there are none. */
  samples?: EncodedSample[];
}

/** A counter its owner bumps as a plain number on a hot path; the sink adds it in at every window. */
export class CounterCell {
  count = 0;
}

/** A gauge its owner sets as a plain number on a hot path, with its peak since the last window. */
export class GaugeCell {
  value = 0;
  peak = -Infinity;
  isSet = false;

  set(value: number): void {
    this.value = value;
    if (value > this.peak) this.peak = value;
    this.isSet = true;
  }
}

/** The key of a (name, tags) pair in encodeTotals(): `name` or `name|k=v,…` (tags sorted). */
export function keyOf(name: string, tags: Record<string, string>): string {
  const keys = Object.keys(tags).sort();
  return keys.length === 0 ? name : `${name}|${keys.map((k) => `${k}=${tags[k]}`).join(',')}`;
}

/** What peek() sees of the open interval: counts, and its overall p95 (null before any sample). */
export interface IntervalPeek {
  readonly requests: number;
  readonly errors: number;
  readonly expected: number;
  readonly p95Ms: number | null;
}

/** See the module comment. */
export class HdrSink implements Recorder {
  private readonly stats: NameStats[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly iCounters = new Map<string, number>();
  private readonly tCounters = new Map<string, number>();
  private readonly gaugeNow = new Map<string, number>();
  private readonly gaugeIntervalPeak = new Map<string, number>();
  private readonly gaugeRunPeak = new Map<string, number>();
  /**
   * When true, snapshot() also encodes each interval's histograms (overall and
   * per name) so time-series expectations can merge windows exactly. Set by
   * runPlan before the first snapshot; off by default to keep intervals small.
   */
  isKeepingIntervalHistograms = false;
  /**
   * Offered / admitted / limited per rate-limit key and second, or null when
   * the plan has no `expect.rateLimit` (engines then record nothing). Set by
   * compilePlan before any step is compiled.
   */
  rateLimits: RateLimitRecorder | null = null;
  private readonly samples = new FailureSamples();
  private readonly overallScratch: Histogram = newHistogram();
  private peekScratch: Histogram | null = null;
  /**
   * Cells of the counters and gauges that change per request (vusers_created, vusers_active, …):
   * a string-keyed Map update per change was about 14 map operations per arrival.
   */
  private readonly counterCells: Array<[string, CounterCell]> = [];
  private readonly gaugeCells: Array<[string, GaugeCell]> = [];

  /** Interns (name, tags) and returns its handle. Compile time only. */
  handle(name: string, tags: Record<string, string> = {}): number {
    const key = keyOf(name, tags);
    let h = this.byKey.get(key);
    if (h === undefined) {
      h = this.stats.length;
      this.stats.push(new NameStats(name, Object.freeze({ ...tags })));
      this.byKey.set(key, h);
    }
    return h;
  }

  /** A counter kept as a number (see counterCells); read through the windows like any counter. */
  counterCell(name: string): CounterCell {
    const c = new CounterCell();
    this.counterCells.push([name, c]);
    return c;
  }

  /** A gauge kept as numbers (see counterCells); its peaks reach the windows like gaugeSet's. */
  gaugeCell(name: string): GaugeCell {
    const g = new GaugeCell();
    this.gaugeCells.push([name, g]);
    return g;
  }

  /** Moves what the cells hold into the named counters and gauges; every window starts with it. */
  private flushCells(): void {
    for (const [name, c] of this.counterCells) {
      if (c.count === 0) continue;
      this.add(name, c.count);
      c.count = 0;
    }
    for (const [name, g] of this.gaugeCells) {
      if (!g.isSet) continue;
      this.gaugeSet(name, g.peak);
      this.gaugeSet(name, g.value);
      g.peak = g.value;
    }
  }

  /** How many (name, tags) are interned: a handle below it was interned before (compile time). */
  internedCount(): number {
    return this.stats.length;
  }

  /** The name a handle was interned under. */
  nameOf(handle: number): string {
    return this.stats[handle]!.name;
  }

  /** Names interned so far (for validation of expectations). */
  names(): string[] {
    return [...new Set(this.stats.map((s) => s.name))];
  }

  recordLatency(handle: number, latencyUs: number): void {
    const s = this.stats[handle]!;
    recordUs(s.interval === EMPTY_HISTOGRAM ? s.writableInterval() : s.interval, latencyUs);
    const m = s.mirror;
    if (m !== null) {
      recordUs(m.interval === EMPTY_HISTOGRAM ? m.writableInterval() : m.interval, latencyUs);
      m.iCounts.ok++;
    }
  }

  /**
   * Every latency later recorded under a request name in `names` is also recorded, and counted, under
   * `into`: one histogram over several names, whose percentiles are exact where the names' own could
   * only bound them. Compile time only; derived and custom names are left out.
   */
  mirrorLatencies(names: ReadonlySet<string>, into: number): void {
    const target = this.stats[into]!;
    for (const s of this.stats) if (s !== target && !s.isDerived && names.has(s.name)) s.mirror = target;
  }

  ok(handle: number): void {
    this.stats[handle]!.iCounts.ok++;
  }

  /** A failed request; `reason` is from the closed vocabulary (timeout, http_503, …). */
  failed(handle: number, reason: string, detail?: FailureDetail): void {
    const m = this.stats[handle]!.iCounts.failed;
    m.set(reason, (m.get(reason) ?? 0) + 1);
    if (detail !== undefined) this.samples.offer(handle, reason, detail);
  }

  /** An outcome the plan names as expected (rate_limited, …): counted, not an error. */
  expected(handle: number, outcome: string): void {
    const m = this.stats[handle]!.iCounts.expected;
    m.set(outcome, (m.get(outcome) ?? 0) + 1);
  }

  /**
   * A request cut off by the end of the run (in flight or waiting for a
   * connection when the engines closed): counted apart, never as a failure,
   * and in the run-wide `requests_abandoned` counter.
   */
  abandoned(handle: number): void {
    this.stats[handle]!.iCounts.abandoned++;
    this.add(REQUESTS_ABANDONED);
  }

  status(handle: number, code: number): void {
    const m = this.stats[handle]!.iCounts.statuses;
    m.set(code, (m.get(code) ?? 0) + 1);
  }

  /** Adds to a run-wide counter (arrivals_dropped, ws_messages_sent, …). */
  add(counter: string, n = 1): void {
    this.iCounters.set(counter, (this.iCounters.get(counter) ?? 0) + n);
  }

  /** Moves a gauge (vusers_active, ws_connections) by delta, tracking peaks. */
  gaugeAdd(gauge: string, delta: number): void {
    this.gaugeSet(gauge, (this.gaugeNow.get(gauge) ?? 0) + delta);
  }

  gaugeSet(gauge: string, value: number): void {
    this.gaugeNow.set(gauge, value);
    if (value > (this.gaugeIntervalPeak.get(gauge) ?? -Infinity)) this.gaugeIntervalPeak.set(gauge, value);
    if (value > (this.gaugeRunPeak.get(gauge) ?? -Infinity)) this.gaugeRunPeak.set(gauge, value);
  }

  gauge(gauge: string): number {
    this.flushCells();
    return this.gaugeNow.get(gauge) ?? 0;
  }

  /** Encodes the current interval (then resets it, folding it into totals). Worker side of absorb(). */
  takeInterval(): EncodedWindow {
    this.flushCells();
    const names: EncodedName[] = [];
    for (const s of this.stats) {
      names.push(encodeName(s.name, s.tags, s.interval, s.iCounts));
      this.fold(s);
    }
    const w: EncodedWindow = { names, counters: Object.fromEntries(this.iCounters), gauges: this.gaugesForWindow() };
    if (this.rateLimits !== null) w.rateLimits = this.rateLimits.take();
    const fresh = this.samples.take();
    if (fresh.length > 0) w.samples = fresh.map(([h, cause, text]) => [keyOf(this.stats[h]!.name, this.stats[h]!.tags), cause, text]);
    this.foldCounters();
    return w;
  }

  /** Adds an encoded window from a worker into the current interval. */
  absorb(w: EncodedWindow): void {
    for (const n of w.names) {
      const s = this.stats[this.handle(n.name, n.tags)]!;
      const h = decodeHistogram(n.histogram);
      if (h.totalCount > 0) s.writableInterval().add(h);
      s.iCounts.addAll(countsFromRecords(n));
    }
    for (const [k, v] of Object.entries(w.counters)) this.add(k, v);
    for (const [k, v] of Object.entries(w.gauges)) if (!k.endsWith('_max')) this.gaugeSet(k, v);
    if (w.rateLimits !== undefined) (this.rateLimits ??= new RateLimitRecorder()).merge(w.rateLimits);
    if (w.samples !== undefined) for (const [key, cause, text] of w.samples) this.absorbSample(key, cause, text);
  }

  /** A worker's or shard's sample, under the name its key names (interned when this sink has not seen it). */
  private absorbSample(key: string, cause: string, text: string): void {
    const h = this.byKey.get(key);
    if (h !== undefined) this.samples.offerText(h, cause, text);
  }

  /**
   * The open interval so far, for live displays (live-ticker.ts, once a
   * second): counts and the overall p95 from a scratch histogram, nothing
   * reset or folded. Derived names stay out, as in snapshot().
   */
  peek(): IntervalPeek {
    const scratch = (this.peekScratch ??= newHistogram());
    scratch.reset();
    let ok = 0;
    let errors = 0;
    let expected = 0;
    for (const s of this.stats) {
      if (s.isDerived) continue;
      ok += s.iCounts.ok;
      for (const n of s.iCounts.failed.values()) errors += n;
      for (const n of s.iCounts.expected.values()) expected += n;
      if (s.interval.totalCount > 0) addHistogram(scratch, s.interval);
    }
    const p95Ms = scratch.totalCount === 0 ? null : scratch.getValueAtPercentile(95) / 1000;
    return { requests: ok + errors + expected, errors, expected, p95Ms };
  }

  /** Summarises and closes the current interval. */
  snapshot(startMs: number, endMs: number, phase: string | null): IntervalSnapshot {
    this.flushCells();
    const seconds = Math.max(endMs - startMs, 1) / 1000;
    // Reused: a fresh one is a 190 KB array to allocate and zero at every interval.
    const overallHist = this.overallScratch;
    overallHist.reset();
    const overallCounts = new Counts();
    const byName: NameSummary[] = [];
    const perName = this.isKeepingIntervalHistograms ? new Map<string, Histogram>() : null;
    for (const s of this.stats) {
      byName.push(buildNameSummary(s.name, s.tags, s.interval, s.iCounts, seconds));
      if (!s.isDerived) {
        addHistogram(overallHist, s.interval);
        overallCounts.addAll(s.iCounts);
      }
      if (perName !== null) addInto(perName, s.name, s.interval);
      this.fold(s);
    }
    const histograms = perName === null ? undefined : encodeAll(perName, overallHist);
    const snap: IntervalSnapshot = {
      startMs, endMs, phase,
      overall: buildNameSummary('', {}, overallHist, overallCounts, seconds),
      byName,
      counters: Object.fromEntries(this.iCounters),
      gauges: this.gaugesForWindow(),
      ...(histograms === undefined ? {} : { histograms }),
    };
    this.foldCounters();
    return snap;
  }

  /**
   * Forgets the run totals folded so far (histograms, counts, counters, gauge
   * peaks): `config.warmup` calls it right after the snapshot that closes the
   * warm-up, so the summary and its thresholds cover only the measured part.
   * Intervals already taken keep their numbers.
   */
  resetTotals(): void {
    this.flushCells();
    for (const s of this.stats) {
      s.total.reset();
      s.tCounts.ok = 0;
      s.tCounts.abandoned = 0;
      s.tCounts.failed.clear();
      s.tCounts.expected.clear();
      s.tCounts.statuses.clear();
    }
    this.tCounters.clear();
    this.gaugeRunPeak.clear();
    for (const [k, v] of this.gaugeNow) this.gaugeRunPeak.set(k, v);
  }

  /** The whole run so far (call after the last snapshot). */
  summary(durationMs: number): RunSummary {
    this.flushCells();
    const seconds = Math.max(durationMs, 1) / 1000;
    const overallHist = newHistogram();
    const overallCounts = new Counts();
    const byName = this.stats.map((s, i) => {
      if (!s.isDerived) {
        overallHist.add(s.total);
        overallCounts.addAll(s.tCounts);
      }
      const n = buildNameSummary(s.name, s.tags, s.total, s.tCounts, seconds);
      const samples = this.samples.of(i);
      if (samples !== undefined) n.failureSamples = samples;
      return n;
    });
    return {
      durationMs,
      overall: buildNameSummary('', {}, overallHist, overallCounts, seconds),
      byName,
      counters: Object.fromEntries(this.tCounters),
      gaugePeaks: Object.fromEntries(this.gaugeRunPeak),
    };
  }

  /** Run totals per name as base64 HDR histograms ('' = overall), for exact merges. */
  encodeTotals(): Record<string, string> {
    const out: Record<string, string> = {};
    const overall = newHistogram();
    for (const s of this.stats) {
      out[keyOf(s.name, s.tags)] = encodeHistogram(s.total);
      if (!s.isDerived) overall.add(s.total);
    }
    out[''] = encodeHistogram(overall);
    return out;
  }

  private fold(s: NameStats): void {
    if (s.interval.totalCount > 0) addHistogram(s.writableTotal(), s.interval);
    s.tCounts.addAll(s.iCounts);
    s.interval.reset();
    s.iCounts = new Counts();
  }

  private foldCounters(): void {
    for (const [k, v] of this.iCounters) this.tCounters.set(k, (this.tCounters.get(k) ?? 0) + v);
    this.iCounters.clear();
  }

  private gaugesForWindow(): Record<string, number> {
    const g: Record<string, number> = Object.fromEntries(this.gaugeNow);
    for (const [k, v] of this.gaugeIntervalPeak) g[`${k}_max`] = v;
    this.gaugeIntervalPeak.clear();
    for (const [k, v] of this.gaugeNow) this.gaugeIntervalPeak.set(k, v);
    return g;
  }
}

/** Adds `h` into the per-name histogram `name` (tag sets of one name merge). */
function addInto(perName: Map<string, Histogram>, name: string, h: Histogram): void {
  let into = perName.get(name);
  if (into === undefined) {
    into = newHistogram();
    perName.set(name, into);
  }
  into.add(h);
}

/** Encodes the per-name histograms of an interval plus the overall one under ''. */
function encodeAll(perName: Map<string, Histogram>, overall: Histogram): Record<string, string> {
  const out: Record<string, string> = { '': encodeHistogram(overall) };
  for (const [name, h] of perName) if (h.totalCount > 0) out[name] = encodeHistogram(h);
  return out;
}

function encodeName(name: string, tags: Record<string, string>, h: Histogram, c: CountsView): EncodedName {
  return {
    name, tags, histogram: encodeHistogram(h), ok: c.ok,
    failed: Object.fromEntries(c.failed), expected: Object.fromEntries(c.expected),
    statuses: Object.fromEntries(c.statuses),
    ...(c.abandoned === 0 ? {} : { abandoned: c.abandoned }),
  };
}

function countsFromRecords(n: EncodedName): Counts {
  const c = new Counts();
  c.ok = n.ok;
  c.abandoned = n.abandoned ?? 0;
  for (const [k, v] of Object.entries(n.failed)) c.failed.set(k, v);
  for (const [k, v] of Object.entries(n.expected)) c.expected.set(k, v);
  for (const [k, v] of Object.entries(n.statuses)) c.statuses.set(Number(k), v);
  return c;
}
