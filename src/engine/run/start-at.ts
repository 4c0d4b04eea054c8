/**
 * `--start-at`: holds a run that is fully set up (engines, sim, worker
 * threads) until a wall-clock instant, so shards on several machines start
 * their schedules together. Only this wait reads the wall clock; the
 * scheduler's clock is monotonic and starts when the wait ends. Machines
 * are assumed to be NTP-synced: their clock offset is the shards'
 * misalignment.
 *
 *   setup ──▶ wait (one line on stderr) ──▶ reporters onStart ──▶ arrival 0
 *
 * Setup happens before the wait on purpose: a worker thread or a sim takes
 * a second or more to boot, and that must not delay one shard's first
 * arrival relative to the others'.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RunError } from '../errors.ts';

/**
 * How far in the past `--start-at` may be and still start: clock skew and
 * a slow setup are tolerated up to this much, a stale instant is an error.
 */
export const START_AT_SLACK_MS = 5000;

/** Longest single sleep; the wall clock is re-read after each, so a long wait does not drift. */
const MAX_SLEEP_MS = 60_000;

/** `12.3s`, or `4m 05.0s` for longer waits. */
export function formatWait(ms: number): string {
  const s = Math.max(ms, 0) / 1000;
  if (s < 120) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m ${(s - m * 60).toFixed(1).padStart(4, '0')}s`;
}

/**
 * Waits until `startAtMs` (epoch ms). Resolves true at the instant (never
 * before it), false when `signal` aborts the wait. Throws RunError
 * AGENTLOAD_E_START_AT_MISSED when the instant passed more than
 * START_AT_SLACK_MS ago: that shard would run out of step with the others.
 * Logs one line saying how long it waits (or how late it starts).
 */
export async function waitForStart(startAtMs: number, signal: AbortSignal | undefined, log: (line: string) => void): Promise<boolean> {
  const at = new Date(startAtMs).toISOString();
  const lateMs = Date.now() - startAtMs;
  if (lateMs > START_AT_SLACK_MS) {
    throw new RunError('AGENTLOAD_E_START_AT_MISSED', `--start-at ${at} passed ${formatWait(lateMs)} before this run was ready to start; its load would be out of step with the other shards`);
  }
  if (lateMs >= 0) {
    log(`agentload: --start-at ${at} passed ${formatWait(lateMs)} ago; starting now`);
    return !signal?.aborted;
  }
  log(`agentload: waiting ${formatWait(-lateMs)} until ${at} (--start-at)`);
  try {
    for (let leftMs = -lateMs; leftMs > 0; leftMs = startAtMs - Date.now()) {
      await sleep(Math.min(Math.ceil(leftMs), MAX_SLEEP_MS), undefined, { signal });
    }
  } catch (e) {
    if (signal?.aborted) return false;
    throw e;
  }
  return !signal?.aborted;
}
