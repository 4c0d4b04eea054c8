/**
 * A step's `retry:` policy, compiled once, and the delay before each retry.
 *
 *   retry: { attempts: 3, backoff: exponential, base: 100ms, max: 5s, jitter: 0.1,
 *            on: [network, 429, 503, -32001] }
 *
 * `attempts` counts every send, the first included. Entries of `on` are
 * HTTP statuses (100–599), JSON-RPC error codes (any other integer), or
 * `network` (refused, reset, timeout …) / `timeout` (timeouts only).
 *
 * Delay before retry n (n = 1 for the first retry), exponential, base 100 ms,
 * max 5 s, no jitter: 100, 200, 400, 800 ms … capped at 5 s. A `Retry-After`
 * (header, or `error.data.retry_after` seconds as AgentCore sends it) is a
 * floor: the target said "not before", so we never retry earlier, even past `max`.
 */
import type { StepCompileContext } from '../../engine/contracts.ts';

/** A compiled retry policy; `null` on a step means "no retry" (the fast path). */
export interface RetryPolicy {
  readonly attempts: number;
  readonly isExponential: boolean;
  readonly baseMs: number;
  readonly maxMs: number;
  /** 0..1: each backoff delay is drawn uniformly from delay × [1 − jitter, 1 + jitter]. */
  readonly jitter: number;
  readonly statuses: ReadonlySet<number>;
  readonly codes: ReadonlySet<number>;
  readonly onNetwork: boolean;
  readonly onTimeout: boolean;
}

const DEFAULT_ON: readonly (string | number)[] = ['network', 429, 503, -32001];
const KEYS = new Set(['attempts', 'backoff', 'base', 'max', 'jitter', 'on']);

/** Compiles `retry:`; throws a located PlanError on a bad value. Compile time only. */
export function compileRetry(raw: unknown, ctx: StepCompileContext, yamlPath: string): RetryPolicy | null {
  if (raw === undefined || raw === null || raw === false) return null;
  const r = (raw === true ? {} : raw) as Record<string, unknown>;
  if (typeof r !== 'object' || Array.isArray(r)) ctx.fail(`expected a retry policy {attempts, backoff, base, max, jitter, on}, got ${JSON.stringify(raw)}`, yamlPath);
  for (const k of Object.keys(r)) if (!KEYS.has(k)) ctx.fail(`unknown retry key "${k}"; expected one of ${[...KEYS].join(', ')}`, `${yamlPath}.${k}`);
  const attempts = r.attempts === undefined ? 3 : Number(r.attempts);
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 100) ctx.fail(`expected attempts to be a whole number 1-100, got ${JSON.stringify(r.attempts)}`, `${yamlPath}.attempts`);
  const backoff = r.backoff ?? 'exponential';
  if (backoff !== 'exponential' && backoff !== 'constant') ctx.fail(`expected backoff exponential or constant, got ${JSON.stringify(backoff)}`, `${yamlPath}.backoff`);
  const jitter = r.jitter === undefined ? 0 : Number(r.jitter);
  if (!(jitter >= 0 && jitter <= 1)) ctx.fail(`expected jitter between 0 and 1, got ${JSON.stringify(r.jitter)}`, `${yamlPath}.jitter`);
  const baseMs = r.base === undefined ? 100 : ctx.durationMs(r.base, `${yamlPath}.base`);
  const maxMs = r.max === undefined ? Math.max(5000, baseMs) : ctx.durationMs(r.max, `${yamlPath}.max`);
  if (maxMs < baseMs) ctx.fail(`expected max >= base, got base ${baseMs}ms, max ${maxMs}ms`, `${yamlPath}.max`);
  const statuses = new Set<number>();
  const codes = new Set<number>();
  let onNetwork = false;
  let onTimeout = false;
  const on = r.on === undefined ? DEFAULT_ON : Array.isArray(r.on) ? r.on : [r.on];
  on.forEach((v, i) => {
    if (v === 'network') onNetwork = onTimeout = true;
    else if (v === 'timeout') onTimeout = true;
    else if (Number.isInteger(v)) ((v as number) >= 100 && (v as number) <= 599 ? statuses : codes).add(v as number);
    else ctx.fail(`expected an HTTP status, a JSON-RPC error code, "network" or "timeout", got ${JSON.stringify(v)}`, `${yamlPath}.on[${i}]`);
  });
  return { attempts, isExponential: backoff === 'exponential', baseMs, maxMs, jitter, statuses, codes, onNetwork, onTimeout };
}

/**
 * Milliseconds to wait before retry `n` (1-based); `retryAfterMs` (0 = none) is a floor. `draw`
 * (in [0, 1), from the user's seeded stream) sets the jitter, so retries replay with `--seed`.
 */
export function retryDelayMs(p: RetryPolicy, n: number, retryAfterMs: number, draw: number): number {
  let ms = p.isExponential ? p.baseMs * 2 ** (n - 1) : p.baseMs;
  if (ms > p.maxMs) ms = p.maxMs;
  if (p.jitter > 0) ms *= 1 + p.jitter * (2 * draw - 1);
  return ms > retryAfterMs ? ms : retryAfterMs;
}

/**
 * Parses a Retry-After value to milliseconds: delta seconds (`"1"`, `1.5`)
 * or an HTTP date. 0 when absent or unreadable.
 */
export function retryAfterMs(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? v * 1000 : 0;
  if (typeof v !== 'string' || v === '') return 0;
  const n = Number(v);
  if (Number.isFinite(n)) return n > 0 ? n * 1000 : 0;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : 0;
}
