/**
 * A "slowly recovering" limiter for chaos testing: once a client key
 * exceeds its token bucket it stays limited until it has stayed *within*
 * the bucket for `penaltyMs`. Real gateways do this (fail2ban-style
 * penalty boxes, sticky 429s), and it is what lets agentload's `recovery`
 * expectation be proven: after a burst, the measured recovery time must be
 * close to `penaltyMs`.
 *
 * Timeline, penaltyMs 3000, a burst ending at t=10 s:
 *
 *   t   9.0 ─ 10.0   burst: bucket empty → 429s, penalty renewed each time
 *   t  10.0 ─ 13.0   normal traffic: bucket would admit, penalty still on → 429
 *   t  13.0 →        penalty over → 200s again (recovery ≈ 3 s)
 *
 * Requests refused by the penalty still consult the bucket (taking a token
 * when one is there), so a client that keeps exceeding the limit keeps
 * renewing its penalty; one that slows down gets out `penaltyMs` later.
 */

import type { RateLimiter } from './rate-limiter.ts';

/** A token-bucket take: 0 when admitted, else Retry-After seconds. */
type Take = (key: string, nowMs: number) => number;

/**
 * Wraps `take` of a RateLimiter. Single-threaded; called on the request hot
 * path only when `rateLimit.penaltyMs` > 0 (one extra Map lookup).
 */
export class PenaltyBox {
  private readonly untilMs = new Map<string, number>();

  constructor(private readonly bucketTake: Take, private readonly penaltyMs: number) {}

  /** Same contract as RateLimiter.take: 0 when admitted, else Retry-After seconds (>= 1). */
  take(key: string, nowMs: number): number {
    const bucketWait = this.bucketTake(key, nowMs);
    if (bucketWait > 0) {
      this.untilMs.set(key, nowMs + this.penaltyMs);
      return Math.max(bucketWait, Math.ceil(this.penaltyMs / 1000));
    }
    const until = this.untilMs.get(key);
    if (until === undefined) return 0;
    if (nowMs >= until) {
      this.untilMs.delete(key);
      return 0;
    }
    return Math.max(1, Math.ceil((until - nowMs) / 1000));
  }
}

/** Installs a PenaltyBox in front of `limiter.take` when penaltyMs > 0; returns the limiter. */
export function withPenalty(limiter: RateLimiter, penaltyMs: number): RateLimiter {
  if (!(penaltyMs > 0)) return limiter;
  const box = new PenaltyBox(limiter.take.bind(limiter), penaltyMs);
  limiter.take = (key: string, nowMs: number): number => box.take(key, nowMs);
  return limiter;
}
