/**
 * `expect.generator`: fails the run when the load generator itself fell
 * behind, so a CI gate cannot pass on latencies the generator distorted.
 *
 *   generator: healthy                                    the saturation verdict (saturation.ts) must be "not saturated"
 *   generator: { maxLateRate: 1%, maxSchedulingDelayP99: 5ms, maxEventLoopLag: 200ms }   any of the three
 *
 * Late arrivals and scheduling delay exist only in the open model; a
 * closed-model run reads 0 for both and is judged on event-loop lag.
 */
import type { ExpectationResult, SaturationReport } from '../contracts.ts';

/** Compiled `expect.generator`; a null limit is not checked. */
export interface GeneratorSpec {
  /** `healthy`: the verdict's own thresholds. */
  readonly isVerdict: boolean;
  readonly maxLateRate: number | null;
  readonly maxSchedulingDelayP99Ms: number | null;
  readonly maxEventLoopLagMs: number | null;
  readonly yamlPath: string;
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** One PASS/FAIL line per limit; every line FAILs with a reason when the run recorded no saturation report. */
export function checkGenerator(spec: GeneratorSpec, saturation: SaturationReport | null | undefined): ExpectationResult[] {
  const missing = (name: string, limit: string): ExpectationResult =>
    ({ name, isPass: false, measured: 'n/a', limit, reason: 'the result carries no generator saturation report' });
  const out: ExpectationResult[] = [];
  if (spec.isVerdict) {
    if (!saturation) return [missing('generator: healthy', 'not saturated')];
    out.push({
      name: 'generator: healthy', isPass: !saturation.isSaturated,
      measured: saturation.isSaturated ? 'saturated' : 'not saturated', limit: 'not saturated',
      ...(saturation.message ? { reason: saturation.message } : {}),
    });
  }
  if (spec.maxLateRate !== null) {
    const limit = `<= ${round(spec.maxLateRate * 100, 4)}%`;
    if (!saturation) out.push(missing('generator: late arrivals', limit));
    else {
      const arrivals = saturation.arrivals ?? 0;
      const rate = arrivals === 0 ? 0 : saturation.lateArrivals / arrivals;
      out.push({ name: 'generator: late arrivals', isPass: rate <= spec.maxLateRate, measured: `${round(rate * 100, 4)}% (${saturation.lateArrivals} of ${arrivals})`, limit });
    }
  }
  if (spec.maxSchedulingDelayP99Ms !== null) {
    const limit = `<= ${spec.maxSchedulingDelayP99Ms}ms`;
    if (!saturation) out.push(missing('generator: scheduling delay p99', limit));
    else {
      const ms = saturation.schedulingDelayP99Us / 1000;
      out.push({ name: 'generator: scheduling delay p99', isPass: ms <= spec.maxSchedulingDelayP99Ms, measured: `${round(ms, 3)}ms`, limit });
    }
  }
  if (spec.maxEventLoopLagMs !== null) {
    const limit = `<= ${spec.maxEventLoopLagMs}ms`;
    if (!saturation) out.push(missing('generator: event-loop lag', limit));
    else out.push({ name: 'generator: event-loop lag', isPass: saturation.maxEventLoopLagMs <= spec.maxEventLoopLagMs, measured: `${saturation.maxEventLoopLagMs}ms`, limit });
  }
  return out;
}
