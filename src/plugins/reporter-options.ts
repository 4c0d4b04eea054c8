/**
 * Reading built-in reporters' options (from `config.plugins`, a flag or
 * `--reporter NAME:k=v`). A bad option throws a plain Error; the registry
 * turns it into AGENTLOAD_E_PLUGIN_LOAD naming the reporter, at load time.
 */
import type { PluginOptions } from '../engine/contracts.ts';

/** A required non-empty string option. */
export function requiredString(options: PluginOptions, key: string, reporter: string): string {
  const v = options[key];
  if (typeof v !== 'string' || v === '') throw new Error(`the ${reporter} reporter needs option "${key}" (a non-empty string), got ${JSON.stringify(v)}`);
  return v;
}

/** An optional boolean option (`true`/`false`, or the strings from `k=v` lists). */
export function optionalBoolean(options: PluginOptions, key: string, dflt: boolean): boolean {
  const v = options[key];
  if (v === undefined) return dflt;
  if (typeof v === 'boolean') return v;
  throw new Error(`option "${key}" expects true or false, got ${JSON.stringify(v)}`);
}

/** An optional string option. */
export function optionalString(options: PluginOptions, key: string, dflt: string): string {
  const v = options[key];
  if (v === undefined) return dflt;
  if (typeof v === 'string') return v;
  throw new Error(`option "${key}" expects a string, got ${JSON.stringify(v)}`);
}

/** An optional integer option within [min, max]. */
export function optionalInteger(options: PluginOptions, key: string, dflt: number, min: number, max: number): number {
  const v = options[key];
  if (v === undefined) return dflt;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new Error(`option "${key}" expects a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return n;
}
