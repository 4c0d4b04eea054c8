/**
 * `--reporter NAME[:options]`: NAME is a built-in reporter id, a plugin
 * name (package `agentload-plugin-NAME`) or a path relative to the working
 * directory; options are `k=v,k2=v2` (numbers and true/false typed) or a
 * JSON object. A malformed spec is a UsageError (exit 2).
 */
import { UsageError } from '../engine/errors.ts';

/** A parsed `--reporter` value. */
export interface ReporterSpec {
  readonly name: string;
  readonly options: Record<string, unknown>;
}

function typed(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return v;
}

/** Parses one `--reporter` value. */
export function parseReporterSpec(spec: string): ReporterSpec {
  const colon = spec.indexOf(':');
  const name = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const rest = colon < 0 ? '' : spec.slice(colon + 1).trim();
  if (name === '') throw new UsageError(`--reporter expects NAME[:options], got "${spec}"`);
  if (rest === '') return { name, options: {} };
  if (rest.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rest);
    } catch (e) {
      throw new UsageError(`--reporter ${name}: options are not valid JSON: ${(e as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`--reporter ${name}: expected a JSON object of options`);
    return { name, options: parsed as Record<string, unknown> };
  }
  const options: Record<string, unknown> = {};
  for (const pair of rest.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--reporter ${name}: expected options like k=v,k2=v2, got "${pair}"`);
    options[pair.slice(0, eq).trim()] = typed(pair.slice(eq + 1).trim());
  }
  return { name, options };
}
