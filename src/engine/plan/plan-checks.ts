/**
 * Plan rules that JSON Schema expresses badly or with unreadable errors:
 * the open/closed/pause shape of a phase, one action per step, `count`/`over`
 * next to `loop`, think `min <= max`, unique scenario names, known engines
 * and a `defaultEnvironment` that exists; and the limits of plan-limits.ts.
 *
 * Runs on the raw parsed YAML even when schema validation failed, so every
 * check guards its own types and stays silent on shapes the schema already
 * reports (no double reports).
 */
import { PlanError, type AgentloadError, type ErrorCode } from '../errors.ts';
import { parseDurationMs } from '../duration.ts';
import { didYouMeanSuffix } from './did-you-mean.ts';
import { checkLimits } from './plan-limits.ts';
import { formatYamlPath, type PathSegment, type PlanPositions } from './yaml-positions.ts';

/** What the checks need to know besides the plan. */
export interface PlanCheckContext {
  readonly positions: PlanPositions;
  /** Engines with a schema fragment (built in). */
  readonly engineIds: readonly string[];
  /** Every known step key (common and engine steps). */
  readonly stepKeys: ReadonlySet<string>;
  /** Whether `agentload-engine-<id>` can be imported; injected so tests need no packages. */
  readonly isExternalEngine: (id: string) => boolean;
}

/** Anything YAML maps parse to. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * All rule violations of `plan` as located PlanErrors (unsorted, not
 * thrown). Called by loadPlan right after schema validation.
 */
export function checkPlan(plan: unknown, ctx: PlanCheckContext): AgentloadError[] {
  const out: AgentloadError[] = [];
  const report = (code: ErrorCode, message: string, segs: PathSegment[], isKey = false): void => {
    const location = (isKey ? ctx.positions.keyOf(segs) : ctx.positions.of(segs)) ?? ctx.positions.nearest(segs);
    out.push(new PlanError(code, message, { location, yamlPath: formatYamlPath(segs) || undefined }));
  };
  if (!isRecord(plan)) return out;
  const config = isRecord(plan.config) ? plan.config : {};
  checkPhases(config.phases, ['config', 'phases'], report);
  const envs = isRecord(config.environments) ? config.environments : {};
  for (const [name, env] of Object.entries(envs)) {
    if (isRecord(env)) checkPhases(env.phases, ['config', 'environments', name, 'phases'], report);
  }
  if (typeof config.defaultEnvironment === 'string' && !Object.hasOwn(envs, config.defaultEnvironment)) {
    report('AGENTLOAD_E_PLAN_ENV_NOT_FOUND', environmentNotFound(config.defaultEnvironment, Object.keys(envs)), ['config', 'defaultEnvironment']);
  }
  if (Array.isArray(plan.scenarios)) checkScenarios(plan.scenarios, ctx, report);
  checkLimits(plan, report);
  return out;
}

/** Message for an environment name that the plan does not define; shared with the `--env` check. */
export function environmentNotFound(name: string, available: string[]): string {
  if (available.length === 0) return `environment "${name}" not found: the plan defines no config.environments`;
  return `environment "${name}" not found; available: ${available.join(', ')}${didYouMeanSuffix(name, available)}`;
}

type Report = (code: ErrorCode, message: string, segs: PathSegment[], isKey?: boolean) => void;

const OPEN_KEYS = ['arrivalRate', 'rampTo', 'arrivalCount', 'maxVusers', 'arrivalDistribution'];
const CLOSED_KEYS = ['users', 'spawnRate'];
const PHASE_KEYS = new Set(['name', 'duration', 'pause', ...OPEN_KEYS, ...CLOSED_KEYS]);

function checkPhases(phases: unknown, base: PathSegment[], report: Report): void {
  if (!Array.isArray(phases)) return;
  phases.forEach((phase, i) => {
    if (!isRecord(phase)) return;
    const at = [...base, i];
    const has = (k: string): boolean => phase[k] !== undefined;
    const open = OPEN_KEYS.filter(has);
    const closed = CLOSED_KEYS.filter(has);
    if (has('pause')) {
      const extra = [...open, ...closed, ...(has('duration') ? ['duration'] : [])];
      if (extra.length > 0) report('AGENTLOAD_E_SCHEMA', `a pause phase takes only "name" and "pause", found "${extra[0]}"`, [...at, extra[0]!], true);
      return;
    }
    if (open.length > 0 && closed.length > 0) {
      report('AGENTLOAD_E_SCHEMA', `a phase is either open (arrivalRate, arrivalCount, …) or closed (users, spawnRate), found "${open[0]}" and "${closed[0]}"`, at);
      return;
    }
    // A misspelt key (reported by the schema) is likely the missing one; do not add noise.
    if (Object.keys(phase).some((k) => !PHASE_KEYS.has(k))) return;
    if (!has('arrivalRate') && !has('arrivalCount') && !has('users')) {
      report('AGENTLOAD_E_SCHEMA', 'a phase needs one of "arrivalRate", "arrivalCount", "users" or "pause"', at);
      return;
    }
    if (has('arrivalRate') && has('arrivalCount')) report('AGENTLOAD_E_SCHEMA', 'use only one of "arrivalRate", "arrivalCount"', at);
    if (has('rampTo') && !has('arrivalRate')) report('AGENTLOAD_E_SCHEMA', '"rampTo" needs "arrivalRate" next to it', [...at, 'rampTo'], true);
    if (!has('duration')) report('AGENTLOAD_E_SCHEMA', 'missing required key "duration"', [...at, 'duration']);
  });
}

function checkScenarios(scenarios: unknown[], ctx: PlanCheckContext, report: Report): void {
  const firstByName = new Map<string, number>();
  scenarios.forEach((s, i) => {
    if (!isRecord(s)) return;
    if (typeof s.name === 'string') {
      const first = firstByName.get(s.name);
      if (first !== undefined) report('AGENTLOAD_E_SCHEMA', `duplicate scenario name "${s.name}" (also scenarios[${first}])`, ['scenarios', i, 'name']);
      else firstByName.set(s.name, i);
    }
    const engine = s.engine ?? 'http';
    if (typeof engine !== 'string' || !/^[a-z][a-z0-9-]*$/.test(engine)) return; // the schema reports it
    if (!ctx.engineIds.includes(engine)) {
      if (!ctx.isExternalEngine(engine)) {
        const message = `unknown engine "${engine}"; built in: ${ctx.engineIds.join(', ')}; or install agentload-engine-${engine}${didYouMeanSuffix(engine, ctx.engineIds)}`;
        report('AGENTLOAD_E_PLAN_UNKNOWN_ENGINE', message, ['scenarios', i, 'engine']);
      }
      return; // an external engine checks its own steps when it compiles them
    }
    for (const key of ['beforeScenario', 'flow']) checkSteps(s[key], ['scenarios', i, key], ctx, report);
  });
}

function checkSteps(steps: unknown, base: PathSegment[], ctx: PlanCheckContext, report: Report): void {
  if (!Array.isArray(steps)) return;
  steps.forEach((step, i) => {
    if (!isRecord(step)) return;
    const at = [...base, i];
    // Unknown keys are the schema's to report; count only the keys it knows.
    const actions = Object.keys(step).filter((k) => ctx.stepKeys.has(k) && k !== 'count' && k !== 'over');
    if (actions.length > 1) {
      report('AGENTLOAD_E_SCHEMA', `a step has exactly one action, found "${actions[0]}" and "${actions[1]}"; split it into two steps`, at);
    }
    const isLoop = 'loop' in step;
    for (const m of ['count', 'over']) {
      if (m in step && !isLoop) report('AGENTLOAD_E_SCHEMA', `"${m}" only goes next to "loop"`, [...at, m], true);
    }
    if (isLoop) {
      if ('count' in step && 'over' in step) report('AGENTLOAD_E_SCHEMA', 'use only one of "count", "over"', at);
      else if (!('count' in step) && !('over' in step)) report('AGENTLOAD_E_SCHEMA', '"loop" needs "count" or "over" next to it', [...at, 'loop'], true);
      checkSteps(step.loop, [...at, 'loop'], ctx, report);
    }
    const think = step.think;
    if (isRecord(think) && think.min !== undefined && think.max !== undefined) {
      const [minText, maxText] = [think.min as string | number, think.max as string | number];
      const min = parseDurationMs(minText);
      const max = parseDurationMs(maxText);
      if (min !== null && max !== null && min > max) {
        report('AGENTLOAD_E_PLAN_DURATION', `think "min" (${minText}) is longer than "max" (${maxText})`, [...at, 'think', 'min']);
      }
    }
  });
}
