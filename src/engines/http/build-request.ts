/**
 * Turns a compiled http step and a VU's variables into undici dispatch
 * options. A static step (nothing templated) is built once per run, at its
 * first request (the target is settled only at run time), and every request
 * reuses the same options object; a templated one renders only its dynamic
 * parts per request.
 */
import type { VuVars } from '../../engine/contracts.ts';
import type { DispatchOpts, HttpStep } from './http-step.ts';
import type { ResolvedTarget } from './target.ts';

/** Dispatch options, the origin they go to, and the rendered json (a JSON-RPC answer is checked against the ids it carried). */
export interface BuiltRequest {
  readonly origin: string;
  readonly opts: DispatchOpts;
  readonly json: unknown;
}

const NO_VARS: VuVars = Object.freeze({});

/** Renders the dynamic parts of a step into dispatch options. */
export function buildRequest(step: HttpStep, vars: VuVars, target: ResolvedTarget): BuiltRequest {
  const { origin, path } = target.locate(step.url.render(vars));
  let fullPath = path;
  if (step.qs !== null) {
    const q = new URLSearchParams(step.qs.render(vars) as Record<string, string>).toString();
    if (q) fullPath += (path.includes('?') ? '&' : '?') + q;
  }
  const headers: string[] = [];
  for (const [k, t] of step.headers) headers.push(k, t.render(vars));
  let body: Buffer | string | null = null;
  const json = step.json === null ? undefined : step.json.render(vars);
  if (step.json !== null) body = JSON.stringify(json);
  else if (step.body !== null) body = step.body.render(vars);
  else if (step.form !== null) body = step.form.render(vars);
  if (step.isStatic && typeof body === 'string') body = Buffer.from(body);
  return {
    origin,
    // 0 turns undici's per-request timers off: the run's deadline service times requests out.
    opts: { path: fullPath, method: step.method, headers, body, headersTimeout: 0, bodyTimeout: 0 },
    json,
  };
}

/** Builds a static step's request for the run's target into the step's run cache (staticOrigin / staticOpts). */
export function prebuildRequest(step: HttpStep, target: ResolvedTarget): void {
  const { origin, opts } = buildRequest(step, NO_VARS, target);
  step.staticOrigin = origin;
  step.staticOpts = opts;
}
