/**
 * HDR histogram construction and reading, in one place so every histogram
 * in a run (and in every worker or shard) has the same layout and merges
 * exactly. Values are integer microseconds, 1 µs … 1 h, 3 significant digits.
 */
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from './summary-types.ts';

export type Histogram = hdr.Histogram;

/** Largest trackable latency: one hour in microseconds; larger values are clamped. */
export const MAX_TRACKABLE_US = 3_600_000_000;

/** A fresh microsecond histogram with the run-wide layout. */
export function newHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

/** Records `us`, clamped to 1 µs … 1 h so a broken clock never throws on the hot path. */
export function recordUs(h: Histogram, us: number): void {
  h.recordValue(us < 1 ? 1 : us > MAX_TRACKABLE_US ? MAX_TRACKABLE_US : Math.round(us));
}

/** Compressed base64, the format HdrHistogram tools read; merges are exact. */
export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Inverse of encodeHistogram, into the run-wide layout. */
export function decodeHistogram(base64: string): Histogram {
  const decoded = hdr.decodeFromCompressedBase64(base64, 32, false);
  const h = newHistogram();
  h.add(decoded);
  return h;
}

const ZERO: LatencySummary = { min: 0, mean: 0, p50: 0, p75: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };

/** Percentiles in milliseconds (microsecond resolution). */
export function latencySummary(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { ...ZERO };
  const ms = (us: number): number => Math.round(us) / 1000;
  return {
    min: ms(h.minNonZeroValue),
    mean: Math.round(h.mean) / 1000,
    p50: ms(h.getValueAtPercentile(50)),
    p75: ms(h.getValueAtPercentile(75)),
    p90: ms(h.getValueAtPercentile(90)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    // p100, not maxValue: the bucket's highest equivalent value survives encode/merge, the raw max does not
    max: ms(h.getValueAtPercentile(100)),
  };
}
