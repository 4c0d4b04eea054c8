/**
 * The console's lines for what processor functions did (docs/artillery-processor.md):
 * the counters their `events.emit('counter' | 'rate' | 'error', …)` made, which no
 * built-in name covers, and the users and functions that failed. Histograms they
 * emitted are rows of the summary table already (tag custom=histogram).
 */
import { isBuiltinMetricName } from '../engine/metrics/builtin-names.ts';

/** Failed users and functions, or null when no processor function failed. */
export function processorFailureLine(counters: Readonly<Record<string, number>>): string | null {
  const failed = counters.vusers_failed ?? 0;
  if (failed === 0 && (counters.processor_errors ?? 0) === 0) return null;
  const byFunction = Object.entries(counters).filter(([k, n]) => k.startsWith('processor_errors:') && n > 0)
    .map(([k, n]) => `${k.slice('processor_errors:'.length)} ${n}`);
  return `vusers_failed ${failed} (a processor function failed: ${byFunction.join(', ') || 'none counted'})`;
}

/** Counters no built-in name covers (a processor emitted them), sorted by name; null when there are none. */
export function customCountersLine(counters: Readonly<Record<string, number>>): string | null {
  const parts = Object.keys(counters).filter((k) => !isBuiltinMetricName(k)).sort().map((k) => `${k} ${counters[k]}`);
  return parts.length === 0 ? null : `counters: ${parts.join(' · ')}`;
}
