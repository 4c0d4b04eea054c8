/**
 * The socketio engine's `socketioConnect` step: opens the user's connection
 * to a namespace before any emit. Artillery's socketio engine connects to
 * the target's main namespace when a scenario starts, before its first step;
 * the Artillery rewrite puts this step there (docs/artillery.md).
 */
import type { DeadlineItem, StepCompileContext, StepInput, Template, VirtualUser } from '../../engine/contracts.ts';
import { SOCKETIO_CONNECTING } from '../../engine/metrics/names.ts';

/** A compiled `socketioConnect`. */
export interface ConnectStep {
  readonly kind: 'connect';
  readonly handle: number;
  readonly namespace: Template;
  readonly timeoutMs: number;
  /** `onFailure: endScenario`: a connection that does not open ends the user's scenario (Artillery's scenarios). */
  readonly endsScenarioOnFailure: boolean;
}

/** What a connect in flight reports to (the engine). */
export interface ConnectOwner {
  endConnect(p: PendingConnect, failure: string | null): void;
}

/** A connect in flight, on the run's deadline service until the connection opens or fails. */
export class PendingConnect implements DeadlineItem {
  heapIndex = -1;
  isDone = false;

  constructor(
    private readonly owner: ConnectOwner,
    readonly step: ConnectStep,
    readonly vu: VirtualUser,
    public wakeMs: number,
  ) {}

  onWake(): void {
    this.owner.endConnect(this, 'timeout');
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Compiles a `socketioConnect` step (null or `{}` for the main namespace). */
export function compileConnectStep(step: StepInput, ctx: StepCompileContext): ConnectStep {
  const p = ctx.yamlPath;
  const raw = step.socketioConnect;
  const c = (raw === null || raw === undefined ? {} : raw) as Record<string, unknown>;
  const config = (ctx.config.socketio ?? {}) as Record<string, unknown>;
  const timeout = c.timeout ?? config.timeout;
  return {
    kind: 'connect',
    handle: ctx.sink.handle(typeof c.name === 'string' ? c.name : SOCKETIO_CONNECTING),
    namespace: ctx.template(typeof c.namespace === 'string' ? c.namespace : '', `${p}.namespace`),
    timeoutMs: timeout === undefined ? DEFAULT_TIMEOUT_MS : ctx.durationMs(timeout, `${p}.timeout`),
    endsScenarioOnFailure: c.onFailure === 'endScenario',
  };
}
