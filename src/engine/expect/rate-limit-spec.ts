/**
 * Compiles `expect.rateLimit`, the claim a gateway makes about its limiter:
 *
 *   rateLimit: { limit: 100/s, burst: 20, tolerance: 10%, requireRetryAfter: true, honestWait: true, inPhases: [steady, burst] }
 *
 * `limit` is per key per second (`100/s`, `6000/m` or a bare number per
 * second); `burst` (default 0) is the bucket size the gateway claims;
 * `tolerance` (default 10 %) widens every bound. The key a request counts
 * under is `config.rateLimitKey` (a template). Pure; a bad value is a
 * PlanError located at its YAML path. Evaluated by rate-limit-check.ts.
 */
import { PlanError } from '../errors.ts';
import { parseRatio } from './compile-expectations.ts';

type Locate = (yamlPath: string) => { file: string; line: number; col: number } | undefined;

/** The compiled `expect.rateLimit`. */
export interface RateLimitSpec {
  readonly limitPerSec: number;
  readonly burst: number;
  /** 0.1 = 10 %: admitted may exceed the limit by this much, "under the limit" means below limit × (1 − tolerance). */
  readonly tolerance: number;
  /** Every limited answer must say how long to wait (default true). */
  readonly requireRetryAfter: boolean;
  /** true: retries after the advertised wait must run and succeed; null: checked only when retries ran. */
  readonly honestWait: boolean | null;
  /** Only seconds wholly inside these phases are checked; empty = all. */
  readonly phases: readonly string[];
  /** Whether `config.rateLimitKey` is set; without it the check FAILs with that reason. */
  readonly hasKey: boolean;
  readonly yamlPath: string;
}

const KEYS = ['limit', 'burst', 'tolerance', 'requireRetryAfter', 'honestWait', 'inPhases'];
const RATE = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|sec|m|min))?\s*$/;

/** Parses `100/s`, `6000/m` or a number (per second); null when unreadable. */
export function parseRatePerSec(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? v : null;
  if (typeof v !== 'string') return null;
  const m = RATE.exec(v);
  if (m === null) return null;
  const n = Number(m[1]);
  const perSec = m[2] === 'm' || m[2] === 'min' ? n / 60 : n;
  return perSec > 0 ? perSec : null;
}

/** See the module comment; `hasKey` tells whether config.rateLimitKey is set. */
export function compileRateLimitSpec(raw: unknown, p: string, locate: Locate, hasKey: boolean, phaseNames: readonly string[]): RateLimitSpec {
  const fail = (at: string, msg: string): never => {
    throw new PlanError('AGENTLOAD_E_PLAN_EXPECT', msg, { location: locate(at), yamlPath: at });
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(p, `expected a map with ${KEYS.join(', ')}, got ${JSON.stringify(raw)}`);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) fail(`${p}.${k}`, `unknown key "${k}"; expected one of ${KEYS.join(', ')}`);
  if (o.limit === undefined) fail(p, 'expected limit, e.g. "100/s"');
  const limitPerSec = parseRatePerSec(o.limit);
  if (limitPerSec === null) fail(`${p}.limit`, `expected a rate like "100/s", "6000/m" or a number per second, got ${JSON.stringify(o.limit)}`);
  const burst = o.burst === undefined ? 0 : o.burst;
  if (typeof burst !== 'number' || !Number.isInteger(burst) || burst < 0) fail(`${p}.burst`, `expected a whole number >= 0, got ${JSON.stringify(o.burst)}`);
  const tolerance = o.tolerance === undefined ? 0.1 : parseRatio(o.tolerance);
  if (tolerance === null || tolerance < 0 || tolerance >= 1) fail(`${p}.tolerance`, `expected a percentage from 0% to below 100%, got ${JSON.stringify(o.tolerance)}`);
  for (const k of ['requireRetryAfter', 'honestWait']) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') fail(`${p}.${k}`, `expected true or false, got ${JSON.stringify(o[k])}`);
  }
  const phases = o.inPhases === undefined ? [] : [o.inPhases].flat();
  phases.forEach((ph, i) => {
    if (typeof ph !== 'string' || !phaseNames.includes(ph)) fail(`${p}.inPhases[${i}]`, `no phase is named ${JSON.stringify(ph)}; the plan's phases are ${phaseNames.map((n) => `"${n}"`).join(', ')}`);
  });
  return {
    limitPerSec: limitPerSec!,
    burst: burst as number,
    tolerance: tolerance!,
    requireRetryAfter: o.requireRetryAfter !== false,
    honestWait: o.honestWait === undefined ? null : o.honestWait as boolean,
    phases: phases as string[],
    hasKey,
    yamlPath: p,
  };
}
