/**
 * HDR histogram construction and reading, in one place so every histogram
 * in a run (and in every worker or shard) has the same layout and merges
 * exactly. Values are integer microseconds, 1 µs … 1 h, 3 significant digits.
 */
import type * as hdr from 'hdr-histogram-js';
// The two modules used, not the package's index: the index also loads HistogramLogWriter, which builds an
// Intl.NumberFormat at load (ICU's set-up, the largest single cost of loading the package: ~15 ms of every
// start). The paths are the pinned version's (package.json pins hdr-histogram-js exactly, see below).
import { build } from 'hdr-histogram-js/dist/HistogramBuilder.js';
import { decodeFromCompressedBase64, encodeIntoCompressedBase64 } from 'hdr-histogram-js/dist/encoding.js';
import type { LatencySummary } from './summary-types.ts';

export type Histogram = hdr.Histogram;

/** Largest trackable latency: one hour in microseconds; larger values are clamped. */
export const MAX_TRACKABLE_US = 3_600_000_000;

/** A fresh microsecond histogram with the run-wide layout. */
export function newHistogram(): Histogram {
  return build({
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

/**
 * The JsHistogram fields recordUs writes (public fields of the JS implementation, untyped; the version is
 * pinned, see CountsAdd below). `_counts` is the Uint32Array that bitBucketSize 32 builds.
 */
interface CountsRecord {
  _counts: Uint32Array;
  _totalCount: number;
  maxValue: number;
  minNonZeroValue: number;
  readonly unitMagnitude: number;
  readonly subBucketHalfCountMagnitude: number;
  readonly countsArrayLength: number;
}

/** log2 of the sub-bucket half count for 3 significant digits (1024), the layout the direct index below assumes. */
const HALF_MAGNITUDE = 10;

/**
 * True when newHistogram()'s layout is the one recordUs indexes directly: unit 1 µs, 1024 sub-buckets a half,
 * counts in a Uint32Array holding MAX_TRACKABLE_US's index. Checked once, on a real histogram; any other
 * layout (another hdr-histogram-js) records through recordValue.
 */
const isDirect = ((): boolean => {
  const r = newHistogram() as unknown as CountsRecord;
  return r.unitMagnitude === 0 && r.subBucketHalfCountMagnitude === HALF_MAGNITUDE && r._counts instanceof Uint32Array &&
    typeof r._totalCount === 'number' && r.countsArrayLength === r._counts.length && directIndex(MAX_TRACKABLE_US) < r.countsArrayLength;
})();

/**
 * hdr's countsArrayIndex for an integer 1 ≤ v < 2^32 with unit 1 and 1024 sub-buckets a half, in integer
 * operations: bucket = max(floor(log2 v) − 10, 0), sub = v >> bucket, index = bucket · 1024 + sub. hdr computes
 * the same with Math.log2, floor, pow and a division per value (2-3 % of the generator's CPU at 20 000 req/s).
 */
function directIndex(v: number): number {
  const b = 21 - Math.clz32(v);
  const bucket = b > 0 ? b : 0;
  return (bucket << HALF_MAGNITUDE) + (v >>> bucket);
}

/**
 * Records `us`, clamped to 1 µs … 1 h so a broken clock never throws on the hot path. Writes the count,
 * total, min and max as hdr's recordValue does (a test checks the encodings match), without its calls.
 */
export function recordUs(h: Histogram, us: number): void {
  const v = us < 1 ? 1 : us > MAX_TRACKABLE_US ? MAX_TRACKABLE_US : Math.round(us);
  if (!isDirect) return h.recordValue(v);
  const r = h as unknown as CountsRecord;
  const counts = r._counts;
  const i = directIndex(v);
  counts[i] = counts[i]! + 1;
  r._totalCount++;
  if (v > r.maxValue) r.maxValue = v;
  if (v < r.minNonZeroValue) r.minNonZeroValue = v;
}

/**
 * The JsHistogram internals addHistogram writes through (public methods of the JS implementation, untyped).
 * They are not the package's typed API, so package.json pins hdr-histogram-js to one exact version:
 * an upgrade is a deliberate change, checked by the histogram tests, never a silent `^` update.
 */
interface CountsAdd {
  countsArrayIndex(v: number): number;
  getCountAtIndex(i: number): number;
  addToCountAtIndex(i: number, n: number): void;
  setTotalCount(n: number): void;
  updatedMaxValue(v: number): void;
  updateMinNonZeroValue(v: number): void;
}

/**
 * `into` += `from` (both from newHistogram, so their buckets line up), walking
 * only `from`'s recorded range: hdr's add() walks all ~47 000 buckets, twice
 * per name at every interval snapshot, while latencies under a second use the
 * first fifth of them.
 */
export function addHistogram(into: Histogram, from: Histogram): void {
  if (from.totalCount === 0) return;
  const t = into as unknown as CountsAdd;
  const f = from as unknown as CountsAdd;
  const end = f.countsArrayIndex(from.maxValue);
  let added = 0;
  for (let i = f.countsArrayIndex(from.minNonZeroValue); i <= end; i++) {
    const c = f.getCountAtIndex(i);
    if (c === 0) continue;
    t.addToCountAtIndex(i, c);
    added += c;
  }
  t.setTotalCount(into.totalCount + added);
  t.updatedMaxValue(Math.max(into.maxValue, from.maxValue));
  t.updateMinNonZeroValue(Math.min(into.minNonZeroValue, from.minNonZeroValue));
}

/** Compressed base64, the format HdrHistogram tools read; merges are exact. */
export function encodeHistogram(h: Histogram): string {
  return encodeIntoCompressedBase64(h);
}

/** Inverse of encodeHistogram, into the run-wide layout. */
export function decodeHistogram(base64: string): Histogram {
  const decoded = decodeFromCompressedBase64(base64, 32, false);
  const h = newHistogram();
  h.add(decoded);
  return h;
}

const ZERO: LatencySummary = { min: 0, mean: 0, p50: 0, p75: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };

/** The JsHistogram internals the one-pass walk reads (public members of the JS implementation, untyped). */
interface CountsWalk {
  readonly countsArrayLength: number;
  readonly subBucketHalfCount: number;
  readonly subBucketHalfCountMagnitude: number;
  readonly unitMagnitude: number;
  getCountAtIndex(i: number): number;
}

/** Unit in the last place of a positive double, as HdrHistogram's percentile rounding uses. */
function ulp(x: number): number {
  return x > 0 ? 2 ** (Math.floor(Math.log2(x)) - 52) : 0;
}

const SUMMARY_PERCENTILES = [50, 75, 90, 95, 99, 99.9, 100] as const;

/**
 * Values at ascending percentiles (> 0) and the mean in ONE walk of the counts
 * array, with the same rounding as getValueAtPercentile and the same sum as
 * the `mean` getter. Calling getValueAtPercentile once per percentile walks the
 * ~47 000 buckets each time, and `mean` walks them again through an iterator
 * that allocates per bucket: a snapshot of 75 000 samples took 15 ms warm (135
 * cold), a stall of the generator's event loop at every interval.
 */
function walk(h: Histogram, percentiles: readonly number[]): { values: number[]; mean: number } {
  const w = h as unknown as CountsWalk;
  const total = h.totalCount;
  const targets = percentiles.map((p) => {
    const fp = (Math.min(p, 100) / 100) * total;
    return Math.max(Math.ceil(fp - ulp(fp)), 1);
  });
  const values = new Array<number>(percentiles.length).fill(0);
  const half = w.subBucketHalfCount;
  let k = 0;
  let seen = 0;
  let sum = 0;
  // Runs to the last recorded bucket when it has to (p100, or the mean), so the sum covers every sample.
  for (let i = 0; i < w.countsArrayLength && seen < total; i++) {
    const count = w.getCountAtIndex(i);
    if (count === 0) continue;
    seen += count;
    // hdr's valueFromIndex / sizeOfEquivalentValueRange, inlined: index i covers [lowest, lowest + size).
    let bucket = (i >> w.subBucketHalfCountMagnitude) - 1;
    let sub = (i & (half - 1)) + half;
    if (bucket < 0) {
      sub -= half;
      bucket = 0;
    }
    const size = 2 ** (bucket + w.unitMagnitude);
    const lowest = sub * size;
    sum += (lowest + Math.floor(size / 2)) * count;
    while (k < targets.length && seen >= targets[k]!) values[k++] = lowest + size - 1;
  }
  return { values, mean: total === 0 ? 0 : sum / total };
}

/** Values at ascending percentiles (> 0), as getValueAtPercentile gives them, in one walk. */
export function valuesAtPercentiles(h: Histogram, percentiles: readonly number[]): number[] {
  return walk(h, percentiles).values;
}

/** Percentiles in milliseconds (microsecond resolution). */
export function latencySummary(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { ...ZERO };
  const ms = (us: number): number => Math.round(us) / 1000;
  // p100, not maxValue, for max: the bucket's highest equivalent value survives encode/merge, the raw max does not
  const { values, mean } = walk(h, SUMMARY_PERCENTILES);
  const [p50, p75, p90, p95, p99, p999, max] = values.map(ms) as [number, number, number, number, number, number, number];
  return { min: ms(h.minNonZeroValue), mean: Math.round(mean) / 1000, p50, p75, p90, p95, p99, p999, max };
}
