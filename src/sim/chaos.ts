/**
 * Chaos knobs for testing agentload itself: added latency, error responses,
 * connection resets, a memory leak and a "degraded after N seconds" mode.
 *
 * They exist so the runner's detectors can be proven to fire: a leak must
 * show up as growth of `process_resident_memory_bytes`, degradation as a
 * slower last window than the first, errors as 5xx outcomes. With every knob
 * at its default, `isActive` is false and the HTTP layer skips this module.
 */

import type { LatencyModel, SimConfig } from './sim-config.ts';

const LEAK_TICK_MS = 250;
const BYTES_PER_MB = 1_048_576;

/**
 * Retains memory at a steady rate until a cap, like a cache that never
 * evicts. Buffers are filled (not just allocated) so the pages are touched
 * and count towards resident memory, which is what the runner watches.
 */
class MemoryLeak {
  private readonly chunks: Buffer[] = [];
  private readonly bytesPerTick: number;
  private readonly maxBytes: number;
  private timer: NodeJS.Timeout | null = null;
  leakedBytes = 0;

  constructor(mbPerMin: number, maxMb: number) {
    this.bytesPerTick = Math.floor((mbPerMin * BYTES_PER_MB * LEAK_TICK_MS) / 60_000);
    this.maxBytes = maxMb * BYTES_PER_MB;
    if (this.bytesPerTick > 0) {
      this.timer = setInterval(leakTick, LEAK_TICK_MS, this);
      this.timer.unref();
    }
  }

  tick(): void {
    const size = Math.min(this.bytesPerTick, this.maxBytes - this.leakedBytes);
    if (size <= 0) return this.stop();
    this.chunks.push(Buffer.allocUnsafeSlow(size).fill(0x5a));
    this.leakedBytes += size;
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  release(): void {
    this.stop();
    this.chunks.length = 0;
  }
}

function leakTick(leak: MemoryLeak): void {
  leak.tick();
}

function drawLatencyMs(model: LatencyModel): number {
  if ('fixedMs' in model) return model.fixedMs;
  return model.minMs + Math.random() * (model.maxMs - model.minMs);
}

/**
 * The per-sim chaos state. All methods are cheap and synchronous; they are
 * called on the request path only when `isActive` is true (plus
 * `latencyFactor` from modular.solve and slow tools). Single-threaded.
 */
export class Chaos {
  /** True when any per-request knob is set (latency, errors, resets, degradation). */
  readonly isActive: boolean;
  private readonly latency: LatencyModel | null;
  private readonly errorRate: number;
  private readonly resetRate: number;
  private readonly degradeAtMs: number;
  private readonly degradeLatencyMs: number;
  private readonly degradeFactor: number;
  private readonly leak: MemoryLeak;

  /** `startMs` is the performance.now() at which the sim started serving. */
  constructor(config: SimConfig, startMs: number) {
    this.latency = config.latency;
    this.errorRate = config.errorRate;
    this.resetRate = config.resetRate;
    this.degradeAtMs = config.degradeAfterMs === null ? Infinity : startMs + config.degradeAfterMs;
    this.degradeLatencyMs = config.degradeLatencyMs;
    this.degradeFactor = config.degradeFactor;
    this.leak = new MemoryLeak(config.leakMbPerMin, config.leakMaxMb);
    this.isActive = this.latency !== null || this.errorRate > 0 || this.resetRate > 0 ||
      this.degradeAtMs !== Infinity;
  }

  /** True once the degraded period has begun. */
  isDegraded(nowMs: number): boolean {
    return nowMs >= this.degradeAtMs;
  }

  /** Extra milliseconds to hold a response: the latency model, plus the degraded penalty, times the degraded factor. */
  delayMs(nowMs: number): number {
    const base = this.latency === null ? 0 : drawLatencyMs(this.latency);
    if (nowMs < this.degradeAtMs) return base;
    return base * this.degradeFactor + this.degradeLatencyMs;
  }

  /** Multiplier for modelled work (modular.solve, slow tools): `degradeFactor` once degraded, else 1. */
  latencyFactor(nowMs: number): number {
    return nowMs >= this.degradeAtMs ? this.degradeFactor : 1;
  }

  /** Rolls the dice for a simulated server error. */
  shouldFail(): boolean {
    return this.errorRate > 0 && Math.random() < this.errorRate;
  }

  /** Rolls the dice for a connection reset. */
  shouldReset(): boolean {
    return this.resetRate > 0 && Math.random() < this.resetRate;
  }

  /** Bytes retained so far by the leak mode. */
  get leakedBytes(): number {
    return this.leak.leakedBytes;
  }

  /** Stops the leak timer and frees what it retained. */
  close(): void {
    this.leak.release();
  }
}
