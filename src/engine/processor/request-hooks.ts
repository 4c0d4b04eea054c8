/**
 * The beforeRequest / afterResponse functions of one request step, resolved
 * at compile time: the scenario's first, then the request's own, each list
 * in order (Artillery's order), and the scenario's onError functions
 * (Artillery has them per scenario only). Engines see them as the
 * RequestHooks contract and know nothing of the processor.
 */
import type { HookRequest, HookResponse, RequestHooks, VirtualUser } from '../contracts.ts';
import type { HookUser, NamedHook, Processor } from './processor.ts';
import { renderWritten } from './render-written.ts';

/** See the module comment. Immutable; shared by every user running the step. */
export class ProcessorRequestHooks implements RequestHooks {
  readonly hasBefore: boolean;
  readonly hasAfter: boolean;
  readonly hasError: boolean;

  constructor(
    private readonly processor: Processor,
    private readonly beforeHooks: readonly NamedHook[],
    private readonly afterHooks: readonly NamedHook[],
    private readonly errorHooks: readonly NamedHook[] = [],
  ) {
    this.hasBefore = beforeHooks.length > 0;
    this.hasAfter = afterHooks.length > 0;
    this.hasError = errorHooks.length > 0;
  }

  before(req: HookRequest, vu: VirtualUser, done: (isOk: boolean) => void): void {
    const ev = this.processor.events;
    this.processor.callAll(this.beforeHooks, (ctx) => [req, ctx, ev], vu as unknown as HookUser, (isOk) => {
      // Only a beforeRequest function can have written a template into req.
      if (isOk && this.hasBefore) renderWritten(req, vu.vars);
      done(isOk);
    });
  }

  after(req: HookRequest, res: HookResponse, vu: VirtualUser, done: (isOk: boolean) => void): void {
    const ev = this.processor.events;
    this.processor.callAll(this.afterHooks, (ctx) => [req, res, ctx, ev], vu as unknown as HookUser, done);
  }

  /**
   * Artillery's `onError(err, req, context, events, next)`, in order. One that
   * fails is counted as any hook's failure and stops the list; either way
   * `done` follows (the scenario ends whatever the functions did).
   */
  error(err: Error, req: HookRequest, vu: VirtualUser, done: () => void): void {
    const ev = this.processor.events;
    this.processor.callAll(this.errorHooks, (ctx) => [err, req, ctx, ev], vu as unknown as HookUser, () => done());
  }
}
