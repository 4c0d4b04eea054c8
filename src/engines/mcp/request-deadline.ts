/**
 * One MCP request's timeout on the run's deadline service, in place of an
 * AbortSignal.timeout (a timer per request): its signal aborts with a
 * TimeoutError when due, covering the answer's body as well as its headers.
 */
import type { DeadlineItem, Deadlines } from '../../engine/contracts.ts';

/** See the module comment. end() it once the request is over, answered or not. */
export class RequestDeadline implements DeadlineItem {
  heapIndex = -1;
  wakeMs: number;
  private readonly controller = new AbortController();

  constructor(private readonly deadlines: Deadlines, timeoutMs: number) {
    this.wakeMs = deadlines.nowMs() + timeoutMs;
    deadlines.update(this);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  onWake(): void {
    this.controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }

  end(): void {
    this.deadlines.remove(this);
  }
}
