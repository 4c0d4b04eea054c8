/**
 * `expect.targetMemory`: the target's resident memory over the run, from
 * the samples target-memory-sampler.ts took. Reports start, peak, end,
 * growth after the warm-up and the least-squares slope per minute; FAILs
 * when growth exceeds a percentage or an absolute limit.
 *
 * Start and end are the medians of the first and last three samples, so
 * one GC cycle landing on an edge does not decide the verdict. An
 * unreadable source or fewer than four samples is a FAIL with the reason,
 * never a silent PASS.
 */
import type { ExpectationResult } from '../contracts.ts';
import type { MemorySample, MemorySeries, TargetMemorySpec } from './series-types.ts';

const MB = 1_048_576;

/** The memory figures of one run. */
export interface MemoryGrowth {
  readonly startBytes: number;
  readonly peakBytes: number;
  readonly endBytes: number;
  /** (end − start) / start. */
  readonly growth: number;
  readonly slopeBytesPerMin: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function slopePerMin(samples: readonly MemorySample[]): number {
  const n = samples.length;
  const mx = samples.reduce((a, s) => a + s.atMs, 0) / n;
  const my = samples.reduce((a, s) => a + s.bytes, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.atMs - mx) * (s.bytes - my);
    den += (s.atMs - mx) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60_000;
}

/** Figures from samples taken after `warmupMs`; null when fewer than four. Pure. */
export function memoryGrowth(samples: readonly MemorySample[], warmupMs: number): MemoryGrowth | null {
  const s = samples.filter((x) => x.atMs >= warmupMs);
  if (s.length < 4) return null;
  const k = Math.min(3, Math.floor(s.length / 2));
  const startBytes = median(s.slice(0, k).map((x) => x.bytes));
  const endBytes = median(s.slice(-k).map((x) => x.bytes));
  return {
    startBytes, endBytes,
    peakBytes: Math.max(...s.map((x) => x.bytes)),
    growth: startBytes === 0 ? 0 : (endBytes - startBytes) / startBytes,
    slopeBytesPerMin: slopePerMin(s),
  };
}

const mb = (b: number): string => `${Math.round((b / MB) * 10) / 10}MB`;

/** One PASS/FAIL line. Pure. */
export function checkTargetMemory(spec: TargetMemorySpec, series: MemorySeries | null, warmupMs: number): ExpectationResult {
  const parts: string[] = [];
  if (spec.maxGrowth !== null) parts.push(`+${Math.round(spec.maxGrowth * 1000) / 10}%`);
  if (spec.maxGrowthBytes !== null) parts.push(`+${mb(spec.maxGrowthBytes)}`);
  const limit = `<= ${parts.join(' and ')}`;
  const name = 'targetMemory growth';
  if (series === null) return { name, isPass: false, measured: 'n/a', limit, reason: 'unavailable: the memory sampler did not run' };
  if (series.unavailable !== null) return { name, isPass: false, measured: 'n/a', limit, reason: `unavailable: ${series.unavailable}` };
  const g = memoryGrowth(series.samples, warmupMs);
  if (g === null) return { name, isPass: false, measured: 'n/a', limit, reason: `too few samples after warm-up (${series.samples.length} in all, 4 needed)` };
  const grownBytes = g.endBytes - g.startBytes;
  const isPass = (spec.maxGrowth === null || g.growth <= spec.maxGrowth) && (spec.maxGrowthBytes === null || grownBytes <= spec.maxGrowthBytes);
  const pct = `${g.growth >= 0 ? '+' : ''}${Math.round(g.growth * 1000) / 10}%`;
  const measured = `${pct} (start ${mb(g.startBytes)}, peak ${mb(g.peakBytes)}, end ${mb(g.endBytes)}, slope ${mb(g.slopeBytesPerMin)}/min; ${series.source})`;
  return { name, isPass, measured, limit };
}
