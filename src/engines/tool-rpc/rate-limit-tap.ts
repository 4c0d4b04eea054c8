/**
 * The tool-rpc engine's side of `expect.rateLimit`: one per VU session,
 * reused for every request. It counts each attempt as offered under the
 * step's rate-limit key and run second, then admitted or limited, and
 * whether a retry sent after an advertised wait (Retry-After header or
 * `error.data.retry_after`) was admitted or limited again — the "honest
 * wait" the check asks for. Only called when the step has a rate-limit key.
 */
import type { RateLimitLog, Template, VuVars } from '../../engine/contracts.ts';
import {
  RL_ADMITTED, RL_LIMITED, RL_LIMITED_WITHOUT_WAIT, RL_RETRY_LIMITED, RL_RETRY_OK, RL_UNDER_LIMITED,
} from '../../engine/metrics/rate-limit-recorder.ts';

/** See the module comment. Fields are all set in the constructor (monomorphic). */
export class RateLimitTap {
  private key = '';
  private second = 0;
  private isAfterWait = false;
  private isUnder = false;

  constructor(private readonly recorder: RateLimitLog | null) {}

  /** A new step starts: render its key once for all of its attempts. */
  begin(key: Template, vars: VuVars): void {
    this.key = key.render(vars);
    this.isAfterWait = false;
  }

  /** One attempt goes out at run time `nowUs`. */
  sent(nowUs: number): void {
    this.second = Math.floor(nowUs / 1e6);
    this.isUnder = this.recorder?.offered(this.key, nowUs) ?? false;
  }

  /** The attempt was answered; `hasWait` says whether a limited answer named a wait. */
  answered(isLimited: boolean, hasWait: boolean): void {
    const rl = this.recorder;
    if (rl === null) return;
    rl.record(this.key, this.second, isLimited ? RL_LIMITED : RL_ADMITTED);
    if (isLimited && !hasWait) rl.record(this.key, this.second, RL_LIMITED_WITHOUT_WAIT);
    if (isLimited && this.isUnder) rl.record(this.key, this.second, RL_UNDER_LIMITED);
    if (this.isAfterWait) rl.record(this.key, this.second, isLimited ? RL_RETRY_LIMITED : RL_RETRY_OK);
    this.isAfterWait = false;
  }

  /** The next attempt is a retry scheduled no earlier than the target's advertised wait. */
  retryingAfterWait(): void {
    this.isAfterWait = true;
  }

  /** The attempt got no answer (network failure, timeout): it says nothing about the limiter. */
  unanswered(): void {
    this.isAfterWait = false;
  }
}
