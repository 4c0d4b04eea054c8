/**
 * mulberry32: a tiny seeded PRNG, and the seed plumbing of reproducible runs
 * (issue 16). Poisson arrivals draw from a stream per phase, so every worker
 * and shard draws the same sequence and striping stays exact; each virtual
 * user draws its scenario, think times and template helpers from a stream
 * of its own, derived from (run seed, VU id), so one user's sequence does
 * not depend on when the other users' timers fire.
 */
import { randomInt } from 'node:crypto';

/**
 * A reusable uniform [0, 1) stream: a Vu keeps one and reseeds it for every
 * arrival it serves, so an arrival allocates no generator of its own.
 */
export class SeededStream {
  private a = 0;
  reseed(seed: number): void {
    this.a = seed >>> 0;
  }
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/**
 * The seed of stream `stream` (a VU id, a phase index) of a run seeded
 * `seed`: a murmur3 finalizer over both, so neighbouring ids give unrelated
 * streams (mulberry32 seeded with 1, 2, 3 … starts out correlated).
 */
export function streamSeed(seed: number, stream: number): number {
  let h = (seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A fresh run seed, for a run whose plan names none (recorded in the result so it can be replayed). */
export function randomSeed(): number {
  return randomInt(0, 2 ** 32 - 1);
}

/**
 * The seed of a sharded run without `--seed`: every shard is a separate
 * process, and they must draw the same Poisson arrivals to stripe them.
 */
export const SHARD_DEFAULT_SEED = 0x5eed;

/** Returns a uniform [0, 1) generator for `seed`. */
export function seededRandom(seed: number): () => number {
  const s = new SeededStream();
  s.reseed(seed);
  return () => s.next();
}
