/**
 * Compares a recorded golden answer with the sim's: same JSON types and keys
 * everywhere; same values except at `volatile` paths (they differed between
 * two recordings: ids, timestamps, timings) and `loose` paths (compared by
 * shape only). Paths look like `body.result.tools[0].name`; loose patterns
 * are relative to the body and may use `[]` for any index and `*` for any key.
 */

/** The JSON type name used in mismatch messages. */
function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function patternMatches(pattern: string, path: string): boolean {
  const re = new RegExp('^' + pattern.replace(/[.[\]]/g, (c) => '\\' + c).replace(/\\\[\\\]/g, '\\[\\d+\\]').replace(/\*/g, '[^.\\[]+') + '$');
  return re.test(path);
}

const TIME_KEY = /\.(created_at|updated_at|last_seen|timestamp|execution_time_ms|total_time_ms|retry_after)$/;

/** Which paths to compare by shape only. */
export class Looseness {
  constructor(private readonly volatile: readonly string[], private readonly loose: readonly string[], private readonly root: string) {}
  isShapeOnly(path: string): boolean {
    if (this.volatile.includes(path)) return true;
    // Clock readings and timings never repeat across runs, even where two recordings in one run agreed (state from before the run).
    if (TIME_KEY.test(path)) return true;
    const rel = path.startsWith(this.root + '.') ? path.slice(this.root.length + 1) : path;
    return this.loose.some((p) => patternMatches(p, rel));
  }
}

/** Appends every difference between `want` and `got` to `out`. */
export function compareJson(want: unknown, got: unknown, path: string, rules: Looseness, out: string[], isValues = true): void {
  const values = isValues && !rules.isShapeOnly(path);
  const tw = typeOf(want);
  const tg = typeOf(got);
  if (tw !== tg) {
    out.push(`${path}: expected ${tw}${tw === 'object' || tw === 'array' ? '' : ' ' + JSON.stringify(want)}, got ${tg} ${JSON.stringify(got)?.slice(0, 200)}`);
    return;
  }
  if (tw === 'array') {
    const w = want as unknown[];
    const g = got as unknown[];
    if (!values) {
      if (w.length > 0 && g.length > 0) compareJson(w[0], g[0], `${path}[0]`, rules, out, false);
      return;
    }
    if (w.length !== g.length) {
      out.push(`${path}: expected ${w.length} items, got ${g.length}`);
      return;
    }
    w.forEach((v, i) => compareJson(v, g[i], `${path}[${i}]`, rules, out, true));
    return;
  }
  if (tw === 'object') {
    const w = want as Record<string, unknown>;
    const g = got as Record<string, unknown>;
    const missing = Object.keys(w).filter((k) => !(k in g));
    const extra = Object.keys(g).filter((k) => !(k in w));
    if (missing.length > 0) out.push(`${path}: missing keys ${missing.join(', ')}`);
    if (extra.length > 0) out.push(`${path}: unexpected keys ${extra.join(', ')}`);
    for (const k of Object.keys(w)) if (k in g) compareJson(w[k], g[k], `${path}.${k}`, rules, out, values);
    return;
  }
  if (values && want !== got) out.push(`${path}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)?.slice(0, 300)}`);
}
