/**
 * Evaluates `expect.rateLimit` over the per-key, per-second table the
 * engines recorded (src/engine/metrics/rate-limit-recorder.ts). Pure.
 *
 * The model is the token bucket the gateway claims: `limit` tokens per
 * second, at most `burst` saved up. A bucket can hold at most
 *
 *   carry[0] = burst,  carry[w+1] = min(burst, max(0, carry[w] + limit − admitted[w]))
 *
 * tokens at the start of second w, so an honest limiter admits at most
 * carry[w] + limit × (1 + tolerance) in it. Worked example, limit 10/s,
 * burst 5, tolerance 10 %: second 0 may admit 5 + 11 = 16; if it admitted
 * 15, second 1 starts with min(5, 5 + 10 − 15) = 0 and may admit 11.
 * Any interval of one second obeys this bound, so where our seconds fall
 * against the gateway's clock does not matter; fixed-window limiters can
 * admit up to two windows' worth across a boundary — claim that as burst.
 *
 * Four lines, each PASS or FAIL:
 *   admitted      no second admits more than the bound above
 *   under limit   no request sent under the limit was limited (no false positives):
 *                 "under" is judged per request by a shadow bucket slower than the
 *                 claimed one (rate-limit-recorder.ts), not by whole-second counts
 *   Retry-After   every limited answer said how long to wait
 *   honest wait   ≥ 1 − tolerance of retries sent after the advertised wait were
 *                 admitted (only when retries ran, or always with honestWait: true)
 * A check that has nothing to look at FAILs with the reason, never PASSes.
 */
import type { ExpectationResult } from '../contracts.ts';
import {
  RL_ADMITTED, RL_LIMITED, RL_LIMITED_WITHOUT_WAIT, RL_RETRY_LIMITED, RL_RETRY_OK, RL_UNDER_LIMITED, RL_UNDER_OFFERED,
  type EncodedRateLimits,
} from '../metrics/rate-limit-recorder.ts';
import type { RateLimitSpec } from './rate-limit-spec.ts';
import type { PhaseSpan } from './series-types.ts';

/** What the check reads besides the table. */
export interface RateLimitContext {
  readonly phases: readonly PhaseSpan[];
  readonly warmupMs: number;
  readonly loadEndMs: number;
}

type Cells = Map<number, number[]>;

function byKey(table: EncodedRateLimits): Map<string, Cells> {
  const keys = new Map<string, Cells>();
  for (const [id, counts] of Object.entries(table)) {
    const tab = id.indexOf('\t');
    const key = id.slice(tab + 1);
    let cells = keys.get(key);
    if (cells === undefined) keys.set(key, (cells = new Map<number, number[]>()));
    cells.set(Number(id.slice(0, tab)), counts);
  }
  return keys;
}

/** Only whole seconds of the measured load, inside the listed phases. */
function isChecked(second: number, spec: RateLimitSpec, ctx: RateLimitContext): boolean {
  const startMs = second * 1000;
  const endMs = startMs + 1000;
  if (startMs < ctx.warmupMs || endMs > ctx.loadEndMs) return false;
  if (spec.phases.length === 0) return true;
  return ctx.phases.some((p) => spec.phases.includes(p.name) && p.startMs <= startMs && endMs <= p.startMs + p.durationMs);
}

const ZERO = [0, 0, 0, 0, 0, 0, 0, 0];

interface Tally {
  seconds: number;
  worst: { admitted: number; allowed: number; key: string; second: number } | null;
  overSeconds: number;
  underOffered: number;
  falseLimits: number;
  limited: number;
  withoutWait: number;
  retryOk: number;
  retryLimited: number;
}

function walkKey(key: string, cells: Cells, spec: RateLimitSpec, ctx: RateLimitContext, t: Tally): void {
  const r = spec.limitPerSec;
  const seconds = [...cells.keys()];
  const last = Math.max(...seconds);
  let carry = spec.burst;
  for (let s = Math.min(...seconds); s <= last; s++) {
    const c = cells.get(s) ?? ZERO;
    if (isChecked(s, spec, ctx)) {
      t.seconds++;
      const allowed = carry + r * (1 + spec.tolerance);
      if (t.worst === null || c[RL_ADMITTED]! / allowed > t.worst.admitted / t.worst.allowed) t.worst = { admitted: c[RL_ADMITTED]!, allowed, key, second: s };
      if (c[RL_ADMITTED]! > allowed) t.overSeconds++;
      t.underOffered += c[RL_UNDER_OFFERED] ?? 0;
      t.falseLimits += c[RL_UNDER_LIMITED] ?? 0;
      t.limited += c[RL_LIMITED]!;
      t.withoutWait += c[RL_LIMITED_WITHOUT_WAIT]!;
      t.retryOk += c[RL_RETRY_OK]!;
      t.retryLimited += c[RL_RETRY_LIMITED]!;
    }
    carry = Math.min(spec.burst, Math.max(0, carry + r - c[RL_ADMITTED]!));
  }
}

const fmt = (n: number): string => String(Math.round(n * 10) / 10);
const pct = (n: number): string => `${Math.round(n * 1000) / 10}%`;

/** See the module comment. `table` is null when nothing was recorded (no key, or no request). */
export function checkRateLimit(spec: RateLimitSpec, table: EncodedRateLimits | null, ctx: RateLimitContext): ExpectationResult[] {
  const r = spec.limitPerSec;
  const head = `rateLimit ${fmt(r)}/s burst ${spec.burst} ±${pct(spec.tolerance)}`;
  const cannot = (reason: string): ExpectationResult[] => [{ name: head, isPass: false, measured: 'n/a', limit: 'checkable', reason }];
  if (!spec.hasKey) return cannot('config.rateLimitKey is not set, so requests are not counted per key');
  if (table === null || Object.keys(table).length === 0) return cannot('no samples: no request was recorded under a rate-limit key');
  const t: Tally = { seconds: 0, worst: null, overSeconds: 0, underOffered: 0, falseLimits: 0, limited: 0, withoutWait: 0, retryOk: 0, retryLimited: 0 };
  const keys = byKey(table);
  for (const [key, cells] of keys) walkKey(key, cells, spec, ctx, t);
  if (t.seconds === 0) return cannot(`no whole second of load${spec.phases.length > 0 ? ` in ${spec.phases.join(', ')}` : ''} after the warm-up`);
  const w = t.worst!;
  const out: ExpectationResult[] = [{
    name: `${head}: admitted per key per second`,
    isPass: t.overSeconds === 0,
    measured: `worst ${w.admitted} (key ${JSON.stringify(w.key)}, second ${w.second}); ${t.overSeconds} of ${t.seconds} key-seconds over`,
    limit: `<= ${fmt(w.allowed)} there (limit + carried burst + tolerance)`,
  }];
  const underLine = { name: `${head}: none limited under ${fmt(r * (1 - spec.tolerance))}/s`, limit: '0 limited' };
  out.push(t.underOffered === 0
    ? { ...underLine, isPass: false, measured: 'n/a', reason: `no request was sent under ${fmt(r * (1 - spec.tolerance))}/s; add a phase below the limit` }
    : { ...underLine, isPass: t.falseLimits === 0, measured: `${t.falseLimits} of ${t.underOffered} requests sent under the limit were limited` });
  if (spec.requireRetryAfter) {
    const line = { name: `${head}: every limit says when to retry`, limit: '0 without Retry-After / RateLimit-Reset' };
    out.push(t.limited === 0
      ? { ...line, isPass: false, measured: 'n/a', reason: 'no request was limited; offer more than the limit to check the wait headers' }
      : { ...line, isPass: t.withoutWait === 0, measured: `${t.withoutWait} of ${t.limited} limited without a wait` });
  }
  const retries = t.retryOk + t.retryLimited;
  if (spec.honestWait === true || (spec.honestWait === null && retries > 0)) {
    const line = { name: `${head}: retry after the advertised wait succeeds`, limit: `>= ${pct(1 - spec.tolerance)}` };
    out.push(retries === 0
      ? { ...line, isPass: false, measured: 'n/a', reason: 'no retry followed an advertised wait; give the step retry: { on: [429, -32001] }' }
      : { ...line, isPass: t.retryOk / retries >= 1 - spec.tolerance, measured: `${pct(t.retryOk / retries)} of ${retries} retries admitted` });
  }
  return out;
}
