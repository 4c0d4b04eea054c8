/**
 * The interval between snapshots when the plan sets no `config.interval`:
 * fine for short runs so their charts have points, coarse for long ones so
 * memory stays bounded (intervals are kept for the whole run).
 *
 *   planned ≤ 2 min → 1 s · 5 min → 3 s · 10 min → 5 s · ≥ 20 min → 10 s
 *
 * i.e. about 120 intervals, in whole seconds between 1 s and 10 s.
 */

/** See the module comment. */
export function defaultIntervalMs(plannedDurationMs: number): number {
  const s = Math.ceil(plannedDurationMs / 120 / 1000);
  return Math.min(10, Math.max(1, s)) * 1000;
}
