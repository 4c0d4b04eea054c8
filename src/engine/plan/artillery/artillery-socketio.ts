/**
 * Artillery's socketio scenarios and their connection (artillery-script.ts
 * calls it for every scenario whose engine is socketio / socketio-v3):
 *
 * - Artillery's socketio engine connects each user to the target's main
 *   namespace when its scenario starts, before the first step, and a
 *   connection that does not open fails the user. The scenario gets a
 *   `socketioConnect` step with `onFailure: endScenario` first in its
 *   beforeScenario, so a flow of think steps alone holds a connection too.
 * - Its socketio engine has no `connect` step: it hands any step other than
 *   emit (and think, loop) to its HTTP engine, which reads `connect` as the
 *   method CONNECT and, finding no `url`, fails the step before sending
 *   anything, ending the user's scenario ("an URL must be specified"), as it
 *   fails any action it does not know. Such a step is one of those
 *   (unknown-steps.ts): a located warning, and a step that counts
 *   `invalid_steps:connect` and ends the user's scenario. One with a `url`
 *   would be an HTTP CONNECT request, which agentload does not send: not
 *   supported yet.
 */
import { INVALID_STEP, mark } from './flow-marks.ts';
import { INVALID_STEPS } from '../../metrics/names.ts';

type Segs = Array<string | number>;

/** What the rewrite needs from the script rewrite. */
export interface SocketioRewriteContext {
  unsupported(message: string, path: Segs, isKey?: boolean): void;
  /** A step Artillery fails each user at, at `path` (the action's key): said as AGENTLOAD_W_UNKNOWN_STEP. */
  unknownStep(message: string, path: Segs): void;
  alias(to: Segs, from: Segs): void;
}

/** Rewrites one socketio scenario `s` (at `at`) in place; see the module comment. */
export function rewriteSocketioScenario(s: Record<string, unknown>, at: Segs, ctx: SocketioRewriteContext): void {
  rewriteConnectSteps(s.flow, [...at, 'flow'], ctx);
  if (!Array.isArray(s.flow)) return;
  const before: unknown[] = s.beforeScenario === undefined ? [] : Array.isArray(s.beforeScenario) ? s.beforeScenario : [s.beforeScenario];
  s.beforeScenario = [{ socketioConnect: { onFailure: 'endScenario' } }, ...before];
  ctx.alias([...at, 'beforeScenario', 0], [...at, 'engine']);
  for (let k = 1; k < before.length + 1; k++) ctx.alias([...at, 'beforeScenario', k], [...at, 'beforeScenario', k - 1]);
}

/** Artillery's `connect` steps in a socketio flow, loops and parallel included. */
function rewriteConnectSteps(steps: unknown, at: Segs, ctx: SocketioRewriteContext): void {
  if (!Array.isArray(steps)) return;
  steps.forEach((step, i) => {
    if (!isRecord(step)) return;
    for (const key of ['loop', 'parallel']) rewriteConnectSteps(step[key], [...at, i, key], ctx);
    if (!('connect' in step)) return;
    const c = step.connect;
    if (isRecord(c) && (c.url !== undefined || c.uri !== undefined)) {
      ctx.unsupported('a connect step with a url in a socketio scenario is an HTTP CONNECT request in Artillery (its socketio engine hands the step to its HTTP engine), which agentload does not send; remove the step: the scenario connects to the target when it starts', [...at, i, 'connect']);
      steps[i] = { think: 0 }; // reported above: keeps the schema from reporting the step a second time
      return;
    }
    const failing = { think: 0 };
    mark(failing, INVALID_STEP, 'connect');
    steps[i] = failing;
    ctx.unknownStep(`a connect step in a socketio scenario: Artillery's socketio engine has no such step and hands it to its HTTP engine, which fails each user that reaches it for want of a url ("an URL must be specified"), so agentload ends the user's scenario there too (counted as ${INVALID_STEPS}:connect, vusers_failed): the steps after it are not sent. The scenario already connects when it starts; remove the step`, [...at, i, 'connect']);
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
