/**
 * Durations as plans write them: `500ms`, `30s`, `5m`, `1h`, `1.5s`, or a
 * bare number of seconds. One grammar for the whole tool, so the schema's
 * pattern, the loader and the compiler never disagree about what parses.
 */
import type { DurationInput } from './contracts.ts';

/**
 * The string form of a duration. schemas/plan.schema.json repeats this
 * pattern (JSON cannot import it); test/engine/load-plan.test.ts checks that
 * both stay identical.
 */
export const DURATION_PATTERN = /^\d+(\.\d+)?(ms|s|m|h)$/;

const MS_PER_UNIT: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Converts a plan duration to milliseconds, or null when it does not parse.
 * Numbers are seconds (Artillery's convention); negative, NaN and infinite
 * values are rejected. Pure; called by the plan loader (validation, CLI
 * overrides) and the compiler (once per duration field, never per request).
 */
export function parseDurationMs(v: DurationInput): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v * 1_000 : null;
  if (typeof v !== 'string') return null;
  const m = DURATION_PATTERN.exec(v);
  if (m === null) return null;
  const unit = m[2]!;
  return Number(v.slice(0, v.length - unit.length)) * MS_PER_UNIT[unit]!;
}

/**
 * Renders milliseconds in the plan grammar, in the largest unit that keeps
 * the value whole (90 000 → `90s`, 3 600 000 → `1h`, 1 500 → `1500ms`), so
 * `parseDurationMs(formatDuration(ms)) === ms` for whole (and plain-decimal)
 * milliseconds; 0 renders as `0ms`. Used where a computed duration is written
 * back into a plan (CLI `--duration`) and in human-facing messages.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return String(ms);
  for (const unit of ['h', 'm', 's'] as const) {
    const n = ms / MS_PER_UNIT[unit]!;
    if (ms > 0 && Number.isInteger(n)) return `${n}${unit}`;
  }
  return `${ms}ms`;
}
