/**
 * Every JSON-RPC method the sim serves in upstream mode, by name: upstream's
 * rpc.*, agent.*, task.*, tools.*, route.message and health.get_stats (the subset the load plans use; see
 * docs/sim.md for the other upstream methods) plus modular.solve, whose
 * latency model is a sim extension (upstream's needs an LLM provider).
 */

import { SOLVE_METHODS } from '../methods/modular-solve.ts';
import type { MethodSpec } from '../sim-context.ts';
import { A2A_AGENT_METHODS } from './agent-methods.ts';
import { A2A_ROUTE_HEALTH_METHODS } from './route-health-methods.ts';
import { rpcMethods } from './rpc-methods.ts';
import { A2A_TASK_METHODS } from './task-methods.ts';
import { A2A_TOOL_METHODS } from './tool-methods.ts';

const byName = new Map<string, MethodSpec>();
for (const m of [...rpcMethods(() => [...byName.keys()]), ...A2A_AGENT_METHODS, ...A2A_TASK_METHODS, ...A2A_TOOL_METHODS, ...A2A_ROUTE_HEALTH_METHODS, ...SOLVE_METHODS]) byName.set(m.name, m);

/** Upstream-mode methods by name. Read-only after module load. */
export const A2A_METHODS: ReadonlyMap<string, MethodSpec> = byName;
