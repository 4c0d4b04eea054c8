/**
 * Parses `run` / `validate` flags into plan overrides. Bad flags are a
 * UsageError (exit 2) naming the flag and what it expects.
 */
import { availableParallelism } from 'node:os';
import { UsageError } from '../engine/errors.ts';
import { parseDurationMs } from '../engine/duration.ts';
import { parseListenAddress } from '../plugins/listen-address.ts';
import type { PlanOverrides } from '../engine/plan/load-plan.ts';
import { parseShard, type Segment } from '../engine/scheduler/segment.ts';
import { parseStartAt } from './start-at-arg.ts';
import { parseFlags, type FlagTable } from './parse-flags.ts';
import { withDashboardDefault } from './dashboard-arg.ts';

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
  /** `--dashboard [host:]port`: the live web dashboard (host 127.0.0.1 unless given); absent or null = none. */
  readonly dashboard?: { readonly host: string; readonly port: number } | null;
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
  /** `--dry-run` (run: size the plan and send nothing) or `--estimate` (validate: add the sizing lines). */
  readonly isEstimating?: boolean;
  readonly isDryRun?: boolean;
  /** `--calibration FILE`: the calibration to size against (else the cache file, calibration-file.ts). */
  readonly calibrationFile?: string | null;
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

/**
 * The flags of `run`, `validate` and `k8s` (parse-flags.ts): the parser,
 * `--help` and did-you-mean read this table, so a flag added here is listed
 * everywhere. `help` is the one line `--help` prints.
 */
export const RUN_FLAGS = {
  target: { type: 'string', short: 't', arg: 'URL', help: 'override config.target (an http(s) or ws(s) URL, or "sim"), whatever the file holds' },
  env: { type: 'string', short: 'e', arg: 'NAME', help: 'apply config.environments.NAME (quick, full, …)' },
  environment: { type: 'string', arg: 'NAME', help: 'the same as --env (Artillery\'s name)' },
  variables: { type: 'string', short: 'v', arg: 'JSON', help: 'Artillery: a JSON object merged into config.variables' },
  overrides: { type: 'string', arg: 'JSON', help: 'Artillery: a JSON object deep-merged into the plan (lists replaced whole)' },
  dotenv: { type: 'string', arg: 'FILE', help: 'load environment variables from FILE before the plan is read' },
  insecure: { type: 'boolean', short: 'k', help: 'accept any TLS certificate (self-signed, expired): config.http.tls.rejectUnauthorized false' },
  'scenario-name': { type: 'string', arg: 'NAME', help: 'Artillery: the same as --scenario' },
  solo: { type: 'boolean', short: 's', help: 'Artillery: one virtual user, once (replaces the phases)' },
  config: { type: 'string', short: 'c', arg: 'FILE', help: 'Artillery: a config file merged into the plan (its values win), e.g. a shared config for scenario-only files' },
  var: { type: 'string', multiple: true, arg: 'k=v', help: 'set a template variable (repeatable)' },
  users: { type: 'string', arg: 'N', help: 'closed model: N looping users (replaces the phases)' },
  'spawn-rate': { type: 'string', arg: 'R', help: 'users started per second (with --users)' },
  duration: { type: 'string', arg: 'D', help: 'run time, e.g. 30s, 5m; a multi-phase plan is scaled to it (every phase in proportion)' },
  scenario: { type: 'string', multiple: true, arg: 'NAME', help: 'run only the named scenario(s) (repeatable)' },
  grace: { type: 'string', arg: 'D', help: 'how long running users may finish their scenario after the last phase (default 30s)' },
  seed: { type: 'string', arg: 'N', help: 'reproducible think times, picks, Poisson arrivals and random helpers' },
  workers: { type: 'string', arg: 'N|auto', help: 'split the load over N worker threads (auto: one per core)' },
  oversubscribe: { type: 'boolean', help: 'run every worker asked even on fewer cores' },
  shard: { type: 'string', arg: 'i/N', help: 'run only slice i of N (1-based) of the plan, for agentload merge' },
  'start-at': { type: 'string', arg: 'TIME', help: 'wait after setup until TIME (ISO 8601 or unix ms), so shards align' },
  'target-pid': { type: 'string', arg: 'PID', help: "read the target's memory from /proc/PID for expect.targetMemory" },
  repeat: { type: 'string', arg: 'N', help: 'run each plan N times; prints the median and min–max' },
  'cool-down': { type: 'string', arg: 'D', help: 'pause between consecutive runs (default 30s)' },
  output: { type: 'string', short: 'o', arg: 'FILE', help: 'write the whole result as JSON' },
  csv: { type: 'string', arg: 'PREFIX', help: 'Locust-compatible PREFIX_stats.csv, _stats_history.csv, _failures.csv' },
  html: { type: 'string', arg: 'FILE', help: 'self-contained HTML report with charts' },
  junit: { type: 'string', arg: 'FILE', help: 'expectations as JUnit XML' },
  prometheus: { type: 'string', arg: '[HOST:]PORT', help: 'live /metrics during the run (host 127.0.0.1 unless given)' },
  dashboard: { type: 'string', arg: '[[HOST:]PORT]', help: 'live web dashboard (default 127.0.0.1:8089; on a host other than loopback a token is printed)' },
  reporter: { type: 'string', multiple: true, arg: 'NAME[:OPTS]', help: 'add a reporter: built-in id, plugin package or ./path (repeatable)' },
  'no-console': { type: 'boolean', help: 'no progress line and no summary on stdout' },
  quiet: { type: 'boolean', short: 'q', help: 'print only the verdict, PASS/FAIL lines and warnings' },
  strict: { type: 'boolean', help: 'a plan warning (a key Artillery ignores, e.g. config.environment) is an error: exit 2' },
  'dry-run': { type: 'boolean', help: 'run: print what the plan asks for (peak arrivals/s, users, connections) and the workers or shards it needs; send nothing' },
  estimate: { type: 'boolean', help: 'validate: also print what the plan asks for and the workers or shards it needs (see agentload calibrate)' },
  calibration: { type: 'string', arg: 'FILE', help: 'the calibration to size against (default $XDG_CACHE_HOME/agentload/calibration.json)' },
} as const satisfies FlagTable;

function dashboardAddress(spec: string): { host: string; port: number } {
  const parsed = parseListenAddress(spec);
  if (parsed === null) throw new UsageError(`--dashboard expects [host:]port like 8089 or 0.0.0.0:8089, got "${spec}"`);
  return parsed;
}

/** See the module comment. */
export function parseRunArgs(args: string[], command: string): RunArgs {
  const parsed = parseFlags(withDashboardDefault(args), RUN_FLAGS, command);
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError(`agentload ${command} expects a plan file (or several, or a suite file), got none`);
  if (values.dotenv !== undefined) loadDotenv(values.dotenv);
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
      target: values.target, env: values.env ?? values.environment, vars, configFile: values.config,
      scriptOverrides: artilleryOverrides(values.overrides, values.variables, values.solo === true, values.insecure === true),
      users, spawnRate: positiveNumber('spawn-rate', values['spawn-rate']), durationMs,
      graceMs: graceOf(values.grace), seed: seedOf(values.seed),
      ...(values.strict === true ? { isStrict: true } : {}),
    },
    outputFile: values.output ?? null,
    csvPrefix: values.csv ?? null,
    htmlFile: values.html ?? null,
    junitFile: values.junit ?? null,
    prometheus: values.prometheus === undefined ? null : listenAddress(values.prometheus),
    reporterSpecs: values.reporter ?? [],
    isConsoleOff: values['no-console'] ?? false,
    isQuiet: values.quiet ?? false,
    dashboard: values.dashboard === undefined ? null : dashboardAddress(values.dashboard),
    scenarios: [...(values.scenario ?? []), ...(values['scenario-name'] === undefined ? [] : [values['scenario-name']])],
    targetPid: targetPid(values['target-pid']),
    workers: workerCount(values.workers),
    isOversubscribing: values.oversubscribe === true,
    shard: shardOf(values.shard),
    startAtMs: values['start-at'] === undefined ? null : parseStartAt(values['start-at'], Date.now()),
    isDryRun: values['dry-run'] === true,
    isEstimating: values['dry-run'] === true || values.estimate === true,
    calibrationFile: values.calibration ?? null,
  };
}

/** `--dotenv FILE`: its variables join process.env (existing ones win, as with dotenv), before any plan is read. */
function loadDotenv(file: string): void {
  try {
    process.loadEnvFile(file);
  } catch (e) {
    throw new UsageError(`--dotenv cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/** `--overrides` and `-v/--variables` (Artillery's JSON flags) as one object merged into the plan. */
function artilleryOverrides(overrides: string | undefined, variables: string | undefined, isSolo: boolean, isInsecure: boolean): Record<string, unknown> | undefined {
  const parse = (flag: string, text: string): Record<string, unknown> => {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`--${flag} expects a JSON object, got ${JSON.stringify(text.slice(0, 60))}: ${(e as Error).message}`);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new UsageError(`--${flag} expects a JSON object like '{"config": {…}}', got ${JSON.stringify(text.slice(0, 60))}`);
    return v as Record<string, unknown>;
  };
  if (overrides === undefined && variables === undefined && !isSolo && !isInsecure) return undefined;
  const out = overrides === undefined ? {} : parse('overrides', overrides);
  if (isInsecure) {
    // -k / --insecure, as Artillery's: every HTTPS request accepts any certificate (the run warns).
    const config = (out.config ??= {}) as Record<string, unknown>;
    const http = (config.http ??= {}) as Record<string, unknown>;
    http.tls = { ...(http.tls as Record<string, unknown> | undefined), rejectUnauthorized: false };
  }
  // --solo: Artillery runs one user, once, whatever the phases say.
  if (isSolo) ((out.config ??= {}) as Record<string, unknown>).phases = [{ duration: 1, arrivalCount: 1 }];
  if (variables !== undefined) {
    const config = (out.config ??= {}) as Record<string, unknown>;
    config.variables = { ...(config.variables as Record<string, unknown> | undefined), ...parse('variables', variables) };
  }
  return out;
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
