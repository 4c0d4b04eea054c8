/**
 * From a validated plan to the config that will run: first the selected
 * environment, then the command line. Pure functions over plain data; the
 * caller (loadPlan) freezes the result.
 */
import type { ConfigInput, PhaseInput } from '../contracts.ts';
import { PlanError, UsageError, planErrors, type SourceLocation } from '../errors.ts';
import { formatDuration, parseDurationMs } from '../duration.ts';
import { environmentNotFound, isRecord } from './plan-checks.ts';
import type { PathSegment } from './yaml-positions.ts';

/**
 * Command-line overrides of a plan (`--target`, `--env`, `--var k=v`,
 * `--users`, `--spawn-rate`, `--duration`), already parsed by src/cli.
 *
 * Phases: `users`/`spawnRate` replace all phases with one closed phase
 * `{name: 'cli', users, spawnRate, duration}`, taking any value not given
 * from the plan's first closed phase; spawnRate then defaults to `users`
 * (everyone within the first second). `durationMs` alone scales the plan's
 * timeline to that length: every phase's duration (or pause) in proportion,
 * rates, counts and users unchanged (scalePhases). `graceMs` and `seed` set
 * `config.grace` and `config.seed`.
 */
export interface PlanOverrides {
  target?: string;
  env?: string;
  vars?: Record<string, string>;
  users?: number;
  spawnRate?: number;
  durationMs?: number;
  graceMs?: number;
  seed?: number;
  /** Artillery's `--overrides` (and `-v`): deep-merged into the plan before it is read; lists replace whole. */
  scriptOverrides?: Record<string, unknown>;
  /** Artillery's `--config FILE`: a second YAML file merged into the plan (its values win; config-file.ts). */
  configFile?: string;
  /** `agentload validate`: a plan with no target (an Artillery file with scenarios only) is valid; `run` still needs one. */
  isTargetOptional?: boolean;
  /** `--strict`: every plan warning (plan-warnings.ts) is the error it stands for instead. */
  isStrict?: boolean;
}

/** The selected environment's name (null: none) and the config with it applied. */
export interface EnvironmentResult {
  readonly config: Record<string, unknown>;
  readonly environment: string | null;
}

/**
 * Applies `overrides.env`, else `config.defaultEnvironment`. The
 * environment's keys replace config's; when both sides are maps (`http`,
 * `variables`, `expect`, `sim`, `plugins`, …) they merge one level deep;
 * lists such as `phases` are replaced whole. An unknown name throws
 * AGENTLOAD_E_PLAN_ENV_NOT_FOUND listing the available ones.
 */
export function applyEnvironment(
  config: Record<string, unknown>,
  overrides: PlanOverrides,
  locateDefault: () => SourceLocation | undefined,
): EnvironmentResult {
  const fromCli = overrides.env !== undefined;
  const name = overrides.env ?? (config.defaultEnvironment as string | undefined);
  if (name === undefined) return { config, environment: null };
  const envs = isRecord(config.environments) ? config.environments : {};
  const env = Object.hasOwn(envs, name) ? envs[name] : undefined;
  if (!isRecord(env)) {
    throw planErrors([
      new PlanError('AGENTLOAD_E_PLAN_ENV_NOT_FOUND', environmentNotFound(name, Object.keys(envs)), {
        location: fromCli ? undefined : locateDefault(),
        yamlPath: fromCli ? undefined : 'config.defaultEnvironment',
      }),
    ]);
  }
  const out: Record<string, unknown> = { ...config };
  for (const [k, v] of Object.entries(env)) {
    const base = out[k];
    out[k] = isRecord(v) && isRecord(base) ? { ...base, ...v } : v;
  }
  return { config: out, environment: name };
}

/** The config after CLI overrides, and which paths the CLI (not the file) set. */
export interface CliResult {
  readonly config: ConfigInput;
  /** Paths whose value came from the command line; `locate` answers undefined for them. */
  readonly cliPaths: PathSegment[][];
}

/**
 * Applies target, vars and the load shape from the command line (see
 * PlanOverrides), then checks that a target and phases exist. Throws
 * UsageError for bad flag values, PlanError (AGENTLOAD_E_PLAN_TARGET /
 * AGENTLOAD_E_SCHEMA) when the plan still lacks a target or phases.
 */
export function applyCliOverrides(
  input: Record<string, unknown>,
  o: PlanOverrides,
  targetPattern: RegExp,
  locateConfig: () => SourceLocation | undefined,
): CliResult {
  const config: Record<string, unknown> = { ...input };
  const cliPaths: PathSegment[][] = [];
  if (o.target !== undefined) {
    if (!targetPattern.test(o.target)) {
      throw new UsageError(`--target must be an http(s) URL or "sim", got ${JSON.stringify(o.target)}`, {}, 'AGENTLOAD_E_PLAN_TARGET');
    }
    config.target = o.target;
    cliPaths.push(['config', 'target']);
  }
  if (o.vars !== undefined && Object.keys(o.vars).length > 0) {
    config.variables = { ...(isRecord(config.variables) ? config.variables : {}), ...o.vars };
    for (const k of Object.keys(o.vars)) cliPaths.push(['config', 'variables', k]);
  }
  if (o.graceMs !== undefined) {
    config.grace = formatDuration(o.graceMs);
    cliPaths.push(['config', 'grace']);
  }
  if (o.seed !== undefined) {
    config.seed = o.seed;
    cliPaths.push(['config', 'seed']);
  }
  const phases = overridePhases(Array.isArray(config.phases) ? (config.phases as PhaseInput[]) : undefined, o, cliPaths);
  if (phases !== undefined) config.phases = phases;

  if (typeof config.target !== 'string' && o.isTargetOptional !== true) {
    throw planErrors([new PlanError('AGENTLOAD_E_PLAN_TARGET', 'no target: set config.target, or pass --target URL', { location: locateConfig(), yamlPath: 'config' })]);
  }
  if (!Array.isArray(config.phases)) {
    const message = 'no phases: set config.phases (or in the selected environment), or pass --users and --duration';
    throw planErrors([new PlanError('AGENTLOAD_E_SCHEMA', message, { location: locateConfig(), yamlPath: 'config' })]);
  }
  return { config: config as ConfigInput, cliPaths };
}

function overridePhases(phases: PhaseInput[] | undefined, o: PlanOverrides, cliPaths: PathSegment[][]): PhaseInput[] | undefined {
  if (o.users !== undefined && (!Number.isInteger(o.users) || o.users < 1)) throw new UsageError(`--users must be a whole number >= 1, got ${o.users}`);
  if (o.spawnRate !== undefined && !(o.spawnRate > 0 && Number.isFinite(o.spawnRate))) throw new UsageError(`--spawn-rate must be a number > 0, got ${o.spawnRate}`);
  if (o.durationMs !== undefined && !(o.durationMs > 0 && Number.isFinite(o.durationMs))) throw new UsageError(`--duration must be > 0, got ${o.durationMs} ms`);
  const closed = phases?.find((p) => p.users !== undefined);

  if (o.users === undefined && o.spawnRate === undefined) {
    if (o.durationMs === undefined) return undefined;
    if (phases !== undefined && phases.length > 0) return scalePhases(phases, o.durationMs, cliPaths);
  }

  const users = o.users ?? closed?.users;
  if (users === undefined) throw new UsageError('--spawn-rate needs --users, or a phase with users in the plan');
  const duration = o.durationMs !== undefined ? formatDuration(o.durationMs) : closed?.duration;
  if (duration === undefined) throw new UsageError('--users needs --duration, or a phase with users and duration in the plan');
  cliPaths.push(['config', 'phases']);
  return [{ name: 'cli', users, spawnRate: o.spawnRate ?? closed?.spawnRate ?? users, duration }];
}

/**
 * `--duration D` on a plan of phases: each phase keeps its share of the
 * timeline, so ramps keep their shape and the last phase still ends the run.
 * Worked example: warm 30s + steady 1m (90s) with `--duration 30s` is
 * warm 10s + steady 20s. Durations round to whole ms (at least 1 ms).
 */
function scalePhases(phases: PhaseInput[], targetMs: number, cliPaths: PathSegment[][]): PhaseInput[] {
  const lengths = phases.map((p) => parseDurationMs(p.pause ?? p.duration ?? 0) ?? 0);
  const totalMs = lengths.reduce((a, b) => a + b, 0);
  if (!(totalMs > 0)) throw new UsageError('--duration scales the phases, but this plan\'s phases have no duration; pass --users too, or give the phases durations');
  return phases.map((p, i) => {
    const key = p.pause !== undefined ? 'pause' : 'duration';
    cliPaths.push(['config', 'phases', i, key]);
    return { ...p, [key]: formatDuration(Math.max(1, Math.round((lengths[i]! * targetMs) / totalMs))) };
  });
}

/**
 * Freezes a plain-data tree in place and returns it. Functions are frozen
 * but not walked. Called once per load; the plan is small.
 */
export function deepFreeze<T>(v: T): T {
  // A typed array (YAML `!!binary`) cannot be frozen; the schema reports it where a plan expects text.
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v) && !ArrayBuffer.isView(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}
