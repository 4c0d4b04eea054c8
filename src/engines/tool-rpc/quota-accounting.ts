/**
 * Per-identifier quota accounting: for every call that carries an
 * identifier (`params.identifier`, or the step's `accountBy`), counts the
 * successes and the `quota_exceeded` answers, and flags a *quota
 * inconsistency* — a success for a call that was sent after a
 * quota_exceeded answer for the same identifier had been received, within
 * the accounting window. That is the seed's "no false negatives" check:
 * once the gateway has said "quota exhausted", it must not let the same
 * identifier through again until the window (the quota period) has passed.
 *
 * Ordering matters under concurrency: a request sent *before* the refusal
 * arrived may legitimately succeed (the target counted it first), so the
 * send time of the success is compared with the receive time of the
 * refusal, never the two receive times.
 *
 *   t=0  send A(agent-7)         t=5 ← A: ok           fine (sent before the refusal)
 *   t=1  send B(agent-7)         t=3 ← B: quota_exceeded
 *   t=4  send C(agent-7)         t=6 ← C: ok           inconsistency (sent at 4 > 3)
 *
 * Totals go into sink counters (quota_ok, quota_exceeded,
 * quota_inconsistencies) so workers and shards merge them by addition; per
 * identifier detail goes into `<counter>:<identifier>` counters for the
 * first MAX_TRACKED identifiers. One instance per engine (per process);
 * single-threaded. Identifiers shared across workers are accounted per worker.
 */
import type { Recorder } from '../../engine/contracts.ts';
import { QUOTA_EXCEEDED, QUOTA_INCONSISTENCIES, QUOTA_OK } from '../../engine/metrics/names.ts';

/** The expected-outcome name that counts as a quota refusal. */
export const QUOTA_OUTCOME = 'quota_exceeded';
/** Identifiers with per-identifier counters; later ones count in the totals only. */
export const MAX_TRACKED = 1000;

class IdentifierState {
  /**
   * Receive time (run µs) of the first quota_exceeded answer of the current
   * window; -1 when none. The first, not the latest: a success sent between
   * two refusals must still be flagged when its answer arrives after both.
   */
  refusedAtUs = -1;
  readonly okKey: string;
  readonly exceededKey: string;
  readonly inconsistentKey: string;
  constructor(identifier: string, isTracked: boolean) {
    this.okKey = isTracked ? `${QUOTA_OK}:${identifier}` : '';
    this.exceededKey = isTracked ? `${QUOTA_EXCEEDED}:${identifier}` : '';
    this.inconsistentKey = isTracked ? `${QUOTA_INCONSISTENCIES}:${identifier}` : '';
  }
}

/** See the module comment. */
export class QuotaAccounting {
  private readonly states = new Map<string, IdentifierState>();
  private tracked = 0;

  /** `windowUs`: how long a refusal stands (the target's quota period); Infinity = the whole run. */
  constructor(private readonly sink: Recorder, private readonly windowUs: number) {
    // Present (as 0) from the start, so a plan's `counters: {quota_inconsistencies: 0}` reads a real value.
    sink.add(QUOTA_INCONSISTENCIES, 0);
  }

  /** A call for `identifier` sent at `sentUs` succeeded. */
  ok(identifier: string, sentUs: number): void {
    const s = this.state(identifier);
    this.sink.add(QUOTA_OK);
    if (s.okKey !== '') this.sink.add(s.okKey);
    if (s.refusedAtUs < 0) return;
    if (sentUs - s.refusedAtUs > this.windowUs) {
      s.refusedAtUs = -1;
      return;
    }
    if (sentUs > s.refusedAtUs) {
      this.sink.add(QUOTA_INCONSISTENCIES);
      if (s.inconsistentKey !== '') this.sink.add(s.inconsistentKey);
    }
  }

  /** A call for `identifier` was answered quota_exceeded at `receivedUs`. */
  exceeded(identifier: string, receivedUs: number): void {
    const s = this.state(identifier);
    this.sink.add(QUOTA_EXCEEDED);
    if (s.exceededKey !== '') this.sink.add(s.exceededKey);
    if (s.refusedAtUs < 0 || receivedUs - s.refusedAtUs > this.windowUs) s.refusedAtUs = receivedUs;
  }

  private state(identifier: string): IdentifierState {
    let s = this.states.get(identifier);
    if (s === undefined) {
      const isTracked = this.tracked < MAX_TRACKED;
      if (isTracked) this.tracked++;
      s = new IdentifierState(identifier, isTracked);
      this.states.set(identifier, s);
    }
    return s;
  }
}
