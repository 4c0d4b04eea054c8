/**
 * Token-bucket rate limiting per client key.
 *
 * Each key owns a bucket of `burst` tokens refilled continuously at
 * `ratePerSec`. Refill is computed lazily on access from the elapsed time, so
 * there is no timer per bucket:
 *
 *   tokens = min(burst, tokens + (nowMs - lastMs) / 1000 * ratePerSec)
 *
 * Worked example, ratePerSec 2, burst 3: three requests at t=0 take the three
 * tokens; a fourth at t=0 finds 0 tokens and is told to retry after
 * ceil((1 - 0) / 2) = 1 s; at t=500 ms one token has refilled, so it passes.
 *
 * A bucket that has refilled to full is indistinguishable from no bucket, so
 * one shared sweep timer drops full buckets and memory stays bounded by the
 * number of recently active clients.
 */

import type { RateLimitConfig } from './sim-config.ts';

class Bucket {
  tokens: number;
  lastMs: number;
  constructor(tokens: number, lastMs: number) {
    this.tokens = tokens;
    this.lastMs = lastMs;
  }
}

/** What `peek` reports for a key, for tools.get_rate_limit_status. */
export interface BucketStatus {
  limit: number;
  remaining: number;
  ratePerSec: number;
  resetInSec: number;
}

const SWEEP_INTERVAL_MS = 30_000;
/** Hard cap on tracked keys so a flood of distinct identifiers cannot grow memory without bound. */
const MAX_BUCKETS = 200_000;

/**
 * Per-key token buckets. Single-threaded; `take` is on the request hot path
 * (one Map lookup and a little arithmetic, no allocation for known keys).
 */
export class RateLimiter {
  readonly ratePerSec: number;
  readonly burst: number;
  readonly isAnonymousLimited: boolean;
  private readonly buckets = new Map<string, Bucket>();
  private readonly sweepTimer: NodeJS.Timeout;

  constructor(config: Pick<RateLimitConfig, 'ratePerSec' | 'burst' | 'limitAnonymous'>) {
    this.ratePerSec = config.ratePerSec;
    this.burst = config.burst;
    this.isAnonymousLimited = config.limitAnonymous;
    this.sweepTimer = setInterval(sweepBuckets, SWEEP_INTERVAL_MS, this);
    this.sweepTimer.unref();
  }

  /**
   * Takes one token for `key`. Returns 0 when allowed, otherwise the whole
   * seconds (>= 1) the client should wait: the Retry-After value.
   */
  take(key: string, nowMs: number): number {
    let b = this.buckets.get(key);
    if (b === undefined) {
      if (this.buckets.size >= MAX_BUCKETS) this.evictOldest();
      b = new Bucket(this.burst, nowMs);
      this.buckets.set(key, b);
    } else {
      this.refill(b, nowMs);
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.ratePerSec));
  }

  /** Reports a key's bucket without taking a token. */
  peek(key: string, nowMs: number): BucketStatus {
    const b = this.buckets.get(key);
    if (b !== undefined) this.refill(b, nowMs);
    const tokens = b === undefined ? this.burst : b.tokens;
    return {
      limit: this.burst,
      remaining: Math.floor(tokens),
      ratePerSec: this.ratePerSec,
      resetInSec: Math.ceil((this.burst - tokens) / this.ratePerSec),
    };
  }

  /** Number of keys currently tracked (for health.get_stats and tests). */
  get size(): number {
    return this.buckets.size;
  }

  /** Drops buckets that have refilled to full; called by the shared sweep timer. */
  sweep(nowMs: number): void {
    for (const [key, b] of this.buckets) {
      this.refill(b, nowMs);
      if (b.tokens >= this.burst) this.buckets.delete(key);
    }
  }

  /** Stops the sweep timer; the limiter must not be used afterwards. */
  close(): void {
    clearInterval(this.sweepTimer);
    this.buckets.clear();
  }

  private refill(b: Bucket, nowMs: number): void {
    const elapsedMs = nowMs - b.lastMs;
    if (elapsedMs > 0) {
      b.tokens = Math.min(this.burst, b.tokens + (elapsedMs / 1000) * this.ratePerSec);
      b.lastMs = nowMs;
    }
  }

  private evictOldest(): void {
    // Map iteration order is insertion order, so the first key is the oldest client.
    const first = this.buckets.keys().next();
    if (!first.done) this.buckets.delete(first.value);
  }
}

function sweepBuckets(limiter: RateLimiter): void {
  limiter.sweep(performance.now());
}
