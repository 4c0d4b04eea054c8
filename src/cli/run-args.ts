/**
 * Parses `run` / `validate` flags into plan overrides. Bad flags are a
 * UsageError (exit 2) naming the flag and what it expects.
 */
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { UsageError } from '../engine/errors.ts';
import { parseDurationMs } from '../engine/duration.ts';
import { parseListenAddress } from '../plugins/prometheus-reporter.ts';
import type { PlanOverrides } from '../engine/plan/load-plan.ts';
import { parseShard, type Segment } from '../engine/scheduler/segment.ts';
import { parseStartAt } from './start-at-arg.ts';

/** The reporter flags of `run` (and `validate`, which loads the same plugins). */
export interface ReportingArgs {
  /** `--output FILE`: the JSON result. */
  readonly outputFile: string | null;
  /** `--csv PREFIX`: Locust-compatible CSV files. */
  readonly csvPrefix: string | null;
  /** `--html FILE`: the self-contained HTML report. */
  readonly htmlFile: string | null;
  /** `--junit FILE`: expectations as JUnit XML. */
  readonly junitFile: string | null;
  /** `--prometheus [host:]port`: live /metrics (host defaults to 127.0.0.1). */
  readonly prometheus: { readonly host: string; readonly port: number } | null;
  /** `--reporter NAME[:options]` (repeatable), unparsed. */
  readonly reporterSpecs: readonly string[];
  /** `--no-console`: no progress and no summary on stdout. */
  readonly isConsoleOff: boolean;
  readonly isQuiet: boolean;
}

/** Parsed `run` command line. */
export interface RunArgs extends ReportingArgs {
  /** Plan or suite files as given, in order; never empty. Suites are expanded later (suite-file.ts). */
  readonly planFiles: readonly string[];
  /** `--repeat N`: run each plan N times (1 = once). */
  readonly repeat: number;
  /** `--cool-down D`: pause between consecutive runs; null = the suite file's, else the default. */
  readonly coolDownMs: number | null;
  readonly overrides: PlanOverrides;
  /** `--scenario NAME` (repeatable): run only these scenarios. */
  readonly scenarios: readonly string[];
  /** `--target-pid N`: read the target's memory from /proc/N/status for expect.targetMemory (source: pid). */
  readonly targetPid: number | null;
  /** `--workers N|auto`: worker threads sharing the load (1 = run in this thread), as asked; worker-cap.ts caps it at the cores. */
  readonly workers: number;
  /** `--oversubscribe`: run all the workers asked even when there are fewer cores. */
  readonly isOversubscribing: boolean;
  /** `--shard i/N`: the slice of the plan this machine runs (0-based index), or null for the whole plan. */
  readonly shard: Segment | null;
  /** `--start-at`: wall-clock epoch ms the first arrival waits for, or null to start at once. */
  readonly startAtMs: number | null;
}

function positiveNumber(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} expects a positive number, got "${v}"`);
  return n;
}

function listenAddress(spec: string): { host: string; port: number } {
  const parsed = parseListenAddress(spec);
  if (parsed === null) throw new UsageError(`--prometheus expects [host:]port like 9464 or 0.0.0.0:9464, got "${spec}"`);
  return parsed;
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
        csv: { type: 'string' }, html: { type: 'string' }, junit: { type: 'string' }, prometheus: { type: 'string' },
        reporter: { type: 'string', multiple: true }, 'no-console': { type: 'boolean' },
        repeat: { type: 'string' }, 'cool-down': { type: 'string' }, 'target-pid': { type: 'string' },
        workers: { type: 'string' }, oversubscribe: { type: 'boolean' }, shard: { type: 'string' }, 'start-at': { type: 'string' },
        grace: { type: 'string' }, seed: { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!.replace(/\.$/, '').replace(/^Unknown option/, 'unknown option'));
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError(`agentload ${command} expects a plan file (or several, or a suite file), got none`);
  const vars: Record<string, string> = {};
  for (const kv of values.var ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--var expects k=v, got "${kv}"`);
    vars[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  // A bare number is seconds, as in plans (`--duration 30`).
  const durationMs = values.duration === undefined ? undefined : parseDurationMs(/^\d+(\.\d+)?$/.test(values.duration) ? Number(values.duration) : values.duration);
  if (durationMs === null || durationMs === 0) throw new UsageError(`--duration expects a duration like 30s or 5m, got "${values.duration}"`);
  const users = positiveNumber('users', values.users);
  if (users !== undefined && !Number.isInteger(users)) throw new UsageError(`--users expects a whole number, got "${values.users}"`);
  return {
    planFiles: positionals,
    repeat: repeatCount(values.repeat),
    coolDownMs: coolDown(values['cool-down']),
    overrides: {
      target: values.target, env: values.env, vars,
      users, spawnRate: positiveNumber('spawn-rate', values['spawn-rate']), durationMs,
      graceMs: graceOf(values.grace), seed: seedOf(values.seed),
    },
    outputFile: values.output ?? null,
    csvPrefix: values.csv ?? null,
    htmlFile: values.html ?? null,
    junitFile: values.junit ?? null,
    prometheus: values.prometheus === undefined ? null : listenAddress(values.prometheus),
    reporterSpecs: values.reporter ?? [],
    isConsoleOff: values['no-console'] ?? false,
    isQuiet: values.quiet ?? false,
    scenarios: values.scenario ?? [],
    targetPid: targetPid(values['target-pid']),
    workers: workerCount(values.workers),
    isOversubscribing: values.oversubscribe === true,
    shard: shardOf(values.shard),
    startAtMs: values['start-at'] === undefined ? null : parseStartAt(values['start-at'], Date.now()),
  };
}

// A bare number is seconds, as for --duration; 0 cuts running VUs off as soon as the last phase ends.
function graceOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ms = parseDurationMs(/^\d+(\.\d+)?$/.test(v) ? Number(v) : v);
  if (ms === null) throw new UsageError(`--grace expects a duration like 30s, 500ms or 0s, got "${v}"`);
  return ms;
}

function seedOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new UsageError(`--seed expects a whole number from 0 to 4294967295, got "${v}"`);
  return n;
}

function repeatCount(v: string | undefined): number {
  if (v === undefined) return 1;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError(`--repeat expects a whole number from 1 to 1000, got "${v}"`);
  return n;
}

// A bare number is seconds, as for --duration; 0 is allowed (back to back, as tests want).
function coolDown(v: string | undefined): number | null {
  if (v === undefined) return null;
  const ms = parseDurationMs(/^\d+(\.\d+)?$/.test(v) ? Number(v) : v);
  if (ms === null) throw new UsageError(`--cool-down expects a duration like 30s, 500ms or 0s, got "${v}"`);
  return ms;
}

function workerCount(v: string | undefined): number {
  if (v === undefined) return 1;
  if (v === 'auto') return Math.max(1, availableParallelism());
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`--workers expects a whole number from 1 to 256 or "auto", got "${v}"`);
  return n;
}

function shardOf(v: string | undefined): Segment | null {
  if (v === undefined) return null;
  const seg = parseShard(v);
  if (seg === null) throw new UsageError(`--shard expects i/N with 1 <= i <= N (e.g. 2/4 runs the second of four slices), got "${v}"`);
  return seg;
}

function targetPid(v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--target-pid expects a process id, got "${v}"`);
  return n;
}
