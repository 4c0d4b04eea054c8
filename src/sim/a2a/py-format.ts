/**
 * How upstream's Python answers print values, so the sim's strings match
 * theirs: float repr ("9.0", "1e-05"), value repr ('x', True, None), type
 * names (str, int) and datetime.isoformat() with microseconds.
 */

/** Python's repr() of a float: always a decimal point or an exponent. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Object.is(x, -0)) return '-0.0';
  const abs = Math.abs(x);
  // Python switches to exponent notation below 1e-4 and from 1e16 up; JS only below 1e-6 and from 1e21.
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mant, exp] = x.toExponential().split('e') as [string, string];
    const sign = exp.startsWith('-') ? '-' : '+';
    const digits = exp.replace(/^[+-]/, '').padStart(2, '0');
    return `${mant}e${sign}${digits}`;
  }
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

/** Python's type(value).__name__ for a JSON value (JSON numbers with no fraction arrive as int). */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return Array.isArray(v) ? 'list' : 'dict';
}

/** Python's repr() of a JSON scalar (containers fall back to JSON). */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloat(v);
  return JSON.stringify(v);
}

/** datetime.isoformat() of now (or `ms`): microseconds, with "+00:00" when tz-aware, nothing when naive. */
export function pyIsoNow(isTzAware: boolean, ms: number = Date.now()): string {
  const iso = new Date(ms).toISOString(); // 2026-12-03T02:03:06.226Z
  return iso.slice(0, -1) + '000' + (isTzAware ? '+00:00' : '');
}

/** pydantic's mode="json" datetime: microseconds and a "Z". */
export function pydanticIso(ms: number): string {
  return new Date(ms).toISOString().slice(0, -1) + '000Z';
}
