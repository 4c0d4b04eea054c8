/**
 * Compiled time-series expectations and what they are evaluated over. The
 * checks themselves (degradation.ts, recovery.ts, memory-growth.ts,
 * phase-scope.ts) are pure functions of these shapes, so tests can drive
 * them with synthetic interval series as well as real runs.
 */
import type { IntervalSnapshot } from '../metrics/summary-types.ts';
import type { EncodedRateLimits } from '../metrics/rate-limit-recorder.ts';
import type { RateLimitSpec } from './rate-limit-spec.ts';
import type { GeneratorSpec } from './generator-check.ts';
import type { MemorySeries, SaturationReport } from '../contracts.ts';

export type { MemorySample, MemorySeries } from '../contracts.ts';

/** A phase on the run clock, as the scheduler ran it. */
export interface PhaseSpan {
  readonly name: string;
  readonly startMs: number;
  readonly durationMs: number;
  /** `burst: true` in the plan: recovery is measured after it. */
  readonly isBurst: boolean;
}

/** Everything the time-series checks read. */
export interface SeriesContext {
  readonly intervals: readonly IntervalSnapshot[];
  readonly phases: readonly PhaseSpan[];
  readonly warmupMs: number;
  /** When the last phase ends on the run clock; later intervals are the drain. */
  readonly loadEndMs: number;
  readonly targetMemory: MemorySeries | null;
  /** Per-key, per-second rate-limit table (`expect.rateLimit`); absent or null when nothing was recorded. */
  readonly rateLimits?: EncodedRateLimits | null;
  /** The generator's saturation verdict (`expect.generator`); absent when the caller has none. */
  readonly saturation?: SaturationReport | null;
}

/** `expect.degradation`: first vs last window. */
export interface DegradationSpec {
  /** Max relative p95 increase (0.1 = 10 %), or null to skip. */
  readonly maxP95Increase: number | null;
  /** Increases smaller than this many ms never fail (sub-ms jitter is not degradation). */
  readonly minIncreaseMs: number;
  /** Max relative rps drop, or null to skip. */
  readonly maxRpsDrop: number | null;
  readonly windowMs: number;
  /** Request name, or null for all requests. */
  readonly scope: string | null;
  readonly yamlPath: string;
}

/** `expect.recovery`: after each burst phase. */
export interface RecoverySpec {
  readonly maxTimeMs: number;
  /** Phase names to treat as bursts; empty means the phases marked `burst: true`. */
  readonly phases: readonly string[];
  /** Allowed absolute drop of the success ratio below the pre-burst baseline. */
  readonly successTolerance: number;
  /** Allowed relative p95 rise over the baseline … */
  readonly p95Tolerance: number;
  /** … or this many ms, whichever is larger. */
  readonly p95SlackMs: number;
  /** How far before a burst the baseline is taken. */
  readonly baselineMs: number;
  readonly yamlPath: string;
}

/** `expect.targetMemory`. */
export interface TargetMemorySpec {
  readonly source: 'prometheus' | 'pid';
  /** Scrape path on the target origin (prometheus source). */
  readonly path: string;
  readonly sampleEveryMs: number;
  readonly maxGrowth: number | null;
  readonly maxGrowthBytes: number | null;
  readonly yamlPath: string;
}

/** The time-series part of `config.expect`. */
export interface SeriesExpectations {
  readonly degradation: DegradationSpec | null;
  readonly recovery: RecoverySpec | null;
  readonly targetMemory: TargetMemorySpec | null;
  /** `expect.rateLimit`, or null. */
  readonly rateLimit: RateLimitSpec | null;
  /** `expect.generator`, or null. */
  readonly generator: GeneratorSpec | null;
  /** True when any check needs per-interval histograms (windows, phases). */
  readonly needsIntervalHistograms: boolean;
}

/** No time-series expectations. */
export const NO_SERIES: SeriesExpectations = Object.freeze({
  degradation: null, recovery: null, targetMemory: null, rateLimit: null, generator: null, needsIntervalHistograms: false,
});

/** Intervals that count: after the warm-up. */
export function measuredIntervals(ctx: SeriesContext): IntervalSnapshot[] {
  return ctx.intervals.filter((i) => i.startMs >= ctx.warmupMs - 1);
}
