/**
 * Flow steps whose action no engine knows (`- set: {…}`, `- repeat: 3`), in
 * scenarios Artillery's own engines would run (http, ws, socket.io).
 * Artillery's script validation lets them through (unknown keys allowed, one
 * key a step), and its engines fail the user there: the HTTP engine reads the
 * action as a method and stops on "an URL must be specified" (socket.io hands
 * such a step to it), the ws engine on "invalid_step". The steps before are
 * sent, the ones after are not.
 *
 * So here: each such step is a located warning, and is emptied to
 * `{think: 0}` (for the schema) carrying INVALID_STEP with the action's name;
 * the compiler turns it into a step that counts `invalid_steps:<action>` and
 * ends the user's scenario as failed. An action whose value has a `url` stays
 * a schema error: Artillery would send it as an HTTP request with that method
 * (a `gte:` typo goes out as GTE), which agentload will not imitate.
 */
import { INVALID_STEP, mark } from './artillery/flow-marks.ts';
import { didYouMeanSuffix } from './did-you-mean.ts';
import { INVALID_STEPS } from '../metrics/names.ts';
import type { PathSegment } from './yaml-positions.ts';
import { isRecord } from './plan-checks.ts';

/** A step emptied: where it was written and what to say. */
export interface UnknownStep {
  readonly path: PathSegment[];
  readonly message: string;
}

/** Engines whose flows Artillery's own engines run; a flow of any other engine is that engine's to judge. */
const ARTILLERY_ENGINES = new Set(['http', 'ws', 'socketio']);

/**
 * Empties the unknown-action steps of `data` (the plan after the Artillery
 * rewrite; mutated) and returns them. `stepKeys` are the step keys every
 * engine and the runner know. Called by loadPlan before the schema runs.
 */
export function takeUnknownSteps(data: unknown, stepKeys: ReadonlySet<string>): UnknownStep[] {
  const out: UnknownStep[] = [];
  if (!isRecord(data)) return out;
  if (Array.isArray(data.scenarios)) {
    data.scenarios.forEach((s, i) => {
      if (!isRecord(s) || !ARTILLERY_ENGINES.has(typeof s.engine === 'string' ? s.engine : 'http')) return;
      for (const key of ['flow', 'beforeScenario', 'afterScenario']) walk(s[key], ['scenarios', i, key], stepKeys, out);
    });
  }
  for (const key of ['before', 'after']) {
    const hook = data[key];
    if (isRecord(hook) && ARTILLERY_ENGINES.has(typeof hook.engine === 'string' ? hook.engine : 'http')) walk(hook.flow, [key, 'flow'], stepKeys, out);
  }
  return out;
}

function walk(steps: unknown, at: PathSegment[], stepKeys: ReadonlySet<string>, out: UnknownStep[]): void {
  if (!Array.isArray(steps)) return;
  steps.forEach((step, i) => {
    if (!isRecord(step)) return;
    const keys = Object.keys(step);
    if (Array.isArray(step.loop)) return walk(step.loop, [...at, i, 'loop'], stepKeys, out);
    if (keys.length !== 1 || stepKeys.has(keys[0]!)) return;
    const action = keys[0]!;
    const value = step[action];
    if (isRecord(value) && (value.url !== undefined || value.uri !== undefined)) return;
    delete step[action];
    step.think = 0;
    mark(step, INVALID_STEP, action);
    out.push({
      path: [...at, i, action],
      message: `unknown step "${action}"; Artillery's validation lets it through and each user that reaches it fails there, so agentload ends the user's scenario there too (counted as ${INVALID_STEPS}:${action}, vusers_failed): the steps after it are not sent${didYouMeanSuffix(action, stepKeys)}`,
    });
  });
}
