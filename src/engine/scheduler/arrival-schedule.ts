/**
 * Arrival times derived from a formula, never from counting timer ticks
 * (k6's ramping-arrival-rate `cal`; Artillery's per-second timers drifted).
 *
 * A phase ramps linearly from r0 to r1 arrivals/s over D seconds, so the
 * expected number of arrivals by time t is
 *
 *     N(t) = r0·t + (r1 − r0)·t² / (2D)
 *
 * Uniform spacing puts arrival k (k = 0, 1, …) where N(t) = k; Poisson
 * arrivals put arrival k where N(t) = S_k, S_k a sum of k+1 unit
 * exponentials. Either way t = N⁻¹(x):
 *
 *     a = (r1 − r0)/D;  t = x / r0                       if a = 0
 *                       t = (−r0 + √(r0² + 2·a·x)) / a    otherwise
 *
 * Worked example: 10 → 100/s over 10 s gives N(10) = 550 arrivals; arrival
 * 275 (halfway in count) is due at t = (−10 + √(100 + 2·9·275))/9 ≈ 6.78 s,
 * later than halfway in time because the rate grows.
 *
 *   rate
 *   100|            ____/
 *      |       ____/       arrivals are the area under the line;
 *    10|______/            equal areas between consecutive arrivals
 *      +-------------------> t
 */

/** The arrival-rate part of a compiled phase. Times are ms from the phase start. */
export interface RampSpec {
  readonly fromRatePerSec: number;
  readonly toRatePerSec: number;
  readonly durationMs: number;
}

/** Expected arrivals in the whole phase, N(D). */
export function expectedArrivals(spec: RampSpec): number {
  return ((spec.fromRatePerSec + spec.toRatePerSec) / 2) * (spec.durationMs / 1000);
}

/** N⁻¹(x) in ms from the phase start; Infinity when the rate is 0 throughout. */
export function timeOfArrivalMs(spec: RampSpec, x: number): number {
  const r0 = spec.fromRatePerSec;
  const d = spec.durationMs / 1000;
  const a = d === 0 ? 0 : (spec.toRatePerSec - r0) / d;
  if (Math.abs(a) < 1e-12) return r0 <= 0 ? Infinity : (x / r0) * 1000;
  const disc = r0 * r0 + 2 * a * x;
  if (disc < 0) return Infinity;
  return ((-r0 + Math.sqrt(disc)) / a) * 1000;
}

/**
 * Walks the arrivals of one phase in order. Stateful only in its position;
 * the times themselves come from timeOfArrivalMs, so there is no drift.
 */
export class ArrivalCursor {
  private k = 0;
  private poissonSum = 0;
  private nextMs: number;

  /**
   * @param count when set, exactly `count` arrivals evenly spaced over the
   *   phase (Artillery's arrivalCount) instead of the rate formula.
   * @param random uniform [0,1) source, injected so tests are deterministic.
   */
  constructor(
    private readonly spec: RampSpec,
    private readonly isPoisson: boolean,
    private readonly count: number | null,
    private readonly random: () => number = Math.random,
  ) {
    this.nextMs = this.compute();
  }

  /** Scheduled time of the next arrival (ms from phase start), or Infinity when the phase has no more. */
  peekMs(): number {
    return this.nextMs;
  }

  /** Consumes the next arrival. */
  advance(): void {
    this.k++;
    this.nextMs = this.compute();
  }

  private compute(): number {
    const { durationMs } = this.spec;
    let t: number;
    if (this.count !== null) {
      t = this.k < this.count ? (this.k * durationMs) / this.count : Infinity;
    } else if (this.isPoisson) {
      this.poissonSum += -Math.log(1 - this.random());
      t = timeOfArrivalMs(this.spec, this.poissonSum);
    } else {
      t = timeOfArrivalMs(this.spec, this.k);
    }
    return t < durationMs ? t : Infinity;
  }
}
