/**
 * Segments: which slice of a plan's load one generator runs, computed from
 * the segment alone so shards and workers need no coordinator (the idea of
 * k6's execution segments, reduced to striping).
 *
 * Every generator walks the *same* arrival sequence (same formula, same
 * seeded Poisson draws) and starts arrival k only when k mod count = index.
 * Worked example, 3 generators, 10 arrivals:
 *
 *   k:        0 1 2 3 4 5 6 7 8 9
 *   gen 0/3:  x . . x . . x . . x   → 4
 *   gen 1/3:  . x . . x . . x . .   → 3
 *   gen 2/3:  . . x . . x . . x .   → 3
 *
 * Together they start exactly the arrivals one generator would, at the
 * same scheduled times, so merged results equal a single run's counts.
 * Worker j of M inside shard i of N is segment (i + N·j) of N·M: its
 * arrivals k have k mod N = i, so a shard's slice is the same whatever its
 * worker count, and shards on machines with different core counts
 * (`--workers auto`) still add up to the plan.
 */

/** A slice of the load: this generator takes arrivals k with k % count === index. */
export interface Segment {
  readonly index: number;
  readonly count: number;
}

/** The whole load, one generator. */
export const WHOLE: Segment = Object.freeze({ index: 0, count: 1 });

/** True when arrival `k` belongs to `seg`. */
export function owns(seg: Segment, k: number): boolean {
  return k % seg.count === seg.index;
}

/** How many of `n` items (users, maxVusers) this segment gets: ⌊n/count⌋ plus one for the first n mod count. */
export function shareOf(seg: Segment, n: number): number {
  if (!Number.isFinite(n)) return n;
  return Math.floor(n / seg.count) + (seg.index < n % seg.count ? 1 : 0);
}

/** Worker j of M inside shard i of N: segment i + N·j of N·M (see the module comment). */
export function nestSegment(shard: Segment, worker: Segment): Segment {
  return { index: shard.index + shard.count * worker.index, count: shard.count * worker.count };
}

/** Parses `i/N` (1-based i, as users write it) into a 0-based Segment; null when malformed. */
export function parseShard(text: string): Segment | null {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return null;
  const i = Number(m[1]);
  const n = Number(m[2]);
  return n >= 1 && i >= 1 && i <= n ? { index: i - 1, count: n } : null;
}
