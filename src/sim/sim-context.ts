/**
 * The state one running sim shares between its HTTP server, its methods and
 * its WebSocket hub. Built once by start-sim.ts; methods receive it as an
 * argument rather than closing over it, so handlers stay plain functions.
 */

import type { IncomingMessage } from 'node:http';
import type { A2aState } from './a2a/a2a-state.ts';
import type { AgentStore } from './agent-store.ts';
import type { GatewayState } from './gateway/gateway-state.ts';
import type { Chaos } from './chaos.ts';
import type { SimMetrics } from './metrics.ts';
import type { QuotaBook } from './quotas.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { SimConfig } from './sim-config.ts';
import type { TaskStore } from './task-store.ts';

/** Everything a request handler may read or update. Single-threaded; never shared across processes. */
export interface SimContext {
  readonly config: SimConfig;
  readonly metrics: SimMetrics;
  /** null when rate limiting is off. */
  readonly limiter: RateLimiter | null;
  readonly quotas: QuotaBook;
  /** seedCompat mode's agents and tasks. */
  readonly agents: AgentStore;
  readonly tasks: TaskStore;
  /** Upstream mode's agents and task executions. */
  readonly a2a: A2aState;
  /** The HTTP gateway's tokens, rate windows and realtime counters. */
  readonly gateway: GatewayState;
  readonly chaos: Chaos;
  /** performance.now() when the sim started. */
  readonly startMs: number;
  /** Open WebSocket connections right now. */
  wsActive(): number;
}

/** Method params after the router's check: always an object (possibly empty). */
export type Params = Record<string, unknown>;

/**
 * A JSON-RPC method. `handler` returns the result (or a Promise of it, or a
 * RawJson) and throws/rejects an RpcFault for an error answer. It is called
 * on the request hot path and must not block.
 */
export interface MethodSpec {
  readonly name: string;
  readonly handler: (params: Params, sim: SimContext, req: IncomingMessage) => unknown;
  /** Over the rate limit, tool executions answer HTTP 200 + -32001; everything else HTTP 429. */
  readonly isToolCall: boolean;
  /** When `auth` is on, calls without `Authorization: Bearer …` get HTTP 401. */
  readonly needsAuth: boolean;
  /** Status queries are not rate limited, so clients can always ask when to retry. */
  readonly isRateExempt: boolean;
}

/** Builds a MethodSpec with the common defaults (not a tool call, no auth, rate limited). */
export function method(name: string, handler: MethodSpec['handler'], flags: Partial<MethodSpec> = {}): MethodSpec {
  return {
    name,
    handler,
    isToolCall: flags.isToolCall ?? false,
    needsAuth: flags.needsAuth ?? false,
    isRateExempt: flags.isRateExempt ?? false,
  };
}
