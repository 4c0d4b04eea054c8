/**
 * Parses `run` / `validate` flags into plan overrides. Bad flags are a
 * UsageError (exit 2) naming the flag and what it expects.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../engine/errors.ts';
import { parseDurationMs } from '../engine/duration.ts';
import type { PlanOverrides } from '../engine/plan/load-plan.ts';

/** Parsed `run` command line. */
export interface RunArgs {
  readonly planFile: string;
  readonly overrides: PlanOverrides;
  readonly outputFile: string | null;
  readonly isQuiet: boolean;
  /** `--scenario NAME` (repeatable): run only these scenarios. */
  readonly scenarios: readonly string[];
}

function positiveNumber(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} expects a positive number, got "${v}"`);
  return n;
}

/** See the module comment. */
export function parseRunArgs(args: string[], command: string): RunArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        target: { type: 'string' }, env: { type: 'string' }, var: { type: 'string', multiple: true },
        users: { type: 'string' }, 'spawn-rate': { type: 'string' }, duration: { type: 'string' },
        output: { type: 'string', short: 'o' }, quiet: { type: 'boolean', short: 'q' },
        scenario: { type: 'string', multiple: true },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!.replace(/\.$/, '').replace(/^Unknown option/, 'unknown option'));
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`agentload ${command} expects one plan file, got ${positionals.length}`);
  const vars: Record<string, string> = {};
  for (const kv of values.var ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--var expects k=v, got "${kv}"`);
    vars[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const durationMs = values.duration === undefined ? undefined : parseDurationMs(values.duration);
  if (durationMs === null || durationMs === 0) throw new UsageError(`--duration expects a duration like 30s or 5m, got "${values.duration}"`);
  const users = positiveNumber('users', values.users);
  if (users !== undefined && !Number.isInteger(users)) throw new UsageError(`--users expects a whole number, got "${values.users}"`);
  return {
    planFile: positionals[0]!,
    overrides: {
      target: values.target, env: values.env, vars,
      users, spawnRate: positiveNumber('spawn-rate', values['spawn-rate']), durationMs,
    },
    outputFile: values.output ?? null,
    isQuiet: values.quiet ?? false,
    scenarios: values.scenario ?? [],
  };
}
