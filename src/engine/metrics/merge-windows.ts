/**
 * Adds encoded sink windows together: worker threads' interval windows in
 * `--workers` runs, and shard results in `agentload merge`. Histograms stay
 * encoded here and are added exactly when the sum is absorbed into an
 * HdrSink (HdrSink.absorb decodes and adds them), so percentiles of the sum
 * are exact, never averages of percentiles.
 */
import { EVENT_LOOP_BUSY_PCT, EVENT_LOOP_LAG_MS, GENERATOR_CPU_PCT } from './names.ts';
import { RateLimitRecorder } from './rate-limit-recorder.ts';
import type { EncodedWindow } from './hdr-sink.ts';

/** Sums windows into one; gauges add up across generators, except lag, loop busyness and CPU (the process's, or the busiest shard's), which take the worst. */
export function mergeWindows(windows: readonly EncodedWindow[]): EncodedWindow {
  const gauges: Record<string, number> = {};
  const counters: Record<string, number> = {};
  for (const w of windows) {
    for (const [k, v] of Object.entries(w.counters)) counters[k] = (counters[k] ?? 0) + v;
    for (const [k, v] of Object.entries(w.gauges)) {
      gauges[k] = k.startsWith(EVENT_LOOP_LAG_MS) || k.startsWith(EVENT_LOOP_BUSY_PCT) || k.startsWith(GENERATOR_CPU_PCT) ? Math.max(gauges[k] ?? 0, v) : (gauges[k] ?? 0) + v;
    }
  }
  const rateLimits = windows.filter((w) => w.rateLimits !== undefined).map((w) => w.rateLimits!);
  const merged: EncodedWindow = { names: windows.flatMap((w) => w.names), counters, gauges };
  if (rateLimits.length > 0) {
    const r = new RateLimitRecorder();
    for (const e of rateLimits) r.merge(e);
    merged.rateLimits = r.encode();
  }
  const samples = windows.flatMap((w) => w.samples ?? []);
  if (samples.length > 0) merged.samples = samples;
  return merged;
}
