/**
 * Which counter and gauge names agentload records, for checking
 * `expect.counters` and `expect.peaks` at validate time: every constant of
 * names.ts, plus the per-key families written `<family>:<key>`
 * (`ws_errors:http_401`, `quota_ok:<identifier>`, …). A name outside these
 * would read 0 for the whole run, so a typo would PASS a `<= N` threshold.
 */
import * as names from './names.ts';

const BUILTIN: ReadonlySet<string> = new Set<string>(Object.values(names as Record<string, unknown>).filter((v): v is string => typeof v === 'string'));
const FAMILIES: readonly string[] = [names.WS_ERRORS, names.QUOTA_OK, names.QUOTA_EXCEEDED, names.QUOTA_INCONSISTENCIES, names.PROCESSOR_ERRORS, names.VUSERS_CREATED_BY_SCENARIO].map((f) => `${f}:`);

/** Families named as Artillery names them, `<family>.<key>`. */
const DOTTED_FAMILIES: readonly string[] = [names.EXPECT_PLUGIN_OK, names.EXPECT_PLUGIN_FAILED].map((f) => `${f}.`);

/** True when `name` is a built-in counter or gauge, or a member of a per-key family. */
export function isBuiltinMetricName(name: string): boolean {
  if (BUILTIN.has(name)) return true;
  for (const f of DOTTED_FAMILIES) if (name.length > f.length && name.startsWith(f)) return true;
  for (const f of FAMILIES) if (name.length > f.length && name.startsWith(f)) return true;
  return false;
}
