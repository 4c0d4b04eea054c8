/**
 * Per rate-limit key and per whole second of the run: how many requests were
 * offered, admitted and limited, how many limits came without a wait header,
 * and how retries sent after an advertised wait fared. `expect.rateLimit`
 * (src/engine/expect/rate-limit-check.ts) reads it at the end of the run.
 *
 * It exists only when the plan has `expect.rateLimit` and `config.rateLimitKey`
 * (compilePlan sets `sink.rateLimits`); otherwise engines hold null and skip
 * recording entirely, so plans without the check pay nothing.
 *
 * Cells are keyed `"<second>\t<key>"` → eight counts, e.g.
 *   "3\tclient-a" → [offered 25, admitted 20, limited 5, limitedWithoutWait 0, retryOk 4, retryLimited 1, underOffered 9, underLimited 0]
 *
 * "Under the limit" is decided per request, at send time, by a shadow token
 * bucket per key that is slower than the claimed one (rate × (1 − tolerance),
 * capacity max(1, burst), starting full: the key is assumed idle before the run) and spends a token (or what is left
 * of one) on every request. Its tokens never exceed the claimed bucket's (which refills
 * faster, holds more and spends only on admitted requests), so a request the
 * shadow had a token for must be admitted by an honest limiter; limiting it is
 * a false positive. Whole-second counts cannot say this: ten requests in the
 * first 100 ms of a second are over a 20/s, burst 5 limit though the second
 * offered only 10.
 * The encoded form is plain JSON: workers drain theirs into each interval
 * window (takeInterval) and the main thread adds them up (merge), so N
 * workers give the same table as one process.
 *
 * Single-threaded, like the sink that owns it.
 */
import type { EncodedRateLimits, RateLimitKind, RateLimitLog } from '../contracts.ts';

export type { EncodedRateLimits, RateLimitKind } from '../contracts.ts';

/** A request was sent (each retry is one more). */
export const RL_OFFERED = 0;
/** An answer that was not a rate limit. */
export const RL_ADMITTED = 1;
/** HTTP 429 or the `rate_limited` outcome (JSON-RPC -32001). */
export const RL_LIMITED = 2;
/** A limited answer with neither Retry-After nor RateLimit-Reset / RateLimit. */
export const RL_LIMITED_WITHOUT_WAIT = 3;
/** A retry sent after the advertised wait that was admitted. */
export const RL_RETRY_OK = 4;
/** A retry sent after the advertised wait that was limited again. */
export const RL_RETRY_LIMITED = 5;
/** A request sent while the shadow bucket had a token (see the module comment). */
export const RL_UNDER_OFFERED = 6;
/** Such a request, limited anyway: a false positive. */
export const RL_UNDER_LIMITED = 7;
const KINDS = 8;


/** The claimed limit, slowed by the tolerance, for the shadow buckets. */
export interface ShadowLimit {
  readonly ratePerSec: number;
  readonly capacity: number;
}

class Shadow {
  constructor(public tokens: number, public atUs: number) {}
}


/** See the module comment. */
export class RateLimitRecorder implements RateLimitLog {
  private cells = new Map<string, number[]>();
  private readonly shadows = new Map<string, Shadow>();

  /** `shadow` is null on the main thread of a worker run, which only merges. */
  constructor(private readonly shadow: ShadowLimit | null = null) {}

  /**
   * Counts a request sent for `key` at run time `nowUs` and returns whether it
   * was under the limit (the shadow bucket had a token). Hot path when enabled.
   */
  offered(key: string, nowUs: number): boolean {
    const second = Math.floor(nowUs / 1e6);
    this.record(key, second, RL_OFFERED);
    const lim = this.shadow;
    if (lim === null) return false;
    let s = this.shadows.get(key);
    if (s === undefined) this.shadows.set(key, (s = new Shadow(lim.capacity, nowUs)));
    const tokens = Math.min(lim.capacity, s.tokens + ((nowUs - s.atUs) / 1e6) * lim.ratePerSec);
    s.atUs = nowUs;
    const isUnder = tokens >= 1;
    // Spending even the fraction keeps shadow ≤ claimed when the claimed bucket admits what the shadow would not.
    s.tokens = isUnder ? tokens - 1 : 0;
    if (isUnder) this.record(key, second, RL_UNDER_OFFERED);
    return isUnder;
  }

  /** Counts one event of `kind` for `key` in run second `second`. Hot path when enabled. */
  record(key: string, second: number, kind: RateLimitKind): void {
    const id = `${second}\t${key}`;
    let c = this.cells.get(id);
    if (c === undefined) {
      c = [0, 0, 0, 0, 0, 0, 0, 0];
      this.cells.set(id, c);
    }
    c[kind]!++;
  }

  /** Adds an encoded table (from a worker window or another shard). */
  merge(e: EncodedRateLimits): void {
    for (const [id, counts] of Object.entries(e)) {
      let c = this.cells.get(id);
      if (c === undefined) {
        c = [0, 0, 0, 0, 0, 0, 0, 0];
        this.cells.set(id, c);
      }
      for (let i = 0; i < KINDS; i++) c[i]! += counts[i] ?? 0;
    }
  }

  /** Everything recorded so far, as JSON-safe data. */
  encode(): EncodedRateLimits {
    return Object.fromEntries([...this.cells].map(([k, v]) => [k, [...v]]));
  }

  /** Encodes and forgets (worker side: each window carries only what is new). */
  take(): EncodedRateLimits {
    const e = this.encode();
    this.cells = new Map();
    return e;
  }
}

/** Whether a limited answer said how long to wait: Retry-After, RateLimit-Reset, or the draft `RateLimit: …, reset=N` field. */
export function hasWaitHeader(res: { header(name: string): string | undefined }): boolean {
  if (res.header('retry-after') !== undefined || res.header('ratelimit-reset') !== undefined || res.header('x-ratelimit-reset') !== undefined) return true;
  const combined = res.header('ratelimit');
  return combined !== undefined && /(^|[;,\s])(reset|t)=/.test(combined);
}
