/**
 * Artillery's templated `think` (`think: "{{ $randomNumber(1, 5) }}"`,
 * `think: "{{ thinkTime }}"`), which Artillery renders each time the step
 * runs, read at load into agentload's think:
 *
 *   "{{ $randomNumber(a, b) }}"  (literal numbers)  → {min: a, max: b} seconds, uniform
 *   "{{ $randomNumber(a, b) }}ms" (or s, m)          → the same range in that unit
 *   a template every part of which is known at load (`$env.X`, `$processEnvironment.X`,
 *   `$environment`, a config variable holding one number or duration) → its rendered value
 *
 * Anything else (a list variable picked per user, a payload field, a captured
 * value) can only be known per user: null, and the caller reports it.
 * (The `$randomNumber(a, b)` form arrives here as agentload's `{{randomInt a b}}`,
 * artillery-templates.ts having rewritten it.)
 */

/** What a templated think becomes: a duration as Artillery writes one, or a uniform range in seconds. */
export type ThinkValue = string | { min: number; max: number };

// A unit may follow the braces ("{{ $randomNumber(1, 30) }}s", "…}}ms"): Artillery reads the rendered text with ms().
const RANDOM_RANGE = /^\s*\{\{\s*randomInt\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s*\}\}\s*(ms|msecs?|s|secs?|seconds?|m|mins?|minutes?)?\s*$/i;
/** Seconds per unit (no unit: seconds, as Artillery reads a bare number). */
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, msec: 0.001, msecs: 0.001, m: 60, min: 60, mins: 60, minute: 60, minutes: 60 };

/** The template reads an environment variable that is not set. */
export const UNSET_ENV: unique symbol = Symbol('unset-env');

/** An environment variable the template reads (agentload's `{{env "X"}}`, Artillery's `$env.X` rewritten). */
const ENV_NAME = /\{\{\s*env\s+"([^"]+)"\s*\}\}/g;

/**
 * See the module comment. `renderAtLoad` renders a load-time template, null
 * when it names something unknown then; `isEnvSet` says whether an
 * environment variable is set. UNSET_ENV when the template reads one that
 * is not: the plan's template check reports that name.
 */
export function resolveTemplatedThink(source: string, renderAtLoad: (source: string) => string | null, isEnvSet: (name: string) => boolean): ThinkValue | typeof UNSET_ENV | null {
  const range = RANDOM_RANGE.exec(source);
  if (range !== null) {
    const unit = UNIT_SECONDS[(range[3] ?? 's').toLowerCase()] ?? 1;
    const a = Number(range[1]) * unit;
    const b = Number(range[2]) * unit;
    return { min: Math.min(a, b), max: Math.max(a, b) };
  }
  for (const m of source.matchAll(ENV_NAME)) if (!isEnvSet(m[1]!)) return UNSET_ENV;
  const rendered = renderAtLoad(source);
  return rendered === null || rendered.trim() === '' ? null : rendered.trim();
}
