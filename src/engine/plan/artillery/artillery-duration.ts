/**
 * Durations as Artillery writes them (it parses them with the `ms` package):
 * a number or an integer string is seconds; otherwise a number and a unit,
 * with or without a space: `500ms`, `9 seconds`, `10min`, `2 minutes`, `1h`,
 * `1.5 hours`, `1d`. Converted to agentload's grammar (`600s`) at load time.
 */

import { DURATION_PATTERN } from '../../duration.ts';

const UNIT_MS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(milliseconds?|msecs?|ms)$/, 1],
  [/^(seconds?|secs?|s)$/, 1_000],
  [/^(minutes?|mins?|m)$/, 60_000],
  [/^(hours?|hrs?|h)$/, 3_600_000],
  [/^(days?|d)$/, 86_400_000],
  [/^(weeks?|w)$/, 604_800_000],
];

/** Milliseconds of an Artillery duration, or null when it is not one. */
export function artilleryDurationMs(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v * 1000 : null;
  if (typeof v !== 'string') return null;
  const s = v.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]+)$/.exec(s);
  if (m === null) return null;
  const unit = UNIT_MS.find(([re]) => re.test(m[2]!));
  return unit === undefined ? null : Number(m[1]) * unit[1];
}

/**
 * The agentload form of an Artillery duration: unchanged when agentload
 * already reads it, `<n>ms` when Artillery's grammar gives a different
 * reading, the input itself when neither parses (the schema then reports it).
 */
export function toPlanDuration(v: unknown): unknown {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && DURATION_PATTERN.test(v)) return v;
  const ms = artilleryDurationMs(v);
  if (ms === null) return v;
  return Number.isInteger(ms) ? `${ms}ms` : `${Math.round(ms)}ms`;
}
