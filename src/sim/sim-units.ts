/**
 * Unit parsing shared by the sim's config file, its plan block and its flags.
 *
 * Durations follow the plan convention (docs/plan-reference.md): `500ms`,
 * `30s`, `5m`, `1h`, or a bare number. What a bare number means depends on
 * where it is written, so the caller says: config keys ending in `Ms` take
 * milliseconds, command-line flags take seconds like the runner's flags do.
 */

const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;
const MS_PER_UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses `value` as a duration in milliseconds; returns null when it is not
 * one. `bareUnit` is the unit of a plain number or a suffix-less string.
 * Pure; called at config time only.
 */
export function parseDurationMs(value: unknown, bareUnit: 'ms' | 's'): number | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return null;
    return value * MS_PER_UNIT[bareUnit]!;
  }
  if (typeof value !== 'string') return null;
  const m = DURATION_RE.exec(value.trim());
  if (!m) return null;
  return Number(m[1]) * MS_PER_UNIT[m[2] ?? bareUnit]!;
}

const BYTES_RE = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib)?$/i;
const BYTES_PER_UNIT: Record<string, number> = { b: 1, kb: 1000, kib: 1024, mb: 1_000_000, mib: 1_048_576 };

/**
 * Parses a byte size: a number of bytes, or a string like `10kb`, `1mib`.
 * Returns null when it is not one. Pure; config time only.
 */
export function parseBytes(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.floor(value) : null;
  if (typeof value !== 'string') return null;
  const m = BYTES_RE.exec(value.trim());
  if (!m) return null;
  return Math.floor(Number(m[1]) * BYTES_PER_UNIT[(m[2] ?? 'b').toLowerCase()]!);
}

/** Renders a received value for an error message: short, JSON-ish, never multi-line. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    text = typeof value === 'bigint' ? `${value}` : Object.prototype.toString.call(value); // a BigInt, a cycle
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
