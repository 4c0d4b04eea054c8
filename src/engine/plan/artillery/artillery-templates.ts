/**
 * Artillery's template expressions rewritten into agentload's helpers, at
 * load time, so one template engine renders both:
 *
 *   {{ $randomString() }}          → {{randomString 10}}
 *   {{ $randomString(5) }}         → {{randomString 5}}
 *   {{ $randomNumber(1, 150) }}    → {{randomInt 1 150}}
 *   {{ $uuid }}                    → the user's own UUID, the same all through its scenario (a variable)
 *   {{ $timestamp }} / ()          → {{now}}
 *   {{ $env.NAME }}                → {{env "NAME"}}
 *   {{ $processEnvironment.NAME }} → {{env "NAME"}}
 *   {{ $environment }}             → the selected environment's name (a variable)
 *   {{ $loopCount }}               → {{$loopCount}} (a variable the VU sets)
 *
 * Anything else inside `{{ }}` is left as written.
 */

const EXPR = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** One `{{ … }}` expression's rewrite, or null to keep it. */
function rewriteExpr(expr: string): string | null {
  let m: RegExpExecArray | null;
  if ((m = /^\$randomString\(\s*(\d*)\s*\)$/.exec(expr)) !== null) return `randomString ${m[1] === '' ? 10 : m[1]}`;
  if ((m = /^\$randomNumber\(\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)$/.exec(expr)) !== null) return `randomInt ${m[1]} ${m[2]}`;
  if (/^\$timestamp(\(\s*\))?$/.test(expr)) return 'now';
  if ((m = /^\$(?:env|processEnvironment)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expr)) !== null) return `env "${m[1]}"`;
  return null;
}

/** `source` with Artillery's `$` helpers rewritten (see the module comment). */
export function rewriteArtilleryTemplate(source: string): string {
  if (!source.includes('{{')) return source;
  return source.replace(EXPR, (whole, expr: string) => {
    const r = rewriteExpr(expr);
    return r === null ? whole : `{{${r}}}`;
  });
}

/** The names a template reads that no rewrite covers and that start with `$` (for the unknown-helper check). */
export function unknownDollarNames(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(EXPR)) {
    const expr = m[1]!;
    if (!expr.startsWith('$') || rewriteExpr(expr) !== null) continue;
    const name = /^\$[A-Za-z_]*/.exec(expr)![0];
    if (!KNOWN_DOLLAR_VARS.has(name)) out.push(expr);
  }
  return out;
}

/** `$` names the runner sets as variables. */
const KNOWN_DOLLAR_VARS = new Set(['$loopElement', '$loopIndex', '$loopCount', '$environment', '$uuid']);

/**
 * Renders a config-time template (phase values, the target): `$env` /
 * `$processEnvironment` from `env`, plain names from `variables`. Returns
 * null when it names something that is not set, so the caller reports it.
 */
export function renderConfigTemplate(source: string, variables: Record<string, unknown>, env: NodeJS.ProcessEnv, environment: string | null): string | null {
  let missing = false;
  const out = source.replace(EXPR, (_w, expr: string) => {
    let m: RegExpExecArray | null;
    if ((m = /^(?:\$(?:env|processEnvironment)\.([A-Za-z_][A-Za-z0-9_]*)|env "([A-Za-z_][A-Za-z0-9_]*)")$/.exec(expr)) !== null) {
      const v = env[(m[1] ?? m[2])!];
      if (v === undefined) missing = true;
      return v ?? '';
    }
    if (expr === '$environment') return environment ?? '';
    if (Object.hasOwn(variables, expr) && (typeof variables[expr] === 'string' || typeof variables[expr] === 'number')) return String(variables[expr]);
    missing = true;
    return '';
  });
  return missing ? null : out;
}
