/**
 * The run-time side of the time-series expectations, shared by runPlan and
 * the worker path: turns on per-interval histograms when a check needs
 * them, closes an interval exactly at the end of `config.warmup` and
 * forgets the totals so far, and runs the target-memory sampler.
 */
import type { CompiledPlan } from '../compile/compiled-plan.ts';
import type { HdrSink } from '../metrics/hdr-sink.ts';
import type { Clock } from '../scheduler/clock.ts';
import type { MemorySeries } from '../expect/series-types.ts';
import { TargetMemorySampler, resolveMemorySource, type GeneratorUsage } from './target-memory-sampler.ts';

/** What a run's series side produced. */
export interface SeriesOutcome {
  /** The warm-up that was cut from the totals (0 if the run ended first). */
  readonly warmupMs: number;
  readonly targetMemory: MemorySeries | null;
  readonly generator: GeneratorUsage | null;
}

/** A started series side; stop() once, after the load. */
export interface SeriesHandle {
  stop(): Promise<SeriesOutcome>;
}

/**
 * Starts it. `closeInterval` must take a snapshot now (runPlan's
 * takeSnapshot), so the warm-up's requests end up in their own intervals.
 */
export function startSeries(plan: CompiledPlan, sink: HdrSink, clock: Clock, targetPid: number | null, closeInterval: () => void | Promise<void>): SeriesHandle {
  const needsHistograms = plan.series.needsIntervalHistograms || plan.expectations.some((e) => e.phases !== undefined);
  if (needsHistograms) sink.isKeepingIntervalHistograms = true;
  let warmupMs = 0;
  let warmupDone: Promise<void> = Promise.resolve();
  // With workers, closing an interval waits for their flush; totals are reset only once the warm-up window is in.
  const warmupTimer = plan.warmupMs > 0 ? setTimeout(() => {
    warmupDone = Promise.resolve(closeInterval()).then(() => {
      sink.resetTotals();
      warmupMs = clock.nowMs();
    });
  }, plan.warmupMs) : null;
  const spec = plan.series.targetMemory;
  // Without a targetMemory expectation the sampler still runs, for the generator's own CPU and peak RSS.
  const source = spec === null ? { kind: 'none' as const, reason: 'no targetMemory expectation' } : resolveMemorySource(spec, plan.target, targetPid);
  const sampler = new TargetMemorySampler(source, spec?.sampleEveryMs ?? 1000, clock);
  sampler.start();
  return {
    async stop() {
      if (warmupTimer !== null) clearTimeout(warmupTimer);
      await warmupDone;
      const memory = await sampler.stop();
      return { warmupMs, targetMemory: spec === null ? null : memory, generator: sampler.generatorUsage() };
    },
  };
}
