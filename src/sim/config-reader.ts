/**
 * A small collecting validator for the sim's config block. Every check
 * records a problem and returns the fallback instead of throwing, so one pass
 * reports every bad key at once (changesets-style "errors as data").
 */

import { describeValue, parseBytes, parseDurationMs } from './sim-units.ts';

/** One invalid key: its dotted path inside the sim block and what was wrong. */
export interface SimConfigProblem {
  path: string;
  message: string;
}

/** Bounds for a numeric key; `min`/`max` are inclusive. */
export interface NumberRule {
  min?: number;
  max?: number;
  isInteger?: boolean;
}

function joinPath(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

function ruleText(rule: NumberRule): string {
  const kind = rule.isInteger ? 'an integer' : 'a number';
  if (rule.min !== undefined && rule.max !== undefined) return `${kind} from ${rule.min} to ${rule.max}`;
  if (rule.min !== undefined) return `${kind} >= ${rule.min}`;
  return kind;
}

/**
 * Reads typed values out of untrusted objects (parsed YAML, JSON flags, a
 * plan's `config.sim`). Used once per config resolution; not on any hot path.
 */
export class ConfigReader {
  readonly problems: SimConfigProblem[] = [];

  /** Records a problem at `path`. */
  fail(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  /** An object section; null/undefined read as empty, anything else is a problem. */
  section(value: unknown, path: string): Record<string, unknown> {
    if (value === undefined || value === null) return {};
    if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    this.fail(path || '(root)', `expected a mapping of settings, got ${describeValue(value)}`);
    return {};
  }

  /** Flags keys not in `allowed`, so a typo never silently falls back to a default. */
  onlyKeys(obj: Record<string, unknown>, allowed: readonly string[], prefix: string): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) {
        this.fail(joinPath(prefix, key), `unknown key; expected one of ${allowed.join(', ')}`);
      }
    }
  }

  /** A number within `rule`; absent → fallback. */
  number(obj: Record<string, unknown>, key: string, prefix: string, fallback: number, rule: NumberRule = {}): number {
    const value = obj[key];
    if (value === undefined) return fallback;
    const ok = typeof value === 'number' && Number.isFinite(value) &&
      (!rule.isInteger || Number.isInteger(value)) &&
      (rule.min === undefined || value >= rule.min) && (rule.max === undefined || value <= rule.max);
    if (ok) return value;
    this.fail(joinPath(prefix, key), `expected ${ruleText(rule)}, got ${describeValue(value)}`);
    return fallback;
  }

  /** Like `number` but `null` turns the setting off. */
  nullableNumber(obj: Record<string, unknown>, key: string, prefix: string, fallback: number | null,
    rule: NumberRule = {}): number | null {
    const value = obj[key];
    if (value === null) return null;
    if (value === undefined) return fallback;
    return this.number(obj, key, prefix, fallback ?? 0, rule);
  }

  /** A boolean; absent → fallback. */
  bool(obj: Record<string, unknown>, key: string, prefix: string, fallback: boolean): boolean {
    const value = obj[key];
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    this.fail(joinPath(prefix, key), `expected true or false, got ${describeValue(value)}`);
    return fallback;
  }

  /** A non-empty string; absent → fallback. */
  string(obj: Record<string, unknown>, key: string, prefix: string, fallback: string): string {
    const value = obj[key];
    if (value === undefined) return fallback;
    if (typeof value === 'string' && value.length > 0) return value;
    this.fail(joinPath(prefix, key), `expected a non-empty string, got ${describeValue(value)}`);
    return fallback;
  }

  /** A duration in ms: a number of ms or a string like "30s"; absent → fallback. */
  durationMs(obj: Record<string, unknown>, key: string, prefix: string, fallback: number): number {
    const value = obj[key];
    if (value === undefined) return fallback;
    const ms = parseDurationMs(value, 'ms');
    if (ms !== null) return ms;
    this.fail(joinPath(prefix, key), `expected a duration like 250, "500ms" or "30s", got ${describeValue(value)}`);
    return fallback;
  }

  /** A duration in ms where `null` or 0 means "off". */
  optionalDurationMs(obj: Record<string, unknown>, key: string, prefix: string, fallback: number | null): number | null {
    if (obj[key] === null) return null;
    if (obj[key] === undefined) return fallback;
    const ms = this.durationMs(obj, key, prefix, 0);
    return ms === 0 ? null : ms;
  }

  /** A byte size: a number of bytes or a string like "1mib"; must be >= `min`. */
  bytes(obj: Record<string, unknown>, key: string, prefix: string, fallback: number, min: number): number {
    const value = obj[key];
    if (value === undefined) return fallback;
    const n = parseBytes(value);
    if (n !== null && n >= min) return n;
    this.fail(joinPath(prefix, key), `expected a size >= ${min} bytes like 1048576 or "1mib", got ${describeValue(value)}`);
    return fallback;
  }
}
